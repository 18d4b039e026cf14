package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/harmonic-go/harmonic/internal/atomicfile"
)

// ErrNotReady is the error (under errors.Is) of running a job whose
// dependency is not done.
var ErrNotReady = errors.New("dependency not done")

// Options say how an executor runs jobs.
type Options struct {
	Jobs    int       // jobs run at once by Run (default 1; RunOne runs one)
	Threads int       // Env.Threads of each job (default GOMAXPROCS / Jobs, at least 1)
	Log     io.Writer // progress lines (default: none)
	// Observer, if set, hears from Run's own goroutine (never concurrently)
	// which jobs it will run and when each starts and ends: a progress line.
	Observer Observer
}

// Observer follows a Run: Planned once with the plan positions of the jobs
// to run (in the order they may start), then Started and Finished (err nil
// when done) of each job as it runs.
type Observer interface {
	Planned(p *Plan, toRun []int)
	Started(i int)
	Finished(i int, err error)
}

func (o Options) jobs() int { return max(o.Jobs, 1) }

func (o Options) threads() int {
	if o.Threads > 0 {
		return o.Threads
	}
	return max(runtime.GOMAXPROCS(0)/o.jobs(), 1)
}

// Run saves p to out/plan.json and runs every job under out that is not done,
// or whose dependencies run again, on opt.Jobs goroutines, starting each job
// once its dependencies are done. The first error stops the scheduling of new
// jobs; the running ones finish (they see ctx) and the error is returned,
// naming the job's ID and kind. A cancelled ctx stops it the same way.
//
// Before anything else Run checks that out is writable and takes its lock
// (out/plan.lock) exclusively, for as long as it runs: when another Run or
// RunOne holds it, Run does nothing and returns an ErrLocked error naming
// the holder (see lockOut for why it refuses rather than waits). Holding it,
// Run deletes the temporary files of atomic writes a killed process left
// anywhere under out.
func Run(ctx context.Context, p *Plan, out string, opt Options) error {
	log := &logger{w: opt.Log}
	lock, err := lockOut(ctx, out, true, false, log)
	if err != nil {
		return err
	}
	defer lock.release()
	if !lockSupported {
		log.printf("plan: no file locking on this platform: do not run two processes on %s at once", out)
	}
	// Temporary files of atomic writes a killed run left anywhere in the
	// study's folder (job outputs, and the report's figures and tables,
	// which the study writes after Run): no other process writes here now.
	if n, err := atomicfile.RemoveTemps(out); err != nil {
		return fmt.Errorf("plan: %w", err)
	} else if n > 0 {
		log.printf("plan: removed %d temporary file(s) of an interrupted run under %s", n, out)
	}
	if err := p.Save(filepath.Join(out, planFile)); err != nil {
		return err
	}
	for _, j := range p.Jobs { // unknown kinds fail before any work
		if _, err := checkKind(j); err != nil {
			return err
		}
	}
	order, err := p.Order()
	if err != nil {
		return err
	}
	at, dependants := p.positions(), p.dependants()
	stale, err := reset(p, order, out)
	if err != nil {
		return err
	}
	// waiting[i] counts the dependencies of job i still to run; ready holds
	// jobs to run with none: in topological order first, then as they become ready.
	waiting := make([]int, len(p.Jobs))
	var ready []int
	total := 0
	for _, i := range order {
		if !stale[i] {
			continue
		}
		total++
		for _, d := range p.Jobs[i].Deps {
			if stale[at[d]] {
				waiting[i]++
			}
		}
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	log.printf("plan: %d jobs, %d done, %d to run under %s, %d at a time", len(p.Jobs), len(p.Jobs)-total, total, out, opt.jobs())
	if opt.Observer != nil {
		var toRun []int
		for _, i := range order {
			if stale[i] {
				toRun = append(toRun, i)
			}
		}
		opt.Observer.Planned(p, toRun)
	}

	type result struct {
		i   int
		err error
	}
	results := make(chan result)
	running, started, finished := 0, 0, 0
	var first error
	for {
		for first == nil && running < opt.jobs() && len(ready) > 0 {
			if err := ctx.Err(); err != nil {
				first = fmt.Errorf("plan: stopped with %d of %d jobs done: %w", finished, total, err)
				break
			}
			i := ready[0]
			ready = ready[1:]
			running++
			started++
			log.printf("[%s %s] start (%d/%d)", p.Jobs[i].ID, p.Jobs[i].Kind, started, total)
			if opt.Observer != nil {
				opt.Observer.Started(i)
			}
			go func() {
				t0 := time.Now()
				err := execute(ctx, p, at, i, out, opt.threads(), log)
				if err == nil {
					log.printf("[%s %s] done in %s", p.Jobs[i].ID, p.Jobs[i].Kind, time.Since(t0).Round(time.Millisecond))
				}
				results <- result{i, err}
			}()
		}
		if running == 0 {
			break
		}
		r := <-results
		running--
		if opt.Observer != nil {
			opt.Observer.Finished(r.i, r.err)
		}
		if r.err != nil {
			log.printf("[%s %s] failed: %v", p.Jobs[r.i].ID, p.Jobs[r.i].Kind, r.err)
			if first == nil {
				first = fmt.Errorf("job %s: %w", p.name(r.i), r.err)
			}
			continue
		}
		finished++
		for _, d := range dependants[r.i] {
			if waiting[d]--; waiting[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	return first
}

// RunOne runs job index (its position in plan.json) of the plan saved at
// planPath, in this process, under the plan's directory: nothing if it is
// done, an ErrNotReady error naming the dependency if one is not done.
// opt.Jobs is ignored. It holds the plan directory's lock shared while it
// runs, so array tasks run side by side but not beside a Run on the same
// folder: while a Run holds the lock, RunOne waits (until ctx is cancelled).
func RunOne(ctx context.Context, planPath string, index int, opt Options) error {
	p, err := Load(planPath)
	if err != nil {
		return err
	}
	if index < 0 || index >= len(p.Jobs) {
		return fmt.Errorf("%s: no job at index %d: the plan has %d jobs (0..%d)", planPath, index, len(p.Jobs), len(p.Jobs)-1)
	}
	out := filepath.Dir(planPath)
	j := p.Jobs[index]
	if _, err := checkKind(j); err != nil {
		return err
	}
	log := &logger{w: opt.Log}
	lock, err := lockOut(ctx, out, false, true, log)
	if err != nil {
		return err
	}
	defer lock.release()
	if Done(out, j.ID) {
		log.printf("[%s %s] already done", j.ID, j.Kind)
		return nil
	}
	// Everything downstream of this job is stale once it runs again.
	dependants := p.dependants()
	seen := make([]bool, len(p.Jobs))
	for queue := append([]int(nil), dependants[index]...); len(queue) > 0; queue = queue[1:] {
		if k := queue[0]; !seen[k] {
			seen[k] = true
			if err := os.RemoveAll(RunDir(out, p.Jobs[k].ID)); err != nil {
				return err
			}
			queue = append(queue, dependants[k]...)
		}
	}
	t0 := time.Now()
	log.printf("[%s %s] start (index %d of %d)", j.ID, j.Kind, index, len(p.Jobs))
	if err := execute(ctx, p, p.positions(), index, out, opt.threads(), log); err != nil {
		return fmt.Errorf("job %s: %w", p.name(index), err)
	}
	log.printf("[%s %s] done in %s", j.ID, j.Kind, time.Since(t0).Round(time.Millisecond))
	return nil
}

// staleJobs marks the jobs Run would run under out: those not done and
// those downstream of one not done.
func staleJobs(p *Plan, order []int, out string) []bool {
	at := p.positions()
	stale := make([]bool, len(p.Jobs))
	for _, i := range order { // dependencies first
		stale[i] = !Done(out, p.Jobs[i].ID)
		for _, d := range p.Jobs[i].Deps {
			stale[i] = stale[i] || stale[at[d]]
		}
	}
	return stale
}

// reset returns the stale jobs under out and deletes the directories of those
// downstream of another stale job: their old outputs came from outputs about
// to change. A stale job whose dependencies are all done keeps its directory,
// so it can resume from what it wrote before it was stopped.
func reset(p *Plan, order []int, out string) ([]bool, error) {
	at := p.positions()
	stale := staleJobs(p, order, out)
	for _, j := range p.Jobs {
		for _, d := range j.Deps {
			if stale[at[d]] {
				if err := os.RemoveAll(RunDir(out, j.ID)); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	return stale, nil
}
