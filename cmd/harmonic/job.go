package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"

	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

var _ = register(command{
	name:    "job",
	summary: "run one job of a study's plan, as a Slurm array task or by hand (job run --plan OUT/plan.json --index I)",
	run:     runJob,
})

const jobUsage = `usage: harmonic job run --plan OUT/plan.json [--index I] [--threads T]
Runs job I (0-based, in the order plan.json lists the jobs) of a plan a study wrote, in this process,
writing its outputs under OUT/runs/<id>/. A job already done is skipped; a job whose dependencies are
not done fails and says which. Without --index, $SLURM_ARRAY_TASK_ID is the index, so
  sbatch --array=0-(n-1) harmonic job run --plan OUT/plan.json
runs a plan of n jobs (with the array tasks ordered by their dependencies).`

func runJob(args []string) error {
	if len(args) == 0 {
		return usageError{errors.New("missing subcommand (available: run)")}
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(os.Stdout, jobUsage)
		return flag.ErrHelp
	}
	if args[0] != "run" {
		return usageError{fmt.Errorf("unknown subcommand %q (available: run)", args[0])}
	}
	fs := flag.NewFlagSet("job run", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), jobUsage); fs.PrintDefaults() }
	planPath := fs.String("plan", "", "the plan.json a study wrote into its output folder")
	index := fs.Int("index", -1, "position of the job in plan.json (default: $SLURM_ARRAY_TASK_ID)")
	threads := fs.Int("threads", 0, "threads the job may use (0: all cores)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *planPath == "" {
		return errors.New("--plan is required")
	}
	if *threads < 0 {
		return fmt.Errorf("--threads %d: want 0 (all cores) or more", *threads)
	}
	if *index < 0 {
		task, ok := os.LookupEnv("SLURM_ARRAY_TASK_ID")
		if !ok {
			return errors.New("--index is required (or $SLURM_ARRAY_TASK_ID, in a Slurm array)")
		}
		i, err := strconv.Atoi(task)
		if err != nil || i < 0 {
			return fmt.Errorf("$SLURM_ARRAY_TASK_ID %q is not a job index", task)
		}
		*index = i
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return plan.RunOne(ctx, *planPath, *index, plan.Options{Threads: *threads, Log: os.Stderr})
}
