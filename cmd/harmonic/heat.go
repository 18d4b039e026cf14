package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "heat",
	summary: "heat-dissipation blur (study C's forward process) of .npy images [B,C,H,W] at time t: heat blur --input --t --output",
	run:     runHeat,
})

const heatUsage = "usage: harmonic heat blur --input X.npy --t T --output Y.npy [--threads N]"

// runHeat parses `heat blur`: the study-C forward process u(t) on every
// channel of a .npy batch, written as float32 .npy. Every check runs before
// the output is written, and the write is atomic, so a failure leaves no
// output file behind.
func runHeat(args []string) error {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Println(heatUsage)
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "blur" {
		return usageError{errors.New(heatUsage)}
	}
	fs := flag.NewFlagSet("heat blur", flag.ContinueOnError)
	input := fs.String("input", "", "images, a .npy array [B,C,H,W] (required)")
	t := fs.Float64("t", math.NaN(), "diffusion time t ≥ 0 (required; level k of a schedule has t = σ_B,k²/2)")
	output := fs.String("output", "", "where to write the blurred images, .npy float32 [B,C,H,W] (required)")
	threads := fs.Int("threads", 0, "worker threads (0: all cores)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	tSet := false
	fs.Visit(func(f *flag.Flag) { tSet = tSet || f.Name == "t" })
	if *input == "" || *output == "" || !tSet || fs.NArg() != 0 {
		return usageError{errors.New(heatUsage)}
	}
	if !strings.HasSuffix(*output, ".npy") {
		return fmt.Errorf("--output %s: must be a .npy file", *output)
	}
	if *threads > 0 {
		tensor.SetThreads(*threads)
	}
	x, err := codec.LoadNpy(*input)
	if err != nil {
		return err
	}
	u, err := heat.Blur(x, *t)
	if err != nil {
		return fmt.Errorf("%s: %w", *input, err)
	}
	return codec.SaveNpy(*output, u)
}
