package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/tensor"
)

// Results gathers everything the GAHB report shows, read back from the
// jobs' metrics.json and files (collectGAHB): a part whose job is not done
// is nil (or absent from its list) and its claims are not measured.
type Results struct {
	Preset   Preset
	Sweep    *SweepResult
	TwoNets  []*TwoNet
	JacLarge *JacResult // S1 model at the largest N
	JacSmall *JacResult // S1 model at the smallest N (memorizing)
	Slopes   []*SlopeResult
	JacDisks *JacResult
	JacShuf  *JacResult
	JacPlain *JacResult // unshuffled counterpart of JacShuf
	// Timing: wall time of this invocation, seconds per training step of
	// one model (its job's wall time over its steps, averaged over the
	// models; 0 if none recorded one), the jobs run at once, and the full
	// preset's estimated time.
	Wall            time.Duration
	StepSeconds     float64
	Jobs            int
	FullStepSeconds float64
	FullEstimate    time.Duration
	Models          int
	// TrainSeconds sums the recorded training time of every model (from
	// their jobs' metrics, whichever invocation trained them).
	TrainSeconds float64
}

// Options say how RunGAHB runs the study's plan.
type Options struct {
	// Jobs run at once (default tensor.Threads(): the study's networks are
	// small, and two independent trainings keep two cores busier than one
	// training split over both: the quick preset's 16×16 UNet takes about
	// 16 ms per step on one thread beside another training, 15 ms on two
	// threads alone, so a pair takes about 1.9× less time).
	Jobs int
	Log  io.Writer // progress (default: none)
	// Progress, if set, gets a progress line while the jobs run: jobs done,
	// the running ones and the time left (see progress), redrawn in place
	// when it is a terminal. Log lines written to the same terminal scroll
	// above it.
	Progress io.Writer
}

// jobsAtOnce is Jobs, or one job per thread when it is not set.
func (opt Options) jobsAtOnce() int {
	if opt.Jobs > 0 {
		return opt.Jobs
	}
	return tensor.Threads()
}

// runPlan runs the jobs of pl not done under out, opt.Jobs at a time, with
// opt.Progress's line if set. They run
// side by side on the process's one worker pool (each splits its layers as
// it would alone; a layer whose helpers are busy with another job runs on
// its own goroutine), so no thread count is changed for them; Env.Threads
// tells each job its share.
func runPlan(ctx context.Context, pl *plan.Plan, out string, opt Options, log io.Writer) error {
	jobs := opt.jobsAtOnce()
	po := plan.Options{Jobs: jobs, Threads: max(1, tensor.Threads()/jobs), Log: log}
	if opt.Progress != nil {
		pr := newProgress(opt.Progress, isTerminal(opt.Progress), jobs)
		defer pr.close()
		po.Observer = pr
		if log != nil && log != io.Discard {
			po.Log = pr.logWriter(log)
		}
	}
	return plan.Run(ctx, pl, out, po)
}

// RunGAHB runs (or resumes) the whole study into out: it plans it (PlanGAHB),
// runs the jobs not done under out/runs, then reads every job's metrics and
// files back and writes the figures, tables, claims.json and the report.
func RunGAHB(ctx context.Context, p Preset, out string, opt Options) (*Results, error) {
	start := time.Now()
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	if _, err := data.ParseSpec(p.Data); err != nil {
		return nil, err
	}
	gp, err := planGAHB(p)
	if err != nil {
		return nil, err
	}
	jobs := opt.jobsAtOnce()
	fmt.Fprintf(log, "GAHB study, preset %s: %d models of %d steps (%dx%d images, bf-unet %d level(s), base %d), %d jobs in all, output in %s\n",
		p.Name, len(p.allSpecs()), p.Steps, p.Size, p.Size, p.Levels, p.Base, len(gp.Jobs), out)
	if err := runPlan(ctx, gp.Plan, out, opt, log); err != nil {
		return nil, err
	}
	return finishGAHB(p, out, out, gp, jobs, start, log)
}

// CollectGAHB writes study A's report for preset p from the finished jobs
// under out, running none of them (the last step of a Slurm run, `harmonic
// study --collect OUT`). A job not done is an error naming it, and nothing is
// written. jobs is the report's "jobs run at a time".
func CollectGAHB(p Preset, out string, jobs int, log io.Writer) (*Results, error) {
	start := time.Now()
	if log == nil {
		log = io.Discard
	}
	if _, err := data.ParseSpec(p.Data); err != nil {
		return nil, err
	}
	gp, err := planGAHB(p)
	if err != nil {
		return nil, err
	}
	var missing []string
	for i, j := range gp.Jobs {
		if !plan.Done(out, j.ID) {
			missing = append(missing, fmt.Sprintf("%s (%s, index %d)", j.ID, j.Kind, i))
		}
	}
	if len(missing) > 0 {
		shown := missing[:min(len(missing), 5)]
		more := ""
		if len(missing) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(missing)-len(shown))
		}
		return nil, fmt.Errorf("collect %s: %d of %d jobs of preset %s not done: %s%s", out, len(missing), len(gp.Jobs), p.Name, strings.Join(shown, ", "), more)
	}
	return finishGAHB(p, out, out, gp, jobs, start, log)
}

// finishGAHB reads the results of gp's jobs under runs (the folder of their
// runs/) and writes the report into out.
func finishGAHB(p Preset, runs, out string, gp *gahbPlan, jobs int, start time.Time, log io.Writer) (*Results, error) {
	res, err := collectGAHB(p, runs, gp)
	if err != nil {
		return nil, err
	}
	res.Jobs = jobs
	if p.EstimateFull {
		fmt.Fprintln(log, "timing the full preset's training step for the report's estimate")
		if res.FullStepSeconds, err = StepSeconds(Full(), 3); err != nil {
			return nil, err
		}
		res.FullEstimate = EstimateFull(res.FullStepSeconds)
	}
	res.Wall = time.Since(start)
	if err := WriteGAHB(out, res); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "done in %s: %s\n", res.Wall.Round(time.Second), filepath.Join(out, "report.html"))
	return res, nil
}

// StepSeconds times training steps of a preset's network on random data
// (after one warm-up step) the way the study's plan runs them, Threads() models at
// once on the shared worker pool, and returns the wall time per step of the run
// (the time of one step divided by the models running together).
func StepSeconds(p Preset, steps int) (float64, error) {
	cfg := train.Config{Data: "cmix:2", Size: p.Size, NTrain: p.Batch, NTest: 1, Arch: "bf-unet", Levels: p.Levels, Base: p.Base,
		Steps: steps + 1, Batch: p.Batch, LR: p.LR, LRFactor: 1}
	set := &data.Set{Name: "timing", N: p.Batch, H: p.Size, W: p.Size, Pixels: make([]float32, p.Batch*p.Size*p.Size)}
	tensor.NewRNG(1).FillUniform(set.Pixels, 0, 1)
	workers := tensor.Threads()
	trainers := make([]*train.Trainer, workers)
	for i := range trainers {
		tr, err := train.New(cfg, set)
		if err != nil {
			return 0, err
		}
		trainers[i] = tr
	}
	errs := make([]error, workers)
	run := func(n int) {
		var wg sync.WaitGroup
		for i, tr := range trainers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range n {
					if _, err := tr.TrainStep(); err != nil && errs[i] == nil {
						errs[i] = err
					}
				}
			}()
		}
		wg.Wait()
	}
	run(1) // warm-up
	t0 := time.Now()
	run(steps)
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return time.Since(t0).Seconds() / float64(steps*workers), nil
}

// EstimateFull is the full preset's expected wall time: its models' training
// steps at the measured seconds per step, plus 15% for evaluation, sampling
// and Jacobians (their share in the quick preset).
func EstimateFull(stepSeconds float64) time.Duration {
	p := Full()
	models := len(p.allSpecs())
	return time.Duration(1.15 * float64(models*p.Steps) * stepSeconds * float64(time.Second))
}
