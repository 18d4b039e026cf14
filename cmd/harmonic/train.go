package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "train",
	summary: "train a blind bias-free denoiser (bf-unet or bf-cnn) on a dataset, with checkpoints and resume",
	run:     runTrain,
})

// defaultData is the built-in training set. Disks train a good denoiser
// fastest among the synthetic sources: piecewise-constant images on a
// 5-parameter manifold, so a small UNet soon learns to average inside the flat
// regions and only the edges remain hard. In a 400-step probe (base 32, batch
// 32, 20×20) disks gave +7.9 dB at σ = 0.1 on held-out images, cmix:4 +6.0 dB
// and cmix:2 +4.7 dB. The C^α families (cmix:ALPHA) are the study's main data.
const defaultData = "disks"

var errTimeLimit = errors.New("time limit reached")

// trainFlags are the flags that define a run (train.Config).
func trainFlags(fs *flag.FlagSet, c *train.Config) {
	fs.StringVar(&c.Data, "data", defaultData, "training data: "+data.Kinds)
	fs.IntVar(&c.Size, "size", 0, "image side in pixels, divisible by 2^levels for a bf-unet (0: synthetic data at the paper's size for\nthe levels, 20·2^(levels−1); 28 for digits, 40 photo patches, 80 folders)")
	fs.IntVar(&c.NTrain, "n", 10000, "number of training images")
	fs.IntVar(&c.NTest, "ntest", 1000, "number of held-out test images")
	fs.Uint64Var(&c.DataSeed, "data-seed", 0, "seed of the data generator (synthetic data, patches, --shuffle)")
	fs.BoolVar(&c.Shuffle, "shuffle", false, "apply one fixed random pixel permutation to every image")
	fs.IntVar(&c.Channels, "channels", 1, "image channels: 1 (grayscale) or 3 (RGB: photos, folder:PATH, npy:PATH)")
	fs.StringVar(&c.Arch, "arch", "bf-unet", "network: "+strings.Join(nn.Archs(), " or "))
	fs.IntVar(&c.Levels, "levels", 1, "bf-unet levels (20x20: 1, 40x40: 2, 80x80: 3 in the paper)")
	fs.IntVar(&c.Layers, "layers", 21, "bf-cnn layers")
	fs.IntVar(&c.Base, "base", 64, "channels of the first level (bf-unet) or of every layer (bf-cnn)")
	fs.IntVar(&c.Steps, "steps", 3000, "total optimizer steps")
	fs.IntVar(&c.Batch, "batch", 64, "images per step")
	fs.Float64Var(&c.LR, "lr", 1e-3, "Adam learning rate")
	fs.IntVar(&c.LREvery, "lr-every", 0, "multiply the learning rate by --lr-factor every this many steps (0: steps/3)")
	fs.Float64Var(&c.LRFactor, "lr-factor", 0.5, "learning-rate decay factor of the step schedule")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of initialization, batch order and noise")
	fs.IntVar(&c.CheckpointEvery, "every", 500, "save a checkpoint every this many steps (0: only at the end)")
}

// resumable flags may be given with --resume; all others come from the
// checkpoint.
var resumable = map[string]bool{"steps": true, "every": true, "out": true, "resume": true, "time-limit": true,
	"threads": true, "eval-sigma": true, "eval-n": true, "quiet": true}

func runTrain(args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var cfg train.Config
	trainFlags(fs, &cfg)
	out := fs.String("out", "run", "checkpoint directory (model.safetensors + train_state.safetensors)")
	resume := fs.Bool("resume", false, "continue the run saved in --out (only --steps, --every, --time-limit, --threads may change)")
	limit := fs.Duration("time-limit", 0, "stop cleanly, with a checkpoint, after this wall time (e.g. 5m; 0: none)")
	threads := fs.Int("threads", 0, "worker threads (0: all cores)")
	evalSigma := fs.String("eval-sigma", "0.05,0.1,0.2", "after training, print PSNR at these σ on train and test images (\"\": skip)")
	evalN := fs.Int("eval-n", 200, "images per split for the final PSNR table")
	quiet := fs.Bool("quiet", false, "no progress line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	if *threads < 0 {
		return fmt.Errorf("--threads %d is negative", *threads)
	}
	if *threads > 0 {
		tensor.SetThreads(*threads)
	}
	sigmas, err := parseSigmas(*evalSigma)
	if err != nil {
		return err
	}
	// The time limit counts from here: data loading is part of the budget.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); stop() }() // a second Ctrl-C kills at once
	if *limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, *limit, errTimeLimit)
		defer cancel()
	}
	tr, ds, err := setupRun(fs, cfg, *out, *resume)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "training %s (%d parameters) on %d %s images %dx%d, steps %d..%d, batch %d, lr %g (×%g every %d), %d threads -> %s\n",
		nn.Describe(tr.Net), tr.Net.NumParams(), tr.Cfg.NTrain, tr.Cfg.Data, tr.Cfg.Size, tr.Cfg.Size, tr.Step, tr.Cfg.Steps,
		tr.Cfg.Batch, tr.Cfg.LR, tr.Cfg.LRFactor, tr.Cfg.LREvery, tensor.Threads(), *out)

	line := newProgressLine(*quiet)
	res, err := tr.Run(ctx, *out, line.update)
	line.finish()
	if err != nil {
		if meta, _, _, e := codec.LoadSafetensors(nn.ModelPath(*out)); e == nil {
			return fmt.Errorf("%w\nthe last checkpoint in %s is at step %s", err, *out, meta["step"])
		}
		return err
	}
	switch {
	case res.Stopped && errors.Is(context.Cause(ctx), errTimeLimit):
		fmt.Fprintf(os.Stderr, "time limit %s reached: stopped at step %d/%d, checkpoint saved in %s (continue with --resume)\n", *limit, res.Step, tr.Cfg.Steps, *out)
	case res.Stopped:
		fmt.Fprintf(os.Stderr, "interrupted: stopped at step %d/%d, checkpoint saved in %s (continue with --resume)\n", res.Step, tr.Cfg.Steps, *out)
	default:
		fmt.Fprintf(os.Stderr, "done: %d steps, smoothed loss %.4g, checkpoint in %s\n", res.Step, res.Smoothed, *out)
	}
	if len(sigmas) == 0 || (res.Stopped && !errors.Is(context.Cause(ctx), errTimeLimit)) {
		return nil
	}
	return printEval(denoise.Blind(tr.Net), ds, sigmas, *evalN, 0, false)
}

// setupRun opens the data and builds a fresh trainer, or restores one.
func setupRun(fs *flag.FlagSet, cfg train.Config, out string, resume bool) (*train.Trainer, *data.Dataset, error) {
	if resume {
		stored, err := train.LoadConfig(out)
		if err != nil {
			return nil, nil, err
		}
		if bad := changedFlags(fs, stored); len(bad) > 0 {
			return nil, nil, fmt.Errorf("--resume continues the run stored in %s; %s cannot change (stored: %s)", out, strings.Join(bad, ", "), describeConfig(stored))
		}
		if isSet(fs, "steps") {
			stored.Steps = cfg.Steps
		}
		if isSet(fs, "every") {
			stored.CheckpointEvery = cfg.CheckpointEvery
		}
		ds, err := stored.OpenData()
		if err != nil {
			return nil, nil, err
		}
		tr, err := train.Resume(out, stored, ds.Train)
		return tr, ds, err
	}
	if _, err := os.Stat(nn.ModelPath(out)); err == nil {
		return nil, nil, fmt.Errorf("%s already holds a checkpoint: use --resume to continue it or another --out", out)
	}
	if cfg.LREvery == 0 {
		cfg.LREvery = max(1, cfg.Steps/3)
	}
	if cfg.Size == 0 {
		cfg.Size = defaultSize(cfg)
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	ds, err := cfg.OpenData()
	if err != nil {
		return nil, nil, err
	}
	tr, err := train.New(cfg, ds.Train)
	return tr, ds, err
}

// defaultSize is the paper's image size for the UNet's depth (20², 40², 80²
// for 1, 2, 3 levels) on synthetic data, and the source's native size
// otherwise.
func defaultSize(c train.Config) int {
	sp, err := data.ParseSpec(c.Data)
	if err != nil {
		return 0 // Validate reports the spec
	}
	if sp.Synthetic() {
		// A bf-unet of 1, 2, 3 levels (images divisible by 2, 4, 8).
		if m, err := nn.InputMultiple(c.NetConfig()); err == nil && m >= 2 && m <= 8 {
			return 10 * m
		}
		return 40
	}
	return sp.DefaultSize()
}

// changedFlags lists the run-defining flags given with --resume whose value
// differs from the stored run's, each as "--NAME GIVEN (stored STORED)".
// Passing a flag again with the value the run already has is not a change
// (a command line repeated with --resume added works); values compare as
// the flag package prints them, so --lr 1e-3 equals a stored 0.001. A
// given 0 for --size or --lr-every, which a new run resolves from the other
// settings, is compared as what it resolves to for the stored run.
func changedFlags(fs *flag.FlagSet, stored train.Config) []string {
	// The stored run's values as flag values: flags bound to a config,
	// which then holds the stored run (defining them set the defaults).
	var cur train.Config
	storedFS := flag.NewFlagSet("stored", flag.ContinueOnError)
	trainFlags(storedFS, &cur)
	cur = stored
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		if resumable[f.Name] {
			return
		}
		was := storedFS.Lookup(f.Name)
		given := f.Value.String()
		if was == nil { // every flag of train is a resumable one or a trainFlags one
			bad = append(bad, "--"+f.Name)
			return
		}
		if resolved(f.Name, given, stored) != was.Value.String() {
			bad = append(bad, fmt.Sprintf("--%s %s (stored %s)", f.Name, given, was.Value.String()))
		}
	})
	return bad
}

// resolved is the value a flag given as value means for the stored run: a
// 0 for --size or --lr-every is resolved as a new run resolves it.
func resolved(name, value string, stored train.Config) string {
	if value != "0" {
		return value
	}
	switch name {
	case "size":
		return strconv.Itoa(defaultSize(stored))
	case "lr-every":
		return strconv.Itoa(max(1, stored.Steps/3))
	}
	return value
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func describeConfig(c train.Config) string {
	return fmt.Sprintf("data %s size %d n %d channels %d, %s levels %d layers %d base %d, batch %d lr %g seed %d",
		c.Data, c.Size, c.NTrain, max(1, c.Channels), c.Arch, c.Levels, c.Layers, c.Base, c.Batch, c.LR, c.Seed)
}

// parseSigmas reads a comma-separated list of noise levels.
func parseSigmas(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || !(v >= 0) || v > 1e6 {
			return nil, fmt.Errorf("noise level %q is not a number >= 0", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// printEval prints (or writes as JSON) the PSNR table on the first n train
// and test images.
func printEval(den denoise.Denoiser, ds *data.Dataset, sigmas []float64, n int, seed uint64, asJSON bool) error {
	var tab metrics.Table
	for _, s := range []struct {
		split string
		set   *data.Set
	}{{"train", ds.Train}, {"test", ds.Test}} {
		if s.set == nil || s.set.N == 0 {
			continue
		}
		set := s.set
		if n > 0 && n < set.N {
			var err error
			if set, err = set.Slice(0, n); err != nil {
				return err
			}
		}
		// Not the run's context: the table is printed after a time limit too.
		rows, err := metrics.Evaluate(context.Background(), den, s.split, set, sigmas, seed)
		if err != nil {
			return err
		}
		tab = append(tab, rows...)
	}
	if asJSON {
		return tab.WriteJSON(os.Stdout)
	}
	return tab.WriteText(os.Stdout)
}

// progressLine redraws one status line on a terminal (\r), or prints a line
// every 10 s when stderr is a file or pipe.
type progressLine struct {
	quiet, tty bool
	last       time.Time
	shown      bool
}

func newProgressLine(quiet bool) *progressLine {
	st, err := os.Stderr.Stat()
	return &progressLine{quiet: quiet, tty: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

func (p *progressLine) update(pr train.Progress) {
	if p.quiet {
		return
	}
	every := 10 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if now := time.Now(); now.Sub(p.last) >= every || pr.Step == pr.Total {
		p.last = now
		if p.tty {
			fmt.Fprintf(os.Stderr, "\r%-90s", pr.String())
		} else {
			fmt.Fprintln(os.Stderr, pr.String())
		}
		p.shown = true
	}
}

func (p *progressLine) finish() {
	if p.shown && p.tty {
		fmt.Fprintln(os.Stderr)
	}
}
