package plan

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/harmonic-go/harmonic/internal/atomicfile"
)

// Slurm is the executor that hands a plan to a Slurm cluster: one job array
// per DAG level (a job's level is one more than its deepest dependency's),
// each array task running `harmonic job run --plan P --index I` for the plan
// index its level's index file lists at line $SLURM_ARRAY_TASK_ID, each level
// submitted with --dependency=afterok on the level before, and a last collect
// job that writes the report. Jobs are idempotent (content-addressed, atomic
// outputs, skipped when done), so --requeue and resubmitting are safe.
type Slurm struct {
	Binary      string   // the harmonic executable the tasks run (absolute)
	Partition   string   // --partition, if not ""
	MaxParallel int      // array tasks of one level running at once (%M); 0: no limit
	SbatchOpts  []string // extra sbatch options, one per element, put in every script
	CollectArgs []string // arguments of Binary that build the report (the collect job)
	Threads     int      // --threads of each job run (0: the task's cores)
}

// slurmDir is where the executor's scripts, index files, logs and task status
// files go under out.
const slurmDir = "slurm"

// Levels groups p's jobs by depth in the DAG: level 0 has no dependencies,
// level k depends on at least one job of level k-1 and none deeper. Each level
// lists plan indices in plan order.
func Levels(p *Plan) ([][]int, error) {
	order, err := p.Order()
	if err != nil {
		return nil, err
	}
	at := p.positions()
	level := make([]int, len(p.Jobs))
	var out [][]int
	for _, i := range order {
		for _, d := range p.Jobs[i].Deps {
			level[i] = max(level[i], level[at[d]]+1)
		}
	}
	for i := range p.Jobs {
		for len(out) <= level[i] {
			out = append(out, nil)
		}
		out[level[i]] = append(out[level[i]], i)
	}
	return out, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,%+@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (s Slurm) header(b *strings.Builder, name, log string) {
	fmt.Fprintf(b, "#!/bin/sh\n#SBATCH --job-name=%s\n#SBATCH --output=%s\n", name, shellQuote(log))
	if s.Partition != "" {
		fmt.Fprintf(b, "#SBATCH --partition=%s\n", shellQuote(s.Partition))
	}
	for _, o := range s.SbatchOpts {
		fmt.Fprintf(b, "#SBATCH %s\n", o)
	}
}

// LevelScript is the sbatch script of level k of a plan saved under out (an
// absolute path) with n jobs at that level. Task t runs the plan index on line
// t+1 of out/slurm/level-k.idx and writes out/slurm/status/level-k.t: "ok",
// or "failed EXIT" (the job's exit code), so a failure is known even after
// Slurm forgot the task.
func (s Slurm) LevelScript(out string, k, n int) string {
	dir := filepath.Join(out, slurmDir)
	var b strings.Builder
	s.header(&b, fmt.Sprintf("harmonic-level-%d", k), filepath.Join(dir, "log", fmt.Sprintf("level-%d.%%a.log", k)))
	array := fmt.Sprintf("0-%d", n-1)
	if s.MaxParallel > 0 {
		array += "%" + strconv.Itoa(s.MaxParallel)
	}
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", array)
	idx := shellQuote(filepath.Join(dir, fmt.Sprintf("level-%d.idx", k)))
	status := shellQuote(filepath.Join(dir, "status", fmt.Sprintf("level-%d.", k))) + `"$SLURM_ARRAY_TASK_ID"`
	fmt.Fprintf(&b, "i=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" %s)\n", idx)
	fmt.Fprintf(&b, "[ -n \"$i\" ] || { echo \"no plan index for task $SLURM_ARRAY_TASK_ID in %s\" >&2; echo 'failed 2' >%s; exit 2; }\n", strings.ReplaceAll(idx, `"`, `\"`), status)
	fmt.Fprintf(&b, "%s job run --plan %s --index \"$i\" --threads %d\n", shellQuote(s.Binary), shellQuote(filepath.Join(out, planFile)), s.Threads)
	fmt.Fprintf(&b, "rc=$?\nif [ \"$rc\" -eq 0 ]; then echo ok >%s; else echo \"failed $rc\" >%s; fi\nexit \"$rc\"\n", status, status)
	return b.String()
}

// CollectScript is the sbatch script of the collect job under out: it runs
// Binary CollectArgs and writes out/slurm/status/collect like a task.
func (s Slurm) CollectScript(out string) string {
	dir := filepath.Join(out, slurmDir)
	var b strings.Builder
	s.header(&b, "harmonic-collect", filepath.Join(dir, "log", "collect.log"))
	args := []string{shellQuote(s.Binary)}
	for _, a := range s.CollectArgs {
		args = append(args, shellQuote(a))
	}
	status := shellQuote(filepath.Join(dir, "status", "collect"))
	fmt.Fprintf(&b, "%s\n", strings.Join(args, " "))
	fmt.Fprintf(&b, "rc=$?\nif [ \"$rc\" -eq 0 ]; then echo ok >%s; else echo \"failed $rc\" >%s; fi\nexit \"$rc\"\n", status, status)
	return b.String()
}

// SbatchArgs are the sbatch arguments of a script that runs after the
// Slurm jobs deps (none: at once): --parsable prints the job ID, and
// --kill-on-invalid-dep=yes cancels it if a dependency fails instead of
// leaving it pending forever.
func SbatchArgs(script string, deps []string) []string {
	args := []string{"--parsable"}
	if len(deps) > 0 {
		args = append(args, "--dependency=afterok:"+strings.Join(deps, ":"), "--kill-on-invalid-dep=yes")
	}
	return append(args, script)
}

// Submission is what Submit handed to Slurm.
type Submission struct {
	Out      string     // the absolute output folder
	Levels   [][]int    // plan indices per level (see Levels)
	IDs      []string   // Slurm job ID of each level's array
	Collect  string     // Slurm job ID of the collect job
	plan     *Plan      // the plan submitted
	sbatched [][]string // (for tests) the sbatch argument lists, in order
}

// Submit saves p to out/plan.json, writes one sbatch script and index file per
// level and the collect script under out/slurm, and submits them in order,
// each after the one before (sbatch from PATH). It clears the task status
// files of an earlier submission first. Jobs already done are still listed:
// their tasks find them done and return at once.
func (s Slurm) Submit(p *Plan, out string) (*Submission, error) {
	return s.submit(p, out, runSbatch)
}

func runSbatch(args []string) (string, error) {
	b, err := exec.Command("sbatch", args...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return "", fmt.Errorf("sbatch %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("sbatch: %w", err)
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(b)), ";") // "ID;cluster" on multi-cluster setups
	if id == "" {
		return "", fmt.Errorf("sbatch %s printed no job ID", strings.Join(args, " "))
	}
	return id, nil
}

func (s Slurm) submit(p *Plan, out string, sbatch func([]string) (string, error)) (*Submission, error) {
	if !filepath.IsAbs(s.Binary) {
		return nil, fmt.Errorf("slurm: the harmonic binary %q is not an absolute path", s.Binary)
	}
	if s.MaxParallel < 0 {
		return nil, fmt.Errorf("slurm: --max-parallel %d: want 0 (no limit) or more", s.MaxParallel)
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	if err := p.Save(filepath.Join(out, planFile)); err != nil {
		return nil, err
	}
	for _, j := range p.Jobs {
		if _, err := checkKind(j); err != nil {
			return nil, err
		}
	}
	levels, err := Levels(p)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(out, slurmDir)
	if err := os.RemoveAll(filepath.Join(dir, "status")); err != nil {
		return nil, err
	}
	for _, d := range []string{"log", "status"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	sub := &Submission{Out: out, Levels: levels, plan: p}
	var prev []string
	for k, lv := range levels {
		var idx strings.Builder
		for _, i := range lv {
			fmt.Fprintln(&idx, i)
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, fmt.Sprintf("level-%d.idx", k)), []byte(idx.String())); err != nil {
			return nil, err
		}
		script := filepath.Join(dir, fmt.Sprintf("level-%d.sbatch", k))
		if err := atomicfile.WriteFile(script, []byte(s.LevelScript(out, k, len(lv)))); err != nil {
			return nil, err
		}
		args := SbatchArgs(script, prev)
		id, err := sbatch(args)
		if err != nil {
			return nil, err
		}
		sub.sbatched = append(sub.sbatched, args)
		sub.IDs = append(sub.IDs, id)
		prev = []string{id}
	}
	script := filepath.Join(dir, "collect.sbatch")
	if err := atomicfile.WriteFile(script, []byte(s.CollectScript(out))); err != nil {
		return nil, err
	}
	args := SbatchArgs(script, prev)
	if sub.Collect, err = sbatch(args); err != nil {
		return nil, err
	}
	sub.sbatched = append(sub.sbatched, args)
	return sub, nil
}

// TaskLog is the log file of task t of level k under out.
func TaskLog(out string, k, t int) string {
	return filepath.Join(out, slurmDir, "log", fmt.Sprintf("level-%d.%d.log", k, t))
}

// readStatus returns the content of a status file ("" if absent).
func readStatus(out, name string) string {
	b, err := os.ReadFile(filepath.Join(out, slurmDir, "status", name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Check looks at the status files and at squeue's view (states, by Slurm job
// ID and array task, as "JOBID TASK STATE" lines of `squeue -h -t all -o
// "%F %K %T"`) and returns done once the collect job succeeded, or an error
// naming the first failed or vanished task: its plan job, index and log.
func (sub *Submission) Check(squeue string) (done bool, err error) {
	for k, lv := range sub.Levels {
		for t, i := range lv {
			if st := readStatus(sub.Out, fmt.Sprintf("level-%d.%d", k, t)); strings.HasPrefix(st, "failed") {
				return false, fmt.Errorf("slurm: job %s (%s, index %d), array task %s_%d: %s; log: %s", sub.plan.Jobs[i].ID, sub.plan.Jobs[i].Kind, i, sub.IDs[k], t, st, TaskLog(sub.Out, k, t))
			}
		}
	}
	switch st := readStatus(sub.Out, "collect"); {
	case st == "ok":
		return true, nil
	case st != "":
		return false, fmt.Errorf("slurm: the collect job %s %s; log: %s", sub.Collect, st, filepath.Join(sub.Out, slurmDir, "log", "collect.log"))
	}
	level := map[string]int{}
	for k, id := range sub.IDs {
		level[id] = k
	}
	// Tasks first: a cancelled task also cancels the levels after it
	// (--kill-on-invalid-dep), and the task is the one to name.
	lines := strings.Split(squeue, "\n")
	sort.SliceStable(lines, func(a, b int) bool { return taskLine(lines[a]) && !taskLine(lines[b]) })
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		bad := f[2] != "PENDING" && f[2] != "RUNNING" && f[2] != "COMPLETED" && f[2] != "COMPLETING" && f[2] != "CONFIGURING" && f[2] != "REQUEUED" && f[2] != "SUSPENDED"
		if !bad {
			continue
		}
		k, ok := level[f[0]]
		t, err := strconv.Atoi(f[1])
		if f[0] == sub.Collect || ok && (err != nil || t < 0 || t >= len(sub.Levels[k])) {
			// A dependent was cancelled: name the task that did not finish,
			// which squeue may not list (a task cancelled while pending is gone).
			if err := sub.unfinished(); err != nil {
				return false, fmt.Errorf("%w (%s %s)", err, f[0], f[2])
			}
		}
		if f[0] == sub.Collect {
			return false, fmt.Errorf("slurm: the collect job %s is %s; log: %s", sub.Collect, f[2], filepath.Join(sub.Out, slurmDir, "log", "collect.log"))
		}
		if !ok {
			continue
		}
		if err != nil || t < 0 || t >= len(sub.Levels[k]) {
			// A whole pending array cancelled (its tasks not split yet): name the level.
			return false, fmt.Errorf("slurm: level %d (array %s) is %s; logs: %s", k, f[0], f[2], filepath.Join(sub.Out, slurmDir, "log"))
		}
		i := sub.Levels[k][t]
		return false, fmt.Errorf("slurm: job %s (%s, index %d), array task %s_%d is %s; log: %s", sub.plan.Jobs[i].ID, sub.plan.Jobs[i].Kind, i, f[0], t, f[2], TaskLog(sub.Out, k, t))
	}
	return false, nil
}

// Wait polls squeue (every interval) and the status files until the collect
// job succeeded or a task failed, printing the jobs done under the results
// folder whenever that count changes.
func (sub *Submission) Wait(ctx context.Context, interval time.Duration, log io.Writer) error {
	ids := strings.Join(append(append([]string(nil), sub.IDs...), sub.Collect), ",")
	last := -1
	for {
		q, err := exec.CommandContext(ctx, "squeue", "-h", "-t", "all", "-j", ids, "-o", "%F %K %T").Output()
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("squeue: %w", err)
		}
		done, err := sub.Check(string(q))
		if err != nil || done {
			return err
		}
		n := 0
		for _, j := range sub.plan.Jobs {
			if Done(sub.Out, j.ID) {
				n++
			}
		}
		if n != last && log != nil {
			fmt.Fprintf(log, "slurm: %d/%d jobs done under %s\n", n, len(sub.plan.Jobs), sub.Out)
			last = n
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("slurm: stopped waiting (the jobs keep running: squeue -j %s): %w", ids, ctx.Err())
		case <-time.After(interval):
		}
	}
}

// taskLine reports whether a squeue line names one array task (a number),
// not a pending array ("0-4%2") or a plain job ("N/A").
func taskLine(line string) bool {
	f := strings.Fields(line)
	if len(f) != 3 {
		return false
	}
	_, err := strconv.Atoi(f[1])
	return err == nil
}

// unfinished names the first task, level by level, without an "ok" status
// file, or returns nil if every task finished.
func (sub *Submission) unfinished() error {
	for k, lv := range sub.Levels {
		for t, i := range lv {
			if readStatus(sub.Out, fmt.Sprintf("level-%d.%d", k, t)) != "ok" {
				return fmt.Errorf("slurm: job %s (%s, index %d), array task %s_%d did not finish (cancelled?); log: %s", sub.plan.Jobs[i].ID, sub.plan.Jobs[i].Kind, i, sub.IDs[k], t, TaskLog(sub.Out, k, t))
			}
		}
	}
	return nil
}
