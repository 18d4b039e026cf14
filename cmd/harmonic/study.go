package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/study"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/tensor"
)

var _ = register(command{
	name:    "study",
	summary: "rerun a published study end to end (gahb: Kadkhodaie et al. ICLR 2024; locality: Lukoianov et al. NeurIPS 2025; heat: Rissanen et al. ICLR 2023) with figures, tables and a report",
	run:     runStudy,
})

const studyUsage = `usage: harmonic study [gahb] --preset quick|full|medium|smoke [--data SPEC] [--out DIR] [--steps N]
                      [--sigma-weight C] [--jobs N] [--plan-only] [--estimate] [--collect DIR] [--quiet]
                      [--executor local|slurm [--partition P] [--max-parallel M] [--sbatch-opt "..."] [--wait]]
  quick: 16x16 synthetic images, N = 1..1000, about 20 minutes on 2 cores
  medium: 32x32, 2-level UNet of base 16, N = 1..10^4, σ-weighted loss (about 55 minutes on 2 cores)
  full:  40x40, 2-level UNet of base 64, N = 1..10^5 (hours to days; --estimate prints the expected time)
  smoke: tiny sizes, seconds: tests the pipeline (plan, jobs, report); its numbers mean nothing
The study is a plan of jobs (DIR/plan.json); job <id> writes DIR/runs/<id>/ and is done once its
metrics.json exists, so a rerun of the same command only runs the jobs not done (Ctrl-C stops training
at a checkpoint) and then writes the report from every job's metrics. --plan-only writes DIR/plan.json
and prints the job count and estimated cost; its jobs can then run one per process with
harmonic job run --plan DIR/plan.json --index I, and a last harmonic study run writes the report
(or --collect DIR, which runs nothing and names the jobs not done).
--executor slurm submits the plan to Slurm instead: DIR/slurm/ gets one sbatch job array per DAG level
(each level after the one before, --kill-on-invalid-dep=yes), index files, task logs and status files,
and a last job runs this command with --collect DIR. --wait polls squeue until the report is written
and names a failed task's job, index and log; without it, the command returns once all is submitted.
--quiet prints errors only (no log, no progress line).
With no study named, the study is gahb; harmonic study locality -h describes study B, harmonic study heat -h study C,
harmonic study all -h the three run as one plan with one index report.`

const localityUsage = `usage: harmonic study locality --preset smoke|quick|full [--out DIR] [--jobs N] [--threads N] [--plan-only] [--quiet]
  smoke: 8x8 synthetic images, seconds: tests the pipeline (plan, jobs, report); its numbers mean nothing
  quick: MNIST and 32x32 grayscale photo crops (harmonic data fetch mnist photos), small tc-unets,
         about 45 minutes on 2 cores (--plan-only prints the estimate)
  full:  every dataset at the papers' sizes (days; --plan-only prints the estimate)
Per dataset: a tc-unet trained with vp-eps, the training set's statistics, the network's sensitivity
fields beside the Wiener filter's (claim B.1), DDIM from the same noise for the network and each
analytic model with r2/MSE per step and single step (claim B.3), and per W strength a network trained
on W-manipulated images whose fields are compared with the plain one's on the W mask (claim B.2).
Jobs are resumable as for gahb: a rerun only runs the jobs not done, then writes DIR/report.html.`

const heatStudyUsage = `usage: harmonic study heat --preset smoke|quick|full [--out DIR] [--jobs N] [--threads N] [--plan-only] [--quiet]
  smoke: 8x8 synthetic images, seconds: tests the pipeline (plan, jobs, report); its numbers mean nothing
         (no labels, so no classifier: the classifier's numbers read not measured)
  quick: MNIST 28x28 (harmonic data fetch mnist), K = 20, a small tc-unet and the classifier, about
         30-45 minutes on 2 cores (--plan-only prints the estimate)
  full:  MNIST (K = 100) and RGB 32x32 photo crops (K = 200), the papers' K (days; --plan-only prints the estimate)
Per dataset: a tc-unet trained with the heat objective, the data's spectra with noise and blur (slope,
claim C.1; crossover per noise level, claim C.2), the classifier on labelled data, and samples with the
prior noise on and off (novelty, classifier confidence, Frechet distance and precision/recall on the
classifier's features: claim C.3) with interpolation strips (claim C.4).
Jobs are resumable as for gahb: a rerun only runs the jobs not done, then writes DIR/report.html.`

func runStudy(args []string) error {
	// With no study named (flags first), the study is gahb (study A), as before studies B and C existed.
	if len(args) == 0 || len(args[0]) > 0 && args[0][0] == '-' {
		args = append([]string{"gahb"}, args...)
	}
	if args[0] == "locality" {
		return runLocalityStudy(args[1:])
	}
	if args[0] == "heat" {
		return runHeatStudy(args[1:])
	}
	if args[0] == "all" {
		return runAllStudy(args[1:])
	}
	if args[0] != "gahb" {
		fmt.Fprintln(os.Stderr, studyUsage)
		return usageError{fmt.Errorf("unknown study %q (available: gahb, locality, heat, all)", args[0])}
	}
	fs := flag.NewFlagSet("study gahb", flag.ContinueOnError)
	preset := fs.String("preset", "quick", "smoke, quick, medium or full")
	dataSpec := fs.String("data", "", "dataset of the N sweep and two-network experiment (default: the preset's, cmix:2)")
	out := fs.String("out", "", "output directory (default: gahb-PRESET)")
	steps := fs.Int("steps", 0, "override the training steps per model")
	sigmaWeight := fs.Float64("sigma-weight", 0, "override the preset's σ weight c: each image's squared error divided by σ² + c (0: the paper's unweighted loss; unset: the preset's)")
	estimate := fs.Bool("estimate", false, "only time a few training steps and print the preset's expected wall time")
	jobs := fs.Int("jobs", 0, "jobs run at once (models trained side by side; 0: one per thread)")
	threads := fs.Int("threads", 0, "worker threads of the one pool every job's loops share (0: all cores)")
	planOnly := fs.Bool("plan-only", false, "write DIR/plan.json, print the job count and estimated cost, run nothing")
	collect := fs.String("collect", "", "write the report from the finished jobs under this output directory, running none")
	ex := addExecutorFlags(fs)
	quiet := fs.Bool("quiet", false, "no progress line and no log, only errors")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), studyUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if *jobs < 0 {
		return usageError{fmt.Errorf("--jobs %d: want at least 1 (0: one per thread)", *jobs)}
	}
	if *threads < 0 {
		return usageError{fmt.Errorf("--threads %d: want at least 1 (0: all cores)", *threads)}
	}
	if err := ex.check(fs); err != nil {
		return err
	}
	if err := checkCollect(*collect, *out, *planOnly, *ex.executor); err != nil {
		return err
	}
	if *threads > 0 {
		tensor.SetThreads(*threads) // once, before any work: jobs never change it
	}
	if *jobs == 0 {
		*jobs = tensor.Threads()
	}
	p, err := study.PresetByName(*preset)
	if err != nil {
		return err
	}
	ov := gahbOverrides{data: *dataSpec, steps: *steps}
	if flagSet(fs, "sigma-weight") {
		if !(*sigmaWeight >= 0) || math.IsInf(*sigmaWeight, 0) {
			return usageError{fmt.Errorf("--sigma-weight %v: want a finite c >= 0", *sigmaWeight)}
		}
		ov.sigmaWeight = sigmaWeight
	}
	p = ov.apply(p)
	if *estimate {
		sec, err := study.StepSeconds(study.Full(), 3)
		if err != nil {
			return err
		}
		fmt.Printf("full preset: %.2f s per training step here (%d models trained at a time), expected total %s\n", sec, tensor.Threads(), study.EstimateFull(sec).Round(60e9))
		return nil
	}
	if *out == "" {
		*out = "gahb-" + p.Name
	}
	opt := runOptions(*jobs, *quiet)
	if *collect != "" {
		_, err := study.CollectGAHB(p, *collect, *jobs, opt.Log)
		return err
	}
	if *planOnly {
		return planStudy(p, *out)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *ex.executor == "slurm" {
		return submitStudy(ctx, p, *out, ov, ex.slurm(), *ex.wait, opt.Log)
	}
	_, err = study.RunGAHB(ctx, p, *out, opt)
	return err
}

// runOptions are the options of a local run of jobs at a time: the log and
// the progress line on stderr, or nothing but errors when quiet.
func runOptions(jobs int, quiet bool) study.Options {
	if quiet {
		return study.Options{Jobs: jobs}
	}
	return study.Options{Jobs: jobs, Log: os.Stderr, Progress: os.Stderr}
}

// executorFlags are the flags choosing where a plan runs: --executor and
// the Slurm executor's --partition, --max-parallel, --sbatch-opt and --wait.
type executorFlags struct {
	executor, partition *string
	maxParallel         *int
	sbatchOpts          []string
	wait                *bool
}

func addExecutorFlags(fs *flag.FlagSet) *executorFlags {
	e := &executorFlags{
		executor:    fs.String("executor", "local", "local (this process) or slurm (sbatch job arrays)"),
		partition:   fs.String("partition", "", "slurm: the partition to submit to (default: the cluster's)"),
		maxParallel: fs.Int("max-parallel", 0, "slurm: array tasks of one DAG level running at once (0: no limit)"),
	}
	fs.Func("sbatch-opt", "slurm: an extra sbatch option for every script, e.g. \"--time=2:00:00\" (repeatable)", func(v string) error {
		if strings.ContainsAny(v, "\n\r") {
			return fmt.Errorf("--sbatch-opt %q: one line please", v)
		}
		e.sbatchOpts = append(e.sbatchOpts, v)
		return nil
	})
	e.wait = fs.Bool("wait", false, "slurm: wait for the run to finish, showing progress")
	return e
}

// check validates the executor flags of the parsed fs before any work.
func (e *executorFlags) check(fs *flag.FlagSet) error {
	if *e.executor != "local" && *e.executor != "slurm" {
		return usageError{fmt.Errorf("--executor %q: want local or slurm", *e.executor)}
	}
	if *e.maxParallel < 0 {
		return usageError{fmt.Errorf("--max-parallel %d: want 0 (no limit) or more", *e.maxParallel)}
	}
	if *e.executor == "local" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for _, name := range []string{"partition", "max-parallel", "sbatch-opt", "wait"} {
			if set[name] {
				return usageError{fmt.Errorf("--%s is for --executor slurm", name)}
			}
		}
	}
	return nil
}

func (e *executorFlags) slurm() plan.Slurm {
	return plan.Slurm{Partition: *e.partition, MaxParallel: *e.maxParallel, SbatchOpts: e.sbatchOpts}
}

// checkCollect refuses --collect with flags that would run or write elsewhere.
func checkCollect(collect, out string, planOnly bool, executor string) error {
	if collect != "" && (out != "" && filepath.Clean(out) != filepath.Clean(collect) || planOnly || executor != "local") {
		return usageError{fmt.Errorf("--collect %s runs nothing: not with --plan-only, --executor slurm or another --out", collect)}
	}
	return nil
}

// planStudy writes out/plan.json and prints what running it would cost.
func planStudy(p study.Preset, out string) error {
	pl, err := study.PlanGAHB(p)
	if err != nil {
		return err
	}
	path, s, err := savePlan(pl, out)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s(estimates: wall seconds of one job on one thread; only training is estimated)\n", path, s)
	return nil
}

// savePlan writes out/plan.json and returns its path and cost summary.
func savePlan(pl *plan.Plan, out string) (string, plan.Summary, error) {
	path := filepath.Join(out, "plan.json")
	if err := pl.Save(path); err != nil {
		return "", plan.Summary{}, err
	}
	s, err := plan.Summarize(pl, out)
	return path, s, err
}

// studyPlan is a chosen preset of a plan-based study (B, C): its name,
// its plan (which checks the preset before any work) and how to run it.
type studyPlan struct {
	preset string
	plan   *plan.Plan
	run    func(ctx context.Context, out string, opt study.Options) error
}

// runLocalityStudy is `harmonic study locality`.
func runLocalityStudy(args []string) error {
	return runPlanStudy("locality", localityUsage, args, func(name string) (studyPlan, error) {
		p, err := study.LocalityPresetByName(name)
		if err != nil {
			return studyPlan{}, usageError{err}
		}
		pl, err := study.PlanLocality(p)
		return studyPlan{p.Name, pl, func(ctx context.Context, out string, opt study.Options) error {
			_, err := study.RunLocality(ctx, p, out, opt)
			return err
		}}, err
	})
}

// runHeatStudy is `harmonic study heat`.
func runHeatStudy(args []string) error {
	return runPlanStudy("heat", heatStudyUsage, args, func(name string) (studyPlan, error) {
		p, err := study.HeatPresetByName(name)
		if err != nil {
			return studyPlan{}, usageError{err}
		}
		pl, err := study.PlanHeat(p)
		return studyPlan{p.Name, pl, func(ctx context.Context, out string, opt study.Options) error {
			_, err := study.RunHeat(ctx, p, out, opt)
			return err
		}}, err
	})
}

// runPlanStudy parses `harmonic study NAME` flags (--preset, --out, --jobs,
// --threads, --plan-only), picks the preset with choose and either prints
// its plan's cost or runs it into --out (default NAME-PRESET).
func runPlanStudy(name, usage string, args []string, choose func(preset string) (studyPlan, error)) error {
	fs := flag.NewFlagSet("study "+name, flag.ContinueOnError)
	f := addPlanStudyFlags(fs, name)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := f.check(fs, name); err != nil {
		return err
	}
	sp, err := choose(*f.preset)
	if err != nil {
		return err
	}
	f.apply(name + "-" + sp.preset)
	if *f.planOnly {
		return printPlan(sp.plan, *f.out, *f.jobs)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return sp.run(ctx, *f.out, runOptions(*f.jobs, *f.quiet))
}

// planStudyFlags are the flags every plan-based study command shares.
type planStudyFlags struct {
	preset, out     *string
	jobs, threads   *int
	planOnly, quiet *bool
}

func addPlanStudyFlags(fs *flag.FlagSet, name string) planStudyFlags {
	return planStudyFlags{
		preset:   fs.String("preset", "", "smoke, quick or full"),
		out:      fs.String("out", "", "output directory (default: "+name+"-PRESET)"),
		jobs:     fs.Int("jobs", 0, "jobs run at once (0: one per thread)"),
		threads:  fs.Int("threads", 0, "worker threads of the one pool every job's loops share (0: all cores)"),
		planOnly: fs.Bool("plan-only", false, "write DIR/plan.json, print the job count and estimated cost, run nothing"),
		quiet:    fs.Bool("quiet", false, "no progress line and no log, only errors"),
	}
}

// check rejects arguments and values the flags do not take.
func (f planStudyFlags) check(fs *flag.FlagSet, name string) error {
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	case *f.preset == "":
		return usageError{fmt.Errorf("study %s needs --preset (smoke, quick or full)", name)}
	case *f.jobs < 0:
		return usageError{fmt.Errorf("--jobs %d: want at least 1 (0: one per thread)", *f.jobs)}
	case *f.threads < 0:
		return usageError{fmt.Errorf("--threads %d: want at least 1 (0: all cores)", *f.threads)}
	}
	return nil
}

// apply sets the thread count and fills in the defaults of --jobs and
// --out (defaultOut).
func (f planStudyFlags) apply(defaultOut string) {
	if *f.threads > 0 {
		tensor.SetThreads(*f.threads)
	}
	if *f.jobs == 0 {
		*f.jobs = tensor.Threads()
	}
	if *f.out == "" {
		*f.out = defaultOut
	}
}

// printPlan writes out/plan.json and prints its cost by kind and in all,
// with the wall time jobs at once would take at least.
func printPlan(pl *plan.Plan, out string, jobs int) error {
	path, s, err := savePlan(pl, out)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s(estimates: wall seconds of one job on one thread; with --jobs %d running at once the wall time is at least %s, more when one job is the critical path)\n",
		path, s, jobs, time.Duration(s.Seconds/float64(jobs)*float64(time.Second)).Round(time.Minute))
	return nil
}

// submitStudy hands preset p's plan to Slurm (see plan.Slurm), its collect job
// rerunning this command with --collect, and with wait follows it to the end.
func submitStudy(ctx context.Context, p study.Preset, out string, ov gahbOverrides, s plan.Slurm, wait bool, log io.Writer) error {
	pl, err := study.PlanGAHB(p)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	// The same preset and overrides as this plan, so the collect job finds its jobs.
	s.CollectArgs = append([]string{"study", "gahb", "--preset", p.Name, "--collect", abs}, ov.args()...)
	return submitPlan(ctx, pl, abs, "report.html", s, wait, log)
}

// submitPlan hands pl to Slurm under the absolute folder out, s.CollectArgs
// writing the report (report, relative to out), and with wait follows it
// to the end. log (nil: nothing) gets the submission and the progress.
func submitPlan(ctx context.Context, pl *plan.Plan, out, report string, s plan.Slurm, wait bool, log io.Writer) error {
	if log == nil {
		log = io.Discard
	}
	var err error
	if s.Binary, err = os.Executable(); err != nil {
		return fmt.Errorf("finding the harmonic binary for the Slurm scripts: %w", err)
	}
	t0 := time.Now()
	sub, err := s.Submit(pl, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "slurm: %d jobs in %d levels submitted (arrays %s, collect %s); scripts and logs in %s\n",
		len(pl.Jobs), len(sub.Levels), strings.Join(sub.IDs, " "), sub.Collect, filepath.Join(out, "slurm"))
	if !wait {
		return nil
	}
	if err := sub.Wait(ctx, time.Second, log); err != nil {
		return err
	}
	fmt.Fprintf(log, "slurm: done in %s: %s\n", time.Since(t0).Round(time.Second), filepath.Join(out, report))
	return nil
}
