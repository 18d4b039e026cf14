package study

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/classify"
	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/internal/rng"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// The job kinds of study C. Per dataset: heat-train (its tc-unet),
// heat-psd (spectra of the data, claims C.1 and C.2), heat-classifier
// (labelled data only) and heat-sample, which reads the network and the
// classifier (claims C.3 and C.4).
const (
	kindHeatTrain      = "heat-train"
	kindHeatClassifier = "heat-classifier"
	kindHeatPSD        = "heat-psd"
	kindHeatSample     = "heat-sample"
)

func init() {
	plan.Register(kindHeatTrain, "1", runHeatTrain)
	plan.RegisterCost(kindHeatTrain, heatTrainCost)
	plan.Register(kindHeatClassifier, "1", runHeatClassifier)
	plan.RegisterCost(kindHeatClassifier, heatClassifierCost)
	plan.Register(kindHeatPSD, "1", runHeatPSD)
	plan.RegisterCost(kindHeatPSD, heatPSDCost)
	plan.Register(kindHeatSample, "1", runHeatSample)
	plan.RegisterCost(kindHeatSample, heatSampleCost)
}

// runHeatTrain trains the config's tc-unet with the heat objective.
func runHeatTrain(ctx context.Context, env *plan.Env) error {
	var c train.Config
	if err := env.Config(&c); err != nil {
		return err
	}
	ds, err := openData(dataOnly(c))
	if err != nil {
		return err
	}
	return trainModel(ctx, env, fmt.Sprintf("%s tc-unet (heat, K = %d)", c.Data, c.HeatLevels()), c, ds.Train)
}

// heatStepSecondsPerUnit scales the estimate of a heat-objective tc-unet
// step on one thread like tcStepSecondsPerUnit. Measured: base 16, mult
// 1,2,2, batch 64 of 28×28 MNIST images, K = 20, `harmonic train
// --objective heat --threads 1`, 13 steps minus 3 took 3.8 s (0.38 s per
// step, load average about 6 from other work, so on the slow side).
const heatStepSecondsPerUnit = 0.38 / (64 * 28 * 28 * 16 * 16)

func heatTrainCost(c train.Config) (float64, error) {
	return float64(c.Steps) * float64(c.Batch*c.Size*c.Size*c.Base*c.Base) * heatStepSecondsPerUnit, nil
}

// heatClassifierConfig is a heat-classifier job's config.
type heatClassifierConfig struct {
	Data     train.Config    `json:"data"`
	Classify classify.Config `json:"classify"`
}

// runHeatClassifier trains the classifier on the training images and
// their labels into model.safetensors; metrics test_accuracy,
// test_confidence and classifier_seconds.
func runHeatClassifier(ctx context.Context, env *plan.Env) error {
	var c heatClassifierConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	ds, err := openData(c.Data)
	if err != nil {
		return err
	}
	if ds.TrainLabels == nil || ds.TestLabels == nil {
		return fmt.Errorf("study: %s has no labels; the classifier trains on mnist or fashion-mnist", c.Data.Data)
	}
	start := time.Now()
	net, err := classify.Train(ctx, c.Classify, ds.Train, ds.TrainLabels, nil)
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
	if err := nn.SaveModel(env.Path(nn.ModelFile), net, nil); err != nil {
		return err
	}
	env.Logf("classifier on %s: test accuracy %.4f", c.Data.Data, acc)
	env.SetMetric("test_accuracy", acc)
	env.SetMetric("test_confidence", conf.Mean)
	env.SetMetric("classifier_seconds", time.Since(start).Seconds())
	return nil
}

// classifierStepSeconds is one classifier step of batch 64 on 28×28
// images on one thread, scaled by pixels. Measured: `harmonic classifier
// train --data mnist --batch 64 --threads 1`, 40 steps minus 10 steps took
// 2.0 s (0.067 s per step, load average about 7 from other work).
const classifierStepSeconds = 0.067 / (64 * 28 * 28)

func heatClassifierCost(c heatClassifierConfig) (float64, error) {
	return float64(c.Classify.Steps*c.Classify.Batch*c.Data.Size*c.Data.Size) * classifierStepSeconds, nil
}

// heatPSDConfig is a heat-psd job's config: the data, the noise levels of
// claim C.2 and the heat schedule whose blurred data it shows.
type heatPSDConfig struct {
	Data     train.Config `json:"data"`
	Sigmas   []float64    `json:"sigmas"`
	K        int          `json:"k"`
	SigmaMax float64      `json:"sigma_max"`
	Seed     uint64       `json:"seed"`
}

// psdImages bounds the images a spectrum averages over (the spectrum of
// 2000 images has a relative standard error of about 2% per bin).
const psdImages = 2000

// slopeRange is the frequency range (cycles per image side S) of the PSD
// slope fit: from 2 (bin 1 holds the few lowest modes the crop's edges
// bias) to the Nyquist S/2.
func slopeRange(side int) (lo, hi float64) { return 2, float64(side) / 2 }

// blurLevels are the schedule levels whose blurred data the PSD figure
// shows: about a quarter, half and all of the way.
func blurLevels(k int) []int {
	var out []int
	for _, l := range []int{max(1, k/4), max(1, k/2), k} {
		if len(out) == 0 || l > out[len(out)-1] {
			out = append(out, l)
		}
	}
	return out
}

// runHeatPSD measures the radially averaged PSD of the training images (up
// to psdImages of them, on [0,1] pixels), its slope over slopeRange
// (claim C.1), the crossover frequency of the white-noise floor σ² with
// it per σ (claim C.2), and for the figure the spectra of the same images
// with N(0, σ²) noise added and blurred to the levels blurLevels.
func runHeatPSD(ctx context.Context, env *plan.Env) error {
	var c heatPSDConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	ds, err := openData(c.Data)
	if err != nil {
		return err
	}
	sched, err := heat.NewSchedule(c.K, c.SigmaMax)
	if err != nil {
		return err
	}
	set, err := ds.Train.Slice(0, min(ds.Train.N, psdImages))
	if err != nil {
		return err
	}
	x := set.Tensor()
	p, err := metrics.RadialPSD(x)
	if err != nil {
		return err
	}
	lo, hi := slopeRange(p.Side)
	slope, _, err := p.FitSlope(lo, hi)
	if err != nil {
		return err
	}
	crossover := make([]*float64, len(c.Sigmas))
	noisy := make([][]float64, len(c.Sigmas))
	r := rng.New(c.Seed)
	for i, s := range c.Sigmas {
		if f, ok := p.Crossover(s); ok {
			crossover[i] = &f
		}
		y := tensor.New(x.Shape()...)
		r.FillNormal(y.Data(), 0, float32(s))
		for j, v := range x.Data() {
			y.Data()[j] += v
		}
		q, err := metrics.RadialPSD(y)
		if err != nil {
			return err
		}
		noisy[i] = q.Power
	}
	var times []float64
	var blurred [][]float64
	for _, k := range blurLevels(c.K) {
		if err := ctx.Err(); err != nil {
			return err
		}
		t := sched.Time(k)
		y, err := heat.Blur(x, t)
		if err != nil {
			return err
		}
		q, err := metrics.RadialPSD(y)
		if err != nil {
			return err
		}
		times, blurred = append(times, t), append(blurred, q.Power)
	}
	env.Logf("PSD of %d images of %s: slope %.3f over [%g, %g]", x.Dim(0), c.Data.Data, slope, lo, hi)
	env.SetMetric("images", x.Dim(0))
	env.SetMetric("psd_slope", slope)
	env.SetMetric("fit_lo", lo)
	env.SetMetric("fit_hi", hi)
	env.SetMetric("sigmas", c.Sigmas)
	env.SetMetric("crossover", crossover)
	env.SetMetric("freq", p.Freq)
	env.SetMetric("power", p.Power)
	env.SetMetric("noisy_power", noisy)
	env.SetMetric("blur_times", times)
	env.SetMetric("blur_power", blurred)
	return nil
}

// heatPSDCost: one FFT of every image per spectrum, about 5·d·log2(d)
// flops each in complex128, at ~1 GFLOP/s.
func heatPSDCost(c heatPSDConfig) (float64, error) {
	d := float64(max(c.Channels(), 1) * c.Data.Size * c.Data.Size)
	spectra := float64(1 + len(c.Sigmas) + len(blurLevels(c.K)))
	return float64(min(c.Data.NTrain, psdImages)) * spectra * 5 * d * math.Log2(d) / 1e9, nil
}

// Channels is the config's image channels.
func (c heatPSDConfig) Channels() int { return c.Data.Channels }

// heatSampleConfig is a heat-sample job's config.
type heatSampleConfig struct {
	Data     train.Config `json:"data"`
	Samples  int          `json:"samples"`
	Strips   int          `json:"strips"`
	StripLen int          `json:"strip_len"`
	// Classifier says whether the job has a heat-classifier dependency.
	Classifier bool   `json:"classifier"`
	Seed       uint64 `json:"seed"`
	// K and Base size the cost estimate; the network's own schedule is read
	// from its checkpoint.
	K    int `json:"k"`
	Base int `json:"base"`
}

// heatSampleCost: every chain is K network evaluations, each about a
// third of a training step per image (forward only).
func heatSampleCost(c heatSampleConfig) (float64, error) {
	chains := float64(2*c.Samples + c.Strips*c.StripLen)
	return chains * float64(c.K) * float64(c.Data.Size*c.Data.Size*c.Base*c.Base) * heatStepSecondsPerUnit / 3, nil
}
