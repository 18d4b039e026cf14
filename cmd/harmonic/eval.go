package main

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

var _ = register(command{
	name:    "eval",
	summary: "print a denoiser's output PSNR against input PSNR over a grid of σ, on train and held-out images",
	run:     runEval,
})

func runEval(args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	ckpt := fs.String("ckpt", "", "checkpoint directory written by harmonic train, or a model .safetensors file (required)")
	sigma := fs.String("sigma", "0.01,0.02,0.05,0.1,0.2,0.4", "comma-separated noise levels σ (images in [0,1])")
	asJSON := fs.Bool("json", false, "print a JSON list of rows {split, sigma, psnr_in, psnr_out, n}")
	n := fs.Int("n", 200, "images per split (the first n training images the network saw, the first n test images; 0: all)")
	noiseSeed := fs.Uint64("noise-seed", 0, "seed of the evaluation noise (the same z for every σ)")
	threads := fs.Int("threads", 0, "worker threads (0: all cores)")
	// Data flags override the run's stored data configuration; with a bare
	// model file they say what to evaluate on.
	var cfg train.Config
	dataFS := flag.NewFlagSet("", flag.ContinueOnError)
	trainFlags(dataFS, &cfg)
	for _, name := range []string{"data", "size", "data-seed", "shuffle", "ntest"} {
		f := dataFS.Lookup(name)
		fs.Var(f.Value, name, f.Usage+" (default: the checkpoint's run)")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ckpt == "" || fs.NArg() > 0 {
		return errors.New("usage: harmonic eval --ckpt DIR|MODEL.safetensors [--sigma 0.05,0.1] [--json] [--data SPEC]")
	}
	if *threads > 0 {
		tensor.SetThreads(*threads)
	}
	sigmas, err := parseSigmas(*sigma)
	if err != nil {
		return err
	}
	if len(sigmas) == 0 {
		return errors.New("--sigma lists no noise level")
	}
	net, _, err := nn.LoadModel(*ckpt)
	if err != nil {
		return err
	}
	// The run's own configuration, when the checkpoint has one.
	dir := *ckpt
	if filepath.Ext(dir) == ".safetensors" {
		dir = filepath.Dir(dir)
	}
	if stored, err := train.LoadConfig(dir); err == nil {
		given := cfg
		cfg = stored
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "data":
				cfg.Data = given.Data
			case "size":
				cfg.Size = given.Size
			case "data-seed":
				cfg.DataSeed = given.DataSeed
			case "shuffle":
				cfg.Shuffle = given.Shuffle
			case "ntest":
				cfg.NTest = given.NTest
			}
		})
	} else if !isSet(fs, "data") {
		return fmt.Errorf("%s has no training configuration (%v): say what to evaluate on with --data and --size", *ckpt, err)
	}
	// Only the first n images are evaluated; the generators and loaders give
	// the same first images whatever the count, so load no more.
	if *n > 0 {
		cfg.NTrain = min(cfg.NTrain, *n)
		cfg.NTest = min(max(cfg.NTest, 1), *n)
	}
	ds, err := cfg.OpenData()
	if err != nil {
		return err
	}
	if err := net.CheckInput([]int{1, 1, ds.Train.H, ds.Train.W}); err != nil {
		return fmt.Errorf("%s images are %dx%d: %w", cfg.Data, ds.Train.H, ds.Train.W, err)
	}
	return printEval(denoise.Blind(net), ds, sigmas, *n, *noiseSeed, *asJSON)
}
