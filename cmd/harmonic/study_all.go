package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/harmonic-go/harmonic/diffusion/study"
)

const allStudyUsage = `usage: harmonic study all --preset smoke|quick|full [--out DIR] [--jobs N] [--threads N] [--plan-only] [--quiet]
                          [--collect DIR] [--executor local|slurm [--partition P] [--max-parallel M] [--sbatch-opt "..."] [--wait]]
Runs studies A (gahb), B (locality) and C (heat) with the preset of that name as ONE plan: DIR/plan.json
holds every study's jobs, run under DIR/runs/ --jobs at a time whichever study they belong to (B's
training starts while A's finishes). Each study's report is then written into DIR/gahb, DIR/locality
and DIR/heat as its own command writes it (the same jobs, so the same numbers), and DIR/index.html
(self-contained, with index.md, claims.json and metrics.json) links the three reports and lists every
claim with its verdict and the numbers it rests on.
  smoke: seconds: tests the pipeline; its numbers mean nothing
  quick: the three quick presets (harmonic data fetch mnist photos first; --plan-only prints the estimate)
  full:  the papers' sizes (days; --plan-only prints the estimate)
A rerun only runs the jobs not done. While jobs run, a progress line (jobs done, the running jobs,
the time left from the cost model corrected by the jobs finished) is redrawn on a terminal and printed
once per change elsewhere; --quiet prints errors only. --executor slurm submits the one plan as for
harmonic study gahb (one job array per DAG level, then harmonic study all --collect DIR).`

// runAllStudy is `harmonic study all`.
func runAllStudy(args []string) error {
	fs := flag.NewFlagSet("study all", flag.ContinueOnError)
	f := addPlanStudyFlags(fs, "all")
	preset, out, jobs, planOnly := f.preset, f.out, f.jobs, f.planOnly
	collect := fs.String("collect", "", "write the reports and the index from the finished jobs under this output directory, running none")
	ex := addExecutorFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), allStudyUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := f.check(fs, "all"); err != nil {
		return err
	}
	if err := ex.check(fs); err != nil {
		return err
	}
	if err := checkCollect(*collect, *out, *planOnly, *ex.executor); err != nil {
		return err
	}
	a, err := study.AllPresetByName(*preset)
	if err != nil {
		return usageError{err}
	}
	pl, err := study.PlanAll(a)
	if err != nil {
		return err
	}
	f.apply("all-" + a.Name)
	opt := runOptions(*jobs, *f.quiet)
	if *collect != "" {
		_, err := study.CollectAll(a, *collect, *jobs, opt.Log)
		return err
	}
	if *planOnly {
		return printPlan(pl, *out, *jobs)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *ex.executor == "slurm" {
		if err := a.Check(); err != nil {
			return err
		}
		abs, err := filepath.Abs(*out)
		if err != nil {
			return err
		}
		s := ex.slurm()
		s.CollectArgs = []string{"study", "all", "--preset", a.Name, "--collect", abs}
		return submitPlan(ctx, pl, abs, "index.html", s, *ex.wait, opt.Log)
	}
	_, err = study.RunAll(ctx, a, *out, opt)
	return err
}
