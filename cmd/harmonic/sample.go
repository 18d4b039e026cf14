package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "sample",
	summary: "draw samples: Kadkhodaie–Simoncelli ascent of a blind denoiser (Algorithm 1), DDIM of a vp-eps tc-unet or an analytic model, or inverse heat dissipation of a heat tc-unet",
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
	sampler := fs.String("sampler", "", "ascent (Kadkhodaie–Simoncelli, a blind network), ddim (study B: a vp-eps tc-unet or --method) or heat (study C: a heat tc-unet); default: ddim with --method, else what the checkpoint was trained for")
	var df ddimFlags
	addDDIMFlags(fs, &df)
	hf := heatSampleFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments %v", fs.Args())}
	}
	name, err := chooseSampler(*sampler, *ckpt, df.method)
	if err != nil {
		return err
	}
	if err := checkSamplerFlags(fs, name); err != nil {
		return err
	}
	switch name {
	case "ddim":
		fs.Visit(func(fl *flag.Flag) { df.tauSet = df.tauSet || fl.Name == "tau" })
		df.ckpt, df.out, df.n, df.size = *ckpt, *out, *n, *size
		df.opt.Seed, df.opt.Batch, df.quiet = opt.Seed, opt.Batch, *hf.quiet
		if !batchSet(fs) {
			df.opt.Batch = sample.DDIMDefaults().Batch
		}
		return runSampleDDIM(df, os.Stdout)
	case "heat":
		if *ckpt == "" || *out == "" {
			return fmt.Errorf("--ckpt and --out are required")
		}
		return runHeatSample(hf, *ckpt, *out, *n, *size, opt.Seed, opt.Batch)
	}
	if *ckpt == "" || *out == "" {
		return fmt.Errorf("--ckpt and --out are required")
	}
	model, _, err := nn.LoadAny(*ckpt)
	if err != nil {
		return err
	}
	net, err := nn.AsNet(model)
	if err != nil {
		return fmt.Errorf("--sampler ascent needs a blind denoiser: %w", err)
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
	if err := writeSigmaTrace(*out, res, opt.SigmaInf); err != nil {
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

// batchSet says whether --batch was given (the samplers' defaults differ).
func batchSet(fs *flag.FlagSet) bool { return isSet(fs, "batch") }

// chooseSampler is --sampler when given (ascent, ddim or heat), else ddim
// for an analytic --method, else the sampler the checkpoint's training
// objective calls for: heat for a heat tc-unet, ddim for another
// time-conditioned network, ascent for a blind denoiser. A checkpoint that
// cannot be read is left for the sampler to report.
func chooseSampler(flagValue, ckpt, method string) (string, error) {
	switch flagValue {
	case "ascent", "ddim", "heat":
		return flagValue, nil
	case "":
	default:
		return "", usageError{fmt.Errorf("--sampler %q: want ascent (Kadkhodaie–Simoncelli), ddim or heat", flagValue)}
	}
	if method != "" {
		return "ddim", nil
	}
	if ckpt == "" {
		return "ascent", nil // which reports the missing --ckpt
	}
	meta, _, _, err := codec.LoadSafetensors(nn.ModelPath(ckpt))
	if err != nil {
		return "ascent", nil
	}
	cfg, err := nn.ConfigFromMeta(meta)
	if err != nil {
		return "ascent", nil
	}
	if cond, _ := nn.IsConditioned(cfg); !cond {
		return "ascent", nil
	}
	objective := meta["objective"] // model files since the heat sampler; else the run's config
	if objective == "" {
		if rc, err := train.LoadConfig(ckpt); err == nil {
			objective = rc.Objective
		}
	}
	if objective == "heat" {
		return "heat", nil
	}
	return "ddim", nil
}

// writeSigmaTrace saves every chain's σ_t per step as sigma_trace.csv
// (sample, step, sigma) and plots it as sigma_trace.png.
func writeSigmaTrace(out string, res *sample.Result, sigmaInf float64) error {
	t := &report.Table{Header: []string{"sample", "step", "sigma"}}
	for i, tr := range res.Trace {
		for k, v := range tr {
			t.Add(i, k+1, v)
		}
	}
	if err := t.WriteCSV(filepath.Join(out, "sigma_trace.csv")); err != nil {
		return err
	}
	p := report.SigmaTracePlot("σ_t of Algorithm 1 per chain", sigmaInf, report.Chains{Name: "chains", Traces: res.Trace, Diverged: res.Diverged})
	return p.Save(filepath.Join(out, "sigma_trace.png"))
}
