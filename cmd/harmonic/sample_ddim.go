package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
)

// ddimFlags are the options of `harmonic sample --sampler ddim`.
type ddimFlags struct {
	ckpt, method, train, out string
	n, size, channels        int
	trainN                   int
	dataSeed                 uint64
	tau, smoothing           float64
	tauSet                   bool
	patch                    int
	quiet                    bool
	opt                      sample.DDIMOptions
}

// ddimOnly are the flags only the DDIM sampler reads, ascentOnly those
// only the ascent reads; giving one to the other sampler is an error rather
// than silently ignored.
var (
	ddimOnly   = []string{"method", "train", "train-n", "channels", "data-seed", "tau", "patch", "smoothing", "steps", "clip"}
	ascentOnly = []string{"h0", "beta", "sigma0", "sigma-inf", "mean", "max-steps", "diverge"}
)

// addDDIMFlags declares the DDIM sampler's own flags on the sample command.
func addDDIMFlags(fs *flag.FlagSet, f *ddimFlags) {
	f.opt = sample.DDIMDefaults()
	fs.StringVar(&f.method, "method", "", "ddim: an analytic model instead of --ckpt: wiener, optimal, locality, els, scfdm or nearest")
	fs.StringVar(&f.train, "train", "", "ddim with --method: training images, a .npy [N,C,H,W] in [0,1] or a data spec")
	fs.IntVar(&f.trainN, "train-n", 60000, "ddim with --method: training images drawn from a data spec")
	fs.IntVar(&f.channels, "channels", 1, "ddim with --method: channels of a data spec (1 or 3)")
	fs.Uint64Var(&f.dataSeed, "data-seed", 0, "ddim with --method: seed of a synthetic data spec")
	fs.Float64Var(&f.tau, "tau", -1, "ddim --method locality: threshold τ ≥ 0 (default: 0.005 one channel, 0.05 colour ≤ 32×32, 0.02 larger)")
	fs.IntVar(&f.patch, "patch", 0, "ddim --method els: patch size K (odd; 0: Kamb & Ganguli's MNIST UNet schedule per step)")
	fs.Float64Var(&f.smoothing, "smoothing", -1, "ddim --method scfdm: std of the perturbations of x_t (default 1.0 one channel, 0.1 colour)")
	fs.IntVar(&f.opt.Steps, "steps", f.opt.Steps, "ddim: sampling steps (10: t = 900, 800, ..., 0)")
	fs.BoolVar(&f.opt.Clip, "clip", f.opt.Clip, "ddim: clip x̂0 to [-1,1] inside each step")
}

// checkSamplerFlags refuses flags that only another sampler reads.
func checkSamplerFlags(fs *flag.FlagSet, sampler string) error {
	only := map[string][]string{"ascent": ascentOnly, "ddim": ddimOnly, "heat": heatSampleFlagNames}
	for other, names := range only {
		if other == sampler {
			continue
		}
		for _, name := range names {
			if isSet(fs, name) {
				return fmt.Errorf("--%s is a flag of --sampler %s, not of --sampler %s", name, other, sampler)
			}
		}
	}
	return nil
}

// checkDDIMFlags rejects bad DDIM options before anything is loaded.
func checkDDIMFlags(f ddimFlags) error {
	switch {
	case f.out == "":
		return usageError{errors.New("--out is required")}
	case f.ckpt == "" && f.method == "":
		return usageError{errors.New("--sampler ddim needs --ckpt (a vp-eps tc-unet) or --method with --train")}
	case f.ckpt != "" && f.method != "":
		return fmt.Errorf("--ckpt %s and --method %s: give one model", f.ckpt, f.method)
	case f.n < 1:
		return fmt.Errorf("--n %d: need at least one sample", f.n)
	case f.size < 0:
		return fmt.Errorf("--size %d is negative", f.size)
	case f.opt.Steps < 1 || f.opt.Steps > f.opt.Schedule.T():
		return fmt.Errorf("--steps %d outside 1..%d", f.opt.Steps, f.opt.Schedule.T())
	case f.opt.Batch < 1:
		return fmt.Errorf("--batch %d must be positive", f.opt.Batch)
	}
	if f.method == "" {
		return nil
	}
	switch f.method {
	case "wiener", "optimal", "locality", "nearest", "els", "scfdm":
	default:
		return usageError{fmt.Errorf("--method %q: want wiener, optimal, locality, els, scfdm or nearest", f.method)}
	}
	switch {
	case f.train == "":
		return usageError{fmt.Errorf("--method %s needs --train", f.method)}
	case f.tauSet && (!(f.tau >= 0) || math.IsInf(f.tau, 0)):
		return fmt.Errorf("--tau %v must be a finite number >= 0", f.tau)
	case f.tauSet && f.method != "locality":
		return fmt.Errorf("--tau is for --method locality, not %s", f.method)
	case f.patch != 0 && f.method != "els":
		return fmt.Errorf("--patch is for --method els, not %s", f.method)
	case f.patch < 0 || f.patch%2 == 0 && f.patch != 0:
		return fmt.Errorf("--patch %d: want an odd size >= 1 (0: the schedule)", f.patch)
	case f.smoothing != -1 && f.method != "scfdm":
		return fmt.Errorf("--smoothing is for --method scfdm, not %s", f.method)
	case f.smoothing != -1 && (!(f.smoothing >= 0) || math.IsInf(f.smoothing, 0)):
		return fmt.Errorf("--smoothing %v must be a finite number >= 0", f.smoothing)
	case f.trainN < 1:
		return fmt.Errorf("--train-n %d: needs at least one training image", f.trainN)
	case f.channels != 1 && f.channels != 3:
		return fmt.Errorf("--channels %d: want 1 or 3", f.channels)
	}
	return nil
}

// ddimModel is the model to sample and the image shape it works on.
type ddimModel struct {
	pred    sample.X0Predictor
	c, h, w int
	desc    string
}

// loadDDIMModel builds the model of --ckpt or --method.
func loadDDIMModel(f ddimFlags) (ddimModel, error) {
	if f.ckpt != "" {
		return loadDDIMNetwork(f)
	}
	tr, err := loadTrainSigned(predictFlags{train: f.train, n: f.trainN, size: f.size, channels: f.channels, seed: f.dataSeed})
	if err != nil {
		return ddimModel{}, err
	}
	c, h, w := tr.Dim(1), tr.Dim(2), tr.Dim(3)
	if f.size > 0 && (h != f.size || w != f.size) {
		return ddimModel{}, fmt.Errorf("--size %d but the training images of %s are %dx%d", f.size, f.train, h, w)
	}
	tau := f.tau
	if !f.tauSet {
		tau = defaultTau(c, h, w)
	}
	if f.patch > min(h, w) {
		return ddimModel{}, fmt.Errorf("--patch %d is larger than the %dx%d images", f.patch, h, w)
	}
	p, err := buildPredictor(predictFlags{method: f.method, train: f.train, tau: tau, patch: f.patch, smoothing: f.smoothing, noiseDraws: analytic.SCFDMNumNoise}, tr)
	if err != nil {
		return ddimModel{}, err
	}
	desc := fmt.Sprintf("%s of %d training images", f.method, tr.Dim(0))
	switch f.method {
	case "locality":
		desc += fmt.Sprintf(", τ = %g", tau)
	case "els":
		if f.patch == 0 {
			desc += ", patch size per step from Kamb & Ganguli's MNIST UNet schedule"
		} else {
			desc += fmt.Sprintf(", patch %d", f.patch)
		}
	case "scfdm":
		sm := f.smoothing
		if sm == -1 {
			sm = defaultSmoothing(c)
		}
		desc += fmt.Sprintf(", smoothing %g, %d draws", sm, analytic.SCFDMNumNoise)
	}
	return ddimModel{pred: sample.FromVP(p), c: c, h: h, w: w, desc: desc}, nil
}

// loadDDIMNetwork loads a time-conditioned ε-network; a checkpoint
// directory whose run trained another objective is refused.
func loadDDIMNetwork(f ddimFlags) (ddimModel, error) {
	m, _, err := nn.LoadAny(f.ckpt)
	if err != nil {
		return ddimModel{}, fmt.Errorf("--ckpt: %w", err)
	}
	net, ok := m.(nn.Conditioned)
	if !ok {
		return ddimModel{}, fmt.Errorf("--ckpt %s holds %s: DDIM needs a time-conditioned ε-network (a tc-unet trained with --objective vp-eps)", f.ckpt, nn.Describe(m))
	}
	if cfg, err := train.LoadConfig(f.ckpt); err == nil && cfg.Objective != "vp-eps" {
		return ddimModel{}, fmt.Errorf("--ckpt %s was trained with objective %q: DDIM needs vp-eps (ε-prediction on the DDPM schedule)", f.ckpt, cfg.Objective)
	}
	c := net.Config().ImageChannels()
	side := imageSide(f.size, f.ckpt)
	if err := net.CheckInput([]int{1, c, side, side}); err != nil {
		return ddimModel{}, fmt.Errorf("--ckpt %s at %dx%d: %w", f.ckpt, side, side, err)
	}
	return ddimModel{pred: sample.FromNoise(denoise.EpsNet{Net: net}), c: c, h: side, w: side, desc: nn.Describe(net)}, nil
}

// runSampleDDIM draws the samples and writes samples.npy (float32
// [N,C,H,W], the last step's unclipped x̂0 in [−1,1]), samples.png (the
// grid, [−1,1] mapped to black..white and clipped) and samples.json.
func runSampleDDIM(f ddimFlags, w io.Writer) error {
	if err := checkDDIMFlags(f); err != nil {
		return err
	}
	m, err := loadDDIMModel(f)
	if err != nil {
		return err
	}
	// A progress line per step (an analytic model at N = 60 000 takes
	// minutes); Ctrl-C stops between batches and writes nothing.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	line := newProgressLine(f.quiet)
	start := time.Now()
	opt := f.opt
	opt.Observer = func(o sample.Observation) error {
		done := o.Step + 1
		el := time.Since(start)
		eta := time.Duration(float64(el) * float64(opt.Steps-done) / float64(done))
		line.show(fmt.Sprintf("sampling  step %d/%d (t = %d)  elapsed %s  ETA %s", done, opt.Steps, o.T, el.Round(time.Second), eta.Round(time.Second)), done == opt.Steps)
		return nil
	}
	res, err := sample.DDIM(ctx, []sample.X0Predictor{m.pred}, f.n, m.c, m.h, m.w, opt)
	line.finish()
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	s := res[0].Samples
	if err := report.SaveNpy(filepath.Join(f.out, "samples.npy"), s); err != nil {
		return err
	}
	cols := int(math.Ceil(math.Sqrt(float64(f.n))))
	if err := report.ImageGrid(filepath.Join(f.out, "samples.png"), s, cols, -1, 1, false); err != nil {
		return err
	}
	ts, _ := sample.Timesteps(f.opt.Schedule.T(), f.opt.Steps)
	summary := map[string]any{"sampler": "ddim", "model": m.desc, "n": f.n, "channels": m.c, "height": m.h, "width": m.w,
		"seed": f.opt.Seed, "steps": f.opt.Steps, "timesteps": ts, "eta": 0, "clip": f.opt.Clip, "schedule": f.opt.Schedule.Name,
		"range": "[-1,1]", "samples": "the last step's unclipped x̂0"}
	if err := report.WriteJSON(filepath.Join(f.out, "samples.json"), summary); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d DDIM samples of %dx%dx%d from %s (%d steps, t = %d..%d) in %s, %s\n", f.n, m.c, m.h, m.w, m.desc, f.opt.Steps, ts[0], ts[len(ts)-1],
		f.out, elapsed.Round(time.Millisecond))
	return nil
}
