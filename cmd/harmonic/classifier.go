package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/classify"
	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/internal/atomicfile"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "classifier",
	summary: "train and apply the image classifier whose features study C's sample quality is measured on (train | eval)",
	run:     runClassifier,
})

const classifierUsage = `usage:
  harmonic classifier train --out DIR [--data mnist] [--steps 1000] [--batch 64] [--lr 5e-3] [--base 32] [--seed 1] [--n N] [--ntest N]
        train the classifier on a labelled dataset (mnist, fashion-mnist); write DIR/model.safetensors and
        DIR/metrics.json (test accuracy), and print the test accuracy
  harmonic classifier eval --ckpt DIR [--data mnist] [--ntest N] [--images X.npy]
        print the test accuracy and confidence (mean largest softmax probability) on the test images,
        or the confidence and predicted classes of the images of a .npy array [N,C,H,W] in [0,1]`

func runClassifier(args []string) error {
	if len(args) == 0 {
		return usageError{errors.New(classifierUsage)}
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Println(classifierUsage)
		return flag.ErrHelp
	case "train":
		return runClassifierTrain(args[1:])
	case "eval":
		return runClassifierEval(args[1:])
	}
	return usageError{fmt.Errorf("unknown subcommand %q\n%s", args[0], classifierUsage)}
}

// classifierMetrics is metrics.json of a classifier run.
type classifierMetrics struct {
	Data          string  `json:"data"`
	TrainImages   int     `json:"train_images"`
	TestImages    int     `json:"test_images"`
	Steps         int     `json:"steps"`
	Batch         int     `json:"batch"`
	LR            float64 `json:"lr"`
	Seed          uint64  `json:"seed"`
	Base          int     `json:"base"`
	TestAccuracy  float64 `json:"test_accuracy"`
	TestConfident float64 `json:"test_confidence"`
	Seconds       float64 `json:"train_seconds"`
}

// openLabelled opens a dataset that ships labels, at its own size.
func openLabelled(spec string, nTrain, nTest int) (*data.Dataset, error) {
	if nTrain < 0 || nTest < 0 {
		return nil, fmt.Errorf("--n %d and --ntest %d may not be negative", nTrain, nTest)
	}
	ds, err := data.Open(spec, 0, data.Options{NTrain: nTrain, NTest: nTest})
	if err != nil {
		return nil, err
	}
	if ds.TrainLabels == nil || ds.TestLabels == nil {
		return nil, fmt.Errorf("--data %s has no labels: the classifier trains on mnist or fashion-mnist", spec)
	}
	return ds, nil
}

func runClassifierTrain(args []string) error {
	fs := flag.NewFlagSet("classifier train", flag.ContinueOnError)
	cfg := classify.DefaultConfig()
	spec := fs.String("data", "mnist", "labelled training data: mnist or fashion-mnist")
	nTrain := fs.Int("n", 0, "training images (0: all 60000)")
	nTest := fs.Int("ntest", 0, "test images the accuracy is measured on (0: all 10000)")
	fs.IntVar(&cfg.Steps, "steps", cfg.Steps, "Adam steps")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "images per step")
	fs.Float64Var(&cfg.LR, "lr", cfg.LR, "initial learning rate (decayed to 0 along a half cosine)")
	fs.IntVar(&cfg.Base, "base", 32, "first convolution width (the embedding has 4·base features)")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the initial weights and the batch order")
	out := fs.String("out", "", "output directory (required): model.safetensors and metrics.json")
	threads := fs.Int("threads", 0, "worker threads (0: all cores)")
	quiet := fs.Bool("quiet", false, "no progress lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		return usageError{errors.New("classifier train needs --out DIR and no arguments")}
	}
	if *threads < 0 {
		return fmt.Errorf("--threads %d is negative", *threads)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if *threads > 0 {
		tensor.SetThreads(*threads)
	}
	ds, err := openLabelled(*spec, *nTrain, *nTest)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(os.Stderr, "training the classifier base %d on %d %s images, %d steps of batch %d, lr %g (cosine), seed %d, %d threads\n",
		cfg.Base, ds.Train.N, *spec, cfg.Steps, cfg.Batch, cfg.LR, cfg.Seed, tensor.Threads())
	start, last := time.Now(), time.Now()
	net, err := classify.Train(ctx, cfg, ds.Train, ds.TrainLabels, func(p classify.Progress) {
		if !*quiet && (time.Since(last) > 10*time.Second || p.Step == p.Total) {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "step %d/%d loss %.4f (%.1fs)\n", p.Step, p.Total, p.Loss, time.Since(start).Seconds())
		}
	})
	if err != nil {
		return err
	}
	seconds := time.Since(start).Seconds()
	test := ds.Test.Tensor()
	acc, err := metrics.ClassifierAccuracy(net, test, ds.TestLabels)
	if err != nil {
		return err
	}
	conf, err := metrics.ClassifierConfidence(net, test)
	if err != nil {
		return err
	}
	m := classifierMetrics{Data: *spec, TrainImages: ds.Train.N, TestImages: ds.Test.N, Steps: cfg.Steps, Batch: cfg.Batch,
		LR: cfg.LR, Seed: cfg.Seed, Base: net.Config().Base, TestAccuracy: acc, TestConfident: conf.Mean, Seconds: seconds}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	meta := map[string]string{"data": *spec, "steps": strconv.Itoa(cfg.Steps), "seed": strconv.FormatUint(cfg.Seed, 10),
		"test_accuracy": strconv.FormatFloat(acc, 'g', 6, 64)}
	if err := nn.SaveModel(filepath.Join(*out, nn.ModelFile), net, meta); err != nil {
		return err
	}
	js, _ := json.MarshalIndent(m, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(*out, "metrics.json"), append(js, '\n')); err != nil {
		return err
	}
	fmt.Printf("test accuracy %.4f on %d images, confidence %.4f, %.1f s of training -> %s\n", acc, ds.Test.N, conf.Mean, seconds, *out)
	return nil
}

func runClassifierEval(args []string) error {
	fs := flag.NewFlagSet("classifier eval", flag.ContinueOnError)
	ckpt := fs.String("ckpt", "", "classifier checkpoint (a directory of classifier train, or its model.safetensors; required)")
	spec := fs.String("data", "mnist", "labelled data whose test images are scored (without --images)")
	nTest := fs.Int("ntest", 0, "test images (0: all)")
	images := fs.String("images", "", "score these images instead: a .npy array [N,C,H,W] in [0,1], e.g. samples")
	threads := fs.Int("threads", 0, "worker threads (0: all cores)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ckpt == "" || fs.NArg() != 0 {
		return usageError{errors.New("classifier eval needs --ckpt and no arguments")}
	}
	if *threads > 0 {
		tensor.SetThreads(*threads)
	}
	m, _, err := nn.Load(*ckpt)
	if err != nil {
		return fmt.Errorf("--ckpt: %w", err)
	}
	net, err := nn.AsClassifier(m)
	if err != nil {
		return fmt.Errorf("--ckpt %s: %w", *ckpt, err)
	}
	if *images != "" {
		x, err := codec.LoadNpy(*images)
		if err != nil {
			return err
		}
		conf, err := metrics.ClassifierConfidence(net, x)
		if err != nil {
			return fmt.Errorf("--images %s: %w", *images, err)
		}
		fmt.Printf("%d images: confidence %.4f, predicted classes %v\n", x.Dim(0), conf.Mean, conf.Predicted)
		return nil
	}
	ds, err := openLabelled(*spec, 1, *nTest)
	if err != nil {
		return err
	}
	test := ds.Test.Tensor()
	acc, err := metrics.ClassifierAccuracy(net, test, ds.TestLabels)
	if err != nil {
		return err
	}
	conf, err := metrics.ClassifierConfidence(net, test)
	if err != nil {
		return err
	}
	fmt.Printf("%s test: accuracy %.4f on %d images, confidence %.4f, predicted classes %v\n", *spec, acc, ds.Test.N, conf.Mean, conf.Predicted)
	return nil
}
