package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/harmonic-go/harmonic/diffusion/study"
	"github.com/harmonic-go/harmonic/tensor"
)

var _ = register(command{
	name:    "study",
	summary: "rerun a published study end to end (gahb: Kadkhodaie et al. ICLR 2024) with figures, tables and a report",
	run:     runStudy,
})

const studyUsage = `usage: harmonic study [gahb] --preset quick|full [--data SPEC] [--out DIR] [--steps N] [--estimate]
  quick: 16x16 synthetic images, N = 1..1000, about 20 minutes on 2 cores
  full:  40x40, 2-level UNet of base 64, N = 1..10^5 (hours to days; --estimate prints the expected time)
Finished models and results are found again by their configuration under DIR and reused; Ctrl-C stops
at a checkpoint and a rerun of the same command resumes.`

func runStudy(args []string) error {
	// With no study named (flags first), run them all; gahb is the only one so far.
	if len(args) == 0 || len(args[0]) > 0 && args[0][0] == '-' {
		args = append([]string{"gahb"}, args...)
	}
	if args[0] != "gahb" {
		fmt.Fprintln(os.Stderr, studyUsage)
		return usageError{fmt.Errorf("unknown study %q (available: gahb)", args[0])}
	}
	fs := flag.NewFlagSet("study gahb", flag.ContinueOnError)
	preset := fs.String("preset", "quick", "quick or full")
	dataSpec := fs.String("data", "", "dataset of the N sweep and two-network experiment (default: the preset's, cmix:2)")
	out := fs.String("out", "", "output directory (default: gahb-PRESET)")
	steps := fs.Int("steps", 0, "override the training steps per model")
	estimate := fs.Bool("estimate", false, "only time a few training steps and print the preset's expected wall time")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), studyUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	p, err := study.PresetByName(*preset)
	if err != nil {
		return err
	}
	if *dataSpec != "" {
		p.Data = *dataSpec
	}
	if *steps > 0 {
		p.Steps = *steps
	}
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	_, err = study.RunGAHB(ctx, p, *out, os.Stderr)
	return err
}
