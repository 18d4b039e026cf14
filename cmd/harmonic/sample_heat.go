package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/tensor"
)

// heatFlags are the flags of `harmonic sample` that only the heat sampler
// reads.
type heatFlags struct {
	priorNoise  *bool
	delta       *float64
	data        *string
	interpolate *int
	k           *int
	sigmaMax    *float64
	quiet       *bool
}

// heatSampleFlagNames are heatFlags' names (quiet is not one: it is
// harmless for the blind sampler, which shows no progress).
var heatSampleFlagNames = []string{"prior-noise", "delta", "data", "interpolate", "heat-k", "heat-sigma-max"}

func heatSampleFlags(fs *flag.FlagSet) heatFlags {
	return heatFlags{
		priorNoise: fs.Bool("prior-noise", true, "heat: add δ·z to the blurred training image of the prior (the KDE; false: the released sampler's prior)"),
		delta:      fs.Float64("delta", heat.DefaultDelta, "heat: std δ of the noise added after each step and to the prior (1.25σ, σ = 0.01)"),
		data: fs.String("data", "", "heat: training set of the KDE prior, a train --data spec ("+data.Kinds+
			"; default: the run's own, from the checkpoint directory)"),
		interpolate: fs.Int("interpolate", 0, "heat: also write a strip of this many images interpolating between the priors of samples 0 and 1 (0: none)"),
		k:           fs.Int("heat-k", 0, "heat: refuse a checkpoint not trained with this K (0: the checkpoint's)"),
		sigmaMax:    fs.Float64("heat-sigma-max", 0, "heat: refuse a checkpoint not trained with this σ_max (0: the checkpoint's)"),
		quiet:       fs.Bool("quiet", false, "heat, ddim: no progress line"),
	}
}

// runHeatSample draws n samples from a heat checkpoint into out:
// samples.npy, samples.png, samples.json and with --interpolate N
// interpolation.npy and interpolation.png. Flags, checkpoint and data are
// checked before sampling and nothing is written unless sampling succeeds.
func runHeatSample(hf heatFlags, ckpt, out string, n, size int, seed uint64, batch int) error {
	switch {
	case n < 1:
		return fmt.Errorf("--n %d: need at least one sample", n)
	case *hf.interpolate != 0 && *hf.interpolate < 2:
		return fmt.Errorf("--interpolate %d: a strip needs at least 2 images (0: none)", *hf.interpolate)
	case !(*hf.delta >= 0) || math.IsInf(*hf.delta, 0):
		return fmt.Errorf("--delta %v must be finite and ≥ 0", *hf.delta)
	case batch < 1:
		return fmt.Errorf("--batch %d must be positive", batch)
	case size < 0:
		return fmt.Errorf("--size %d is negative", size)
	}
	ck, err := train.LoadHeat(ckpt, *hf.k, *hf.sigmaMax)
	if err != nil {
		return err
	}
	set, spec, err := heatPriorSet(ck, *hf.data, size)
	if err != nil {
		return err
	}
	if err := ck.Net.CheckInput([]int{1, set.Channels(), set.H, set.W}); err != nil {
		return fmt.Errorf("--data %s: %w", spec, err)
	}
	opt := heat.DefaultSampleOptions()
	opt.Delta, opt.PriorNoise, opt.Seed, opt.Batch = *hf.delta, *hf.priorNoise, seed, batch
	total := n
	if *hf.interpolate > 0 {
		total += *hf.interpolate
	}
	total *= ck.Schedule.K()
	line := newProgressLine(*hf.quiet)
	start, before := time.Now(), 0
	opt.Progress = func(done, _ int) {
		done += before
		el := time.Since(start)
		eta := time.Duration(float64(el) * float64(total-done) / float64(done))
		line.show(fmt.Sprintf("sampling  %d/%d image-levels  elapsed %s  ETA %s", done, total, el.Round(time.Second), eta.Round(time.Second)), done == total)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	f := heat.Network{Net: ck.Net}
	fmt.Fprintf(os.Stderr, "sampling %d images of %dx%dx%d from %s (K = %d, σ_max = %g, δ = %g, prior noise %v), prior from %d %s images\n",
		n, set.Channels(), set.H, set.W, ckpt, ck.Schedule.K(), ck.SigmaMax, opt.Delta, opt.PriorNoise, set.N, spec)
	res, err := heat.Sample(ctx, f, ck.Schedule, set.Tensor(), n, opt)
	if err != nil {
		line.finish()
		return err
	}
	var strip *tensor.Tensor
	if *hf.interpolate > 0 {
		before = n * ck.Schedule.K()
		if strip, err = heat.Interpolate(ctx, f, ck.Schedule, set.Tensor(), 0, 1, *hf.interpolate, opt); err != nil {
			line.finish()
			return err
		}
	}
	line.finish()
	if err := writeHeatSamples(out, res, strip); err != nil {
		return err
	}
	summary := map[string]any{"sampler": "heat", "n": n, "size": set.H, "channels": set.Channels(), "seed": seed,
		"k": ck.Schedule.K(), "sigma_max": ck.SigmaMax, "training_sigma": ck.Sigma, "delta": opt.Delta,
		"prior_noise": opt.PriorNoise, "data": spec, "prior_set_size": set.N, "prior_images": res.Prior,
		"step": ck.Meta["step"], "interpolate": *hf.interpolate}
	if err := report.WriteJSON(filepath.Join(out, "samples.json"), summary); err != nil {
		return err
	}
	fmt.Printf("%d samples of %dx%d in %s (K = %d, δ = %g, prior noise %v)", n, set.H, set.W, out, ck.Schedule.K(), opt.Delta, opt.PriorNoise)
	if strip != nil {
		fmt.Printf(", interpolation strip of %d between samples 0 and 1", *hf.interpolate)
	}
	fmt.Println()
	return nil
}

// writeHeatSamples writes the samples (and the strip, if any) as .npy and
// PNG grids.
func writeHeatSamples(out string, res *heat.Samples, strip *tensor.Tensor) error {
	n := res.Images.Dim(0)
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	if err := report.SaveNpy(filepath.Join(out, "samples.npy"), res.Images); err != nil {
		return err
	}
	if err := report.ImageGrid(filepath.Join(out, "samples.png"), res.Images, cols, 0, 1, false); err != nil {
		return err
	}
	if strip == nil {
		return nil
	}
	if err := report.SaveNpy(filepath.Join(out, "interpolation.npy"), strip); err != nil {
		return err
	}
	return report.ImageGrid(filepath.Join(out, "interpolation.png"), strip, strip.Dim(0), 0, 1, false)
}

// heatPriorSet opens the KDE prior's training set: --data (spec, else the
// run's own) at --size (else the run's, else the source's), with the run's
// data options when the checkpoint directory has them and the network's
// channels.
func heatPriorSet(ck *train.HeatCheckpoint, spec string, size int) (*data.Set, string, error) {
	channels := max(1, ck.Net.Config().Channels)
	var opt data.Options
	if ck.Run != nil {
		opt = ck.Run.DataOptions()
		if spec == "" {
			spec = ck.Run.Data
		}
		if size == 0 {
			size = ck.Run.Size
		}
	}
	if spec == "" {
		return nil, "", fmt.Errorf("--data is required: the model file alone does not name its training set (or give the checkpoint directory)")
	}
	opt.Channels = channels
	ds, err := data.Open(spec, size, opt)
	if err != nil {
		return nil, "", fmt.Errorf("--data %s: %w", spec, err)
	}
	if ds.Train == nil || ds.Train.N == 0 {
		return nil, "", fmt.Errorf("--data %s: no training images for the prior", spec)
	}
	if c := ds.Train.Channels(); c != channels {
		return nil, "", fmt.Errorf("--data %s has %d channels; the network takes %d", spec, c, channels)
	}
	return ds.Train, spec, nil
}
