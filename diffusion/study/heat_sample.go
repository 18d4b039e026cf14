package study

import (
	"context"
	"math"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// The figures of a heat-sample job.
const (
	heatSamplesOnFile  = "samples_prior_on.png"
	heatSamplesOffFile = "samples_prior_off.png"
	heatStripsFile     = "interpolations.png"
)

// priorModes are the two samplers compared: the KDE prior with its noise
// (the paper's) and without (the released code's).
var priorModes = []struct {
	name  string
	noise bool
	file  string
}{{"prior_on", true, heatSamplesOnFile}, {"prior_off", false, heatSamplesOffFile}}

// runHeatSample draws the preset's samples with the prior noise on and
// off (same training images, same step noise), writes their grids and the
// interpolation strips, and measures per mode: the PSD slope of the
// samples, their novelty ratios against the training set, and with a
// classifier its mean confidence, the Fréchet distance and precision/recall
// against the test images on its features. The test images' own novelty
// ratios, confidence and PSD slope are the reference. Samples are clipped
// to the data's [0,1] before any measure (the sampler's last mean can
// overshoot by a little).
func runHeatSample(ctx context.Context, env *plan.Env) error {
	var c heatSampleConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	ds, err := openData(c.Data)
	if err != nil {
		return err
	}
	dep, err := depOf(env, kindHeatTrain)
	if err != nil {
		return err
	}
	ck, err := train.LoadHeat(dep.Dir, 0, 0)
	if err != nil {
		return err
	}
	var clf nn.Classifier
	if c.Classifier {
		cd, err := depOf(env, kindHeatClassifier)
		if err != nil {
			return err
		}
		m, _, err := nn.LoadAny(cd.Dir)
		if err != nil {
			return err
		}
		if clf, err = nn.AsClassifier(m); err != nil {
			return err
		}
	}
	trainX, test := ds.Train.Tensor(), ds.Test.Tensor()
	d := ds.Train.D()
	f := heat.Network{Net: ck.Net}
	side := min(test.Dim(2), test.Dim(3))
	lo, hi := slopeRange(side)

	// The reference: the held-out test images.
	testNov, err := metrics.SampleNovelty(test.Data(), trainX.Data(), d, metrics.NoveltyOptions{Seed: c.Seed})
	if err != nil {
		return err
	}
	env.SetMetric("test_novelty_median", testNov.MedianRatio())
	env.SetMetric("test_novelty_ratios", testNov.Ratio)
	if err := psdSlopeMetric(env, "test_psd_slope", test, lo, hi); err != nil {
		return err
	}
	var testFeat []float32
	if clf != nil {
		conf, err := metrics.ClassifierConfidence(clf, test)
		if err != nil {
			return err
		}
		env.SetMetric("test_confidence", conf.Mean)
		if testFeat, err = metrics.ClassifierFeatures(clf, test); err != nil {
			return err
		}
	}
	for _, m := range priorModes {
		opt := heat.DefaultSampleOptions()
		opt.PriorNoise, opt.Seed = m.noise, c.Seed
		s, err := heat.Sample(ctx, f, ck.Schedule, trainX, c.Samples, opt)
		if err != nil {
			return err
		}
		x := clip01(s.Images)
		if err := report.ImageGrid(env.Path(m.file), x, min(16, c.Samples), 0, 1, false); err != nil {
			return err
		}
		nov, err := metrics.SampleNovelty(x.Data(), trainX.Data(), d, metrics.NoveltyOptions{Seed: c.Seed})
		if err != nil {
			return err
		}
		env.SetMetric(m.name+"_novelty_median", nov.MedianRatio())
		env.SetMetric(m.name+"_novelty_ratios", nov.Ratio)
		if err := psdSlopeMetric(env, m.name+"_psd_slope", x, lo, hi); err != nil {
			return err
		}
		if clf == nil {
			continue
		}
		conf, err := metrics.ClassifierConfidence(clf, x)
		if err != nil {
			return err
		}
		feat, err := metrics.ClassifierFeatures(clf, x)
		if err != nil {
			return err
		}
		width := clf.FeatureDim()
		fd, err := metrics.FrechetDistance(testFeat, feat, width)
		if err != nil {
			return err
		}
		pr, err := metrics.ImprovedPrecisionRecall(testFeat, feat, width, metrics.DefaultPRK)
		if err != nil {
			return err
		}
		env.SetMetric(m.name+"_confidence", conf.Mean)
		env.SetMetric(m.name+"_frechet", fd)
		env.SetMetric(m.name+"_precision", pr.Precision)
		env.SetMetric(m.name+"_recall", pr.Recall)
		env.Logf("%s: novelty median %.3f (test %.3f), confidence %.3f, Fréchet %.3g", m.name, nov.MedianRatio(), testNov.MedianRatio(), conf.Mean, fd)
	}
	if c.Strips == 0 {
		return nil
	}
	opt := heat.DefaultSampleOptions()
	opt.Seed = c.Seed
	var strips []*tensor.Tensor
	var ratios []float64
	for s := range c.Strips {
		strip, err := heat.Interpolate(ctx, f, ck.Schedule, trainX, 2*s, 2*s+1, c.StripLen, opt)
		if err != nil {
			return err
		}
		strip = clip01(strip)
		strips = append(strips, strip)
		ratios = append(ratios, stepRatio(strip))
	}
	all, err := tensor.Concat(0, strips...)
	if err != nil {
		return err
	}
	if err := report.ImageGrid(env.Path(heatStripsFile), all, c.StripLen, 0, 1, false); err != nil {
		return err
	}
	worst := 0.0
	for _, r := range ratios {
		worst = math.Max(worst, r)
	}
	env.SetMetric("interp_step_ratios", ratios)
	env.SetMetric("interp_step_ratio", worst)
	return nil
}

// psdSlopeMetric records the PSD slope of x over [lo, hi] as name, and
// its radially averaged PSD as name's prefix + "_psd_power" (with the
// bins' frequencies as "psd_freq"), for the report's sample-against-data
// spectrum figure.
func psdSlopeMetric(env *plan.Env, name string, x *tensor.Tensor, lo, hi float64) error {
	p, err := metrics.RadialPSD(x)
	if err != nil {
		return err
	}
	slope, _, err := p.FitSlope(lo, hi)
	if err != nil {
		return err
	}
	env.SetMetric(name, slope)
	env.SetMetric(strings.TrimSuffix(name, "_slope")+"_power", p.Power)
	env.SetMetric("psd_freq", p.Freq)
	return nil
}

// clip01 is a copy of x with every value clipped to [0, 1].
func clip01(x *tensor.Tensor) *tensor.Tensor {
	y := tensor.New(x.Shape()...)
	for i, v := range x.Contiguous().Data() {
		y.Data()[i] = min(max(v, 0), 1)
	}
	return y
}

// stepRatio is claim C.4's smoothness of a strip [n,C,H,W]: the largest
// L2 distance between consecutive images over the median one (1 for
// evenly spaced frames; a jump between two modes makes one step many
// times the others). NaN for a strip whose median step is 0.
func stepRatio(strip *tensor.Tensor) float64 {
	n := strip.Dim(0)
	d := strip.Dim(1) * strip.Dim(2) * strip.Dim(3)
	v := strip.Contiguous().Data()
	steps := make([]float64, n-1)
	for i := range steps {
		var s float64
		for j := range d {
			e := float64(v[(i+1)*d+j]) - float64(v[i*d+j])
			s += e * e
		}
		steps[i] = math.Sqrt(s)
	}
	med := Median(steps)
	if !(med > 0) {
		return math.NaN()
	}
	worst := 0.0
	for _, s := range steps {
		worst = math.Max(worst, s)
	}
	return worst / med
}
