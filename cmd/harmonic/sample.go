package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
)

var _ = register(command{
	name:    "sample",
	summary: "draw samples from a trained denoiser (Kadkhodaie–Simoncelli ascent, Algorithm 1) or a heat tc-unet (inverse heat dissipation)",
	run:     runSample,
})

func runSample(args []string) error {
	fs := flag.NewFlagSet("sample", flag.ContinueOnError)
	opt := sample.Defaults()
	ckpt := fs.String("ckpt", "", "checkpoint directory or model .safetensors (required)")
	n := fs.Int("n", 16, "number of samples")
	size := fs.Int("size", 0, "image side (0: from the checkpoint's metadata, else 20)")
	out := fs.String("out", "", "output directory (required)")
	fs.Uint64Var(&opt.Seed, "seed", 0, "noise seed: sample i uses noise stream i, the same for every model")
	fs.Float64Var(&opt.H0, "h0", opt.H0, "initial step size h0")
	fs.Float64Var(&opt.Beta, "beta", opt.Beta, "noise injection β (1 = deterministic)")
	fs.Float64Var(&opt.Sigma0, "sigma0", opt.Sigma0, "std of the initial noise")
	fs.Float64Var(&opt.SigmaInf, "sigma-inf", opt.SigmaInf, "stop when the effective noise falls below this (paper 0.05, code 0.01)")
	fs.Float64Var(&opt.Mean, "mean", opt.Mean, "mean of the initial noise (the data's mean intensity)")
	fs.IntVar(&opt.MaxSteps, "max-steps", opt.MaxSteps, "give up after this many steps")
	fs.IntVar(&opt.Batch, "batch", opt.Batch, "samples per forward pass")
	fs.Float64Var(&opt.DivergeRatio, "diverge", opt.DivergeRatio, "stop a chain as diverged once σ_t exceeds this multiple of its first σ (0: never)")
	hf := heatSampleFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	if *ckpt == "" || *out == "" {
		return fmt.Errorf("--ckpt and --out are required")
	}
	model, _, err := nn.LoadAny(*ckpt)
	if err != nil {
		return err
	}
	if _, ok := model.(nn.Conditioned); ok {
		if bad := setAmong(fs, blindSampleFlags); len(bad) > 0 {
			return fmt.Errorf("%s set the blind sampler (Algorithm 1); %s holds %s, a time-conditioned network", strings.Join(bad, ", "), *ckpt, nn.Describe(model))
		}
		return runHeatSample(hf, *ckpt, *out, *n, *size, opt.Seed, opt.Batch)
	}
	if bad := setAmong(fs, heatSampleFlagNames); len(bad) > 0 {
		return fmt.Errorf("%s set the heat sampler; %s holds %s, a blind denoiser", strings.Join(bad, ", "), *ckpt, nn.Describe(model))
	}
	net, err := nn.AsNet(model)
	if err != nil {
		return err
	}
	side := imageSide(*size, *ckpt)
	res, err := sample.Run(context.Background(), denoise.Blind(net), *n, side, side, opt)
	if err != nil {
		return err
	}
	if err := report.SaveNpy(filepath.Join(*out, "samples.npy"), res.Samples); err != nil {
		return err
	}
	cols := int(math.Ceil(math.Sqrt(float64(*n))))
	if err := report.ImageGrid(filepath.Join(*out, "samples.png"), res.Samples, cols, 0, 1, false); err != nil {
		return err
	}
	mean, _ := res.MeanSteps()
	conv, div := res.NumConverged(), res.NumDiverged()
	summary := map[string]any{"n": *n, "size": side, "seed": opt.Seed, "h0": opt.H0, "beta": opt.Beta, "sigma0": opt.Sigma0,
		"sigma_inf": opt.SigmaInf, "mean": opt.Mean, "diverge_ratio": opt.DivergeRatio, "steps": res.Steps, "final_sigma": res.Sigma,
		"converged": conv, "diverged": div, "diverged_samples": res.DivergedIndices()}
	if err := report.WriteJSON(filepath.Join(*out, "samples.json"), summary); err != nil {
		return err
	}
	fmt.Printf("%d samples of %dx%d in %s (mean %.0f steps, %d/%d reached σ∞ = %g, %d diverged%s)\n",
		*n, side, side, *out, mean, conv, *n, opt.SigmaInf, div, listed(res.DivergedIndices()))
	return nil
}

// listed formats sample indices for the summary line (empty if none).
func listed(idx []int) string {
	if len(idx) == 0 {
		return ""
	}
	return fmt.Sprintf(": %v", idx)
}

// imageSide is the flag's value, else the training image size of the
// checkpoint directory's run configuration, else 20.
func imageSide(flagSize int, ckpt string) int {
	if flagSize > 0 {
		return flagSize
	}
	if cfg, err := train.LoadConfig(ckpt); err == nil && cfg.Size > 0 {
		return cfg.Size
	}
	return 20
}

// blindSampleFlags are read by Algorithm 1 only.
var blindSampleFlags = []string{"h0", "beta", "sigma0", "sigma-inf", "mean", "max-steps", "diverge"}

// setAmong lists, as --NAME, the flags of names given on the command line.
func setAmong(fs *flag.FlagSet, names []string) []string {
	var out []string
	for _, name := range names {
		if isSet(fs, name) {
			out = append(out, "--"+name)
		}
	}
	return out
}
