package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "train",
	summary: "train a blind denoiser (bf-unet, bf-cnn) or a time-conditioned tc-unet (vp-eps, heat) on a dataset, with checkpoints and resume",
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
	fs.IntVar(&c.Base, "base", 64, "channels of the first level (bf-unet, tc-unet: default 32) or of every layer (bf-cnn)")
	fs.Var((*multFlag)(&c.Mult), "mult", "tc-unet level width multipliers (level l: base·mult[l]; default 1,2,2)")
	fs.IntVar(&c.ResBlocks, "res-blocks", 0, "tc-unet residual blocks per level (0: 1)")
	fs.IntVar(&c.Groups, "groups", 0, "tc-unet GroupNorm groups, min(groups, width) per norm (0: 8)")
	fs.StringVar(&c.Objective, "objective", "blind", "training objective: "+strings.Join(train.Objectives(), ", ")+
		" (blind for bf-unet/bf-cnn; vp-eps or heat for tc-unet)")
	fs.IntVar(&c.HeatK, "heat-k", 0, fmt.Sprintf("heat: blur levels K, trained k ~ U{1..K} (0: %d)", train.DefaultHeatK))
	fs.Float64Var(&c.HeatSigmaMax, "heat-sigma-max", 0, fmt.Sprintf("heat: blur σ_B,K of the last level in pixels (0: %g)", float64(train.DefaultHeatSigmaMax)))
	fs.IntVar(&c.Warmup, "warmup", 0, "linear learning-rate warm-up over this many steps (0: none)")
	fs.Float64Var(&c.EMA, "ema", 0, "decay of the moving average of the weights saved as the model, e.g. 0.999 (0: none)")
	fs.Float64Var(&c.Clip, "clip", 0, "clip the gradient to this global L2 norm (0: none)")
	fs.Float64Var(&c.SigmaWeight, "sigma-weight", 0, "blind: divide each image's squared error by σ² + this c, e.g. 1e-3 (0: the paper's unweighted loss)")
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
	"threads": true, "eval-sigma": true, "eval-n": true, "eval-t": true, "eval-every": true, "quiet": true}

func runTrain(args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var cfg train.Config
	trainFlags(fs, &cfg)
	out := fs.String("out", "run", "checkpoint directory (model.safetensors + train_state.safetensors)")
	resume := fs.Bool("resume", false, "continue the run saved in --out (only --steps, --every, --time-limit, --threads may change)")
	limit := fs.Duration("time-limit", 0, "stop cleanly, with a checkpoint, after this wall time (e.g. 5m; 0: none)")
	threads := fs.Int("threads", 0, "worker threads (0: all cores)")
	evalSigma := fs.String("eval-sigma", "0.05,0.1,0.2", "after training, print PSNR at these σ on train and test images (\"\": skip)")
	evalN := fs.Int("eval-n", 200, "images per split for the final PSNR table (held-out images for the ε-MSE table)")
	evalT := fs.String("eval-t", "10,100,250,500,750,990", "vp-eps: after training, print the held-out ε-MSE at these steps and t-averaged (\"\": skip)")
	evalEvery := fs.Int("eval-every", 0, "vp-eps: score the held-out ε-MSE (t-averaged, --eval-n test images) every this many steps into eps_curve.csv in --out (0: never)")
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
	evalSteps, err := parseSteps(*evalT)
	if err != nil {
		return err
	}
	if *evalEvery < 0 {
		return fmt.Errorf("--eval-every %d is negative", *evalEvery)
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
	fmt.Fprintf(os.Stderr, "training %s (%d parameters) on %d %s images %dx%d, steps %d..%d, batch %d, lr %g (×%g every %d)%s, %d threads -> %s\n",
		nn.Describe(tr.Net), tr.Net.NumParams(), tr.Cfg.NTrain, tr.Cfg.Data, tr.Cfg.Size, tr.Cfg.Size, tr.Step, tr.Cfg.Steps,
		tr.Cfg.Batch, tr.Cfg.LR, tr.Cfg.LRFactor, tr.Cfg.LREvery, loopOptions(tr.Cfg), tensor.Threads(), *out)

	line := newProgressLine(*quiet)
	progress := line.update
	var curveErr error
	if *evalEvery > 0 {
		curve, err := setupEpsCurve(tr, ds, *evalEvery, *evalN, *out, line.note)
		if err != nil {
			return err
		}
		progress = func(p train.Progress) {
			line.update(p)
			if curveErr == nil {
				curveErr = curve.after(p.Step, p.Total, tr.Model())
			}
		}
	}
	res, err := tr.Run(ctx, *out, progress)
	line.finish()
	if err == nil {
		err = curveErr
	}
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
	case math.IsNaN(res.Smoothed): // no step ran: --resume of a finished run
		fmt.Fprintf(os.Stderr, "done: the run in %s already has its %d steps (raise --steps to train on)\n", *out, res.Step)
	default:
		fmt.Fprintf(os.Stderr, "done: %d steps, smoothed loss %.4g, checkpoint in %s\n", res.Step, res.Smoothed, *out)
	}
	if res.Stopped && !errors.Is(context.Cause(ctx), errTimeLimit) {
		return nil
	}
	if net, ok := tr.Model().(nn.Conditioned); ok {
		if *evalT == "" || tr.Cfg.Objective != "vp-eps" {
			return nil
		}
		return printEpsMSE(net, ds, evalSteps, *evalN)
	}
	net, err := nn.AsNet(tr.Model())
	if err != nil || len(sigmas) == 0 {
		return err
	}
	return printEval(denoise.Blind(net), ds, sigmas, *evalN, 0, false)
}

// loopOptions names the objective and the loop options a run uses beyond
// study A's ("" for a plain blind run, whose line reads as before).
func loopOptions(c train.Config) string {
	var s string
	if c.Objective != "" {
		s += ", objective " + c.Objective
	}
	if c.Warmup > 0 {
		s += fmt.Sprintf(", warm-up %d", c.Warmup)
	}
	if c.EMA > 0 {
		s += fmt.Sprintf(", EMA %g", c.EMA)
	}
	if c.Clip > 0 {
		s += fmt.Sprintf(", clip %g", c.Clip)
	}
	if c.SigmaWeight > 0 {
		s += fmt.Sprintf(", loss / (σ² + %g)", c.SigmaWeight)
	}
	return s
}

// printEpsMSE prints the ε-MSE of a vp-eps network on the first n held-out
// images at each step and t-averaged; predicting ε̂ = 0 scores 1.
func printEpsMSE(net nn.Conditioned, ds *data.Dataset, steps []int, n int) error {
	set := ds.Test
	if set == nil || set.N == 0 {
		fmt.Fprintln(os.Stderr, "no held-out images (--ntest 0): no ε-MSE table")
		return nil
	}
	if n > 0 && n < set.N {
		var err error
		if set, err = set.Slice(0, n); err != nil {
			return err
		}
	}
	rows, err := train.EvalEpsMSE(context.Background(), net, set, steps, 0)
	if err != nil {
		return err
	}
	fmt.Printf("held-out ε-MSE on %d test images (predicting 0 scores 1)\n", set.N)
	for _, r := range rows {
		if r.T < 0 {
			fmt.Printf("  t-averaged  %.4f\n", r.MSE)
		} else {
			fmt.Printf("  t = %-7d %.4f\n", r.T, r.MSE)
		}
	}
	return nil
}

// parseSteps reads a comma-separated list of steps of the DDPM schedule
// vp-eps trains on.
func parseSteps(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if T := schedule.DDPM().T(); err != nil || v < 0 || v >= T {
			return nil, fmt.Errorf("--eval-t: schedule step %q is not an integer in 0..%d", f, T-1)
		}
		out = append(out, v)
	}
	return out, nil
}

// multFlag is --mult: width multipliers written "1,2,2".
type multFlag []int

func (m *multFlag) String() string {
	if m == nil {
		return ""
	}
	parts := make([]string, len(*m))
	for i, v := range *m {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ",")
}

func (m *multFlag) Set(s string) error {
	v, err := nn.ParseMult(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
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
	if err := resolveNet(fs, &cfg); err != nil {
		return nil, nil, err
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

// resolveNet applies the network flags to the architecture: a
// time-conditioned one gets the tc-unet defaults for the sizes not given
// (base 32 unless --base is set) and the objective vp-eps unless one is
// named; a blind one keeps none of them, so its stored config (and study
// A's bytes) are as before. The objective blind is stored as "".
func resolveNet(fs *flag.FlagSet, cfg *train.Config) error {
	conditioned, err := nn.IsConditioned(cfg.NetConfig())
	if err != nil {
		return err // unknown architecture, named with the registered ones
	}
	if conditioned {
		if !isSet(fs, "base") {
			cfg.Base = 0
		}
		d := nn.TCUNetDefaults(cfg.NetConfig())
		cfg.Base, cfg.Mult, cfg.ResBlocks, cfg.Groups = d.Base, d.Mult, d.ResBlocks, d.Groups
		if !isSet(fs, "objective") {
			cfg.Objective = "vp-eps"
		}
	} else {
		for _, f := range []string{"mult", "res-blocks", "groups"} {
			if isSet(fs, f) {
				return fmt.Errorf("--%s sizes a tc-unet; --arch %s does not read it", f, cfg.Arch)
			}
		}
		cfg.Mult, cfg.ResBlocks, cfg.Groups = nil, 0, 0
	}
	if cfg.Objective == "blind" {
		cfg.Objective = ""
	}
	if cfg.Objective == "heat" { // stored resolved, as the run uses them
		cfg.HeatK, cfg.HeatSigmaMax = cfg.HeatLevels(), cfg.HeatSigmaMaxOrDefault()
	}
	return nil
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
			shown := was.Value.String()
			if f.Name == "objective" && shown == "" {
				shown = "blind" // stored as "" (resolveNet)
			}
			bad = append(bad, fmt.Sprintf("--%s %s (stored %s)", f.Name, given, shown))
		}
	})
	return bad
}

// resolved is the value a flag given as value means for the stored run: a
// 0 for --size or --lr-every is resolved as a new run resolves it.
func resolved(name, value string, stored train.Config) string {
	if name == "objective" && value == "blind" {
		return "" // how a blind run stores it
	}
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
	obj := c.Objective
	if obj == "" {
		obj = "blind"
	}
	return fmt.Sprintf("data %s size %d n %d channels %d, %s, objective %s, batch %d lr %g seed %d",
		c.Data, c.Size, c.NTrain, max(1, c.Channels), c.NetConfig(), obj, c.Batch, c.LR, c.Seed)
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

func (p *progressLine) update(pr train.Progress) { p.show(pr.String(), pr.Step == pr.Total) }

// show draws text as the status line if enough time has passed since the
// last one, and always when last is set (the final state).
func (p *progressLine) show(text string, last bool) {
	if p.quiet {
		return
	}
	every := 10 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if now := time.Now(); now.Sub(p.last) >= every || last {
		p.last = now
		if p.tty {
			fmt.Fprintf(os.Stderr, "\r%-90s", text)
		} else {
			fmt.Fprintln(os.Stderr, text)
		}
		p.shown = true
	}
}

// note prints a line of results between progress lines (over the status
// line on a terminal).
func (p *progressLine) note(s string) {
	if p.tty && p.shown {
		fmt.Fprintf(os.Stderr, "\r%-90s\n", s)
		return
	}
	fmt.Fprintln(os.Stderr, s)
}

func (p *progressLine) finish() {
	if p.shown && p.tty {
		fmt.Fprintln(os.Stderr)
	}
}
