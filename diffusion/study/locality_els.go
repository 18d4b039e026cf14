package study

import (
	"context"
	"fmt"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/tensor"
)

// kindLocELS compares Kamb & Ganguli's equivariant local score machine
// with the network (claim B.3's third model), in its own job: ELS is exact
// over every patch of every training image, so it runs on fewer samples
// than the other models, and its patch size per step is first calibrated
// against the network, as KG calibrate theirs.
const kindLocELS = "locality-els"

// elsConfig is a locality-els job's config. Dep: locality-train.
type elsConfig struct {
	Data train.Config `json:"data"`
	// Samples are the first samples of the comparison's initial noise
	// (the same Seed), CalibSamples the first of them used to calibrate.
	Samples      int    `json:"samples"`
	CalibSamples int    `json:"calib_samples"`
	Patches      []int  `json:"patches"` // candidate patch sizes (odd)
	Seed         uint64 `json:"seed"`
}

// elsResult is what a locality-els job measured, read back by the collector.
type elsResult struct {
	Samples      int       `json:"samples"`
	CalibSamples int       `json:"calib_samples"`
	Alphabar     []float64 `json:"schedule_alphabar"`
	Patch        []int     `json:"schedule_patch"`
	Dir          string    `json:"-"`
}

// elsGridFile shows the network's samples (top row) over ELS's, from the
// same noise.
const elsGridFile = "els_samples.png"

func init() {
	plan.Register(kindLocELS, "1", runLocELS)
	plan.RegisterCost(kindLocELS, locELSCost)
}

// runLocELS runs the network's DDIM on the samples (recording x_t and x̂0
// at every step), calibrates ELS's patch size per step on the first
// CalibSamples of them (the candidate whose score best matches the
// network's by cosine), then runs ELS on its own DDIM trajectory and on the
// network's (single step), and records r² and MSE of its x̂0 against the
// network's per step, as locality-compare does for the other models.
func runLocELS(ctx context.Context, env *plan.Env) error {
	var c elsConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	if c.Samples < 2 || c.CalibSamples < 1 || c.CalibSamples > c.Samples || len(c.Patches) == 0 {
		return fmt.Errorf("job %s (%s): %d samples, %d calibration samples, patches %v: want at least 2 samples, 1 to %d calibration samples and a patch size",
			env.ID, env.Kind, c.Samples, c.CalibSamples, c.Patches, c.Samples)
	}
	eps, err := depEpsNet(env)
	if err != nil {
		return err
	}
	x, err := signedTrain(c.Data)
	if err != nil {
		return err
	}
	els, err := analytic.NewELS(x, c.Patches[0])
	if err != nil {
		return fmt.Errorf("job %s (%s): %w", env.ID, env.Kind, err)
	}
	opt := sample.DDIMDefaults()
	opt.Seed = c.Seed
	ts, err := sample.Timesteps(opt.Schedule.T(), opt.Steps)
	if err != nil {
		return err
	}
	n, ch, h, w := c.Samples, x.Dim(1), x.Dim(2), x.Dim(3)
	start := time.Now()

	// The network's trajectory: its x_t and x̂0 at every step.
	netXt, netX0 := make([]*tensor.Tensor, len(ts)), make([]*tensor.Tensor, len(ts))
	opt.Observer = func(o sample.Observation) error {
		netXt[o.Step], netX0[o.Step] = o.Xt.Clone(), o.X0.Clone()
		return nil
	}
	netRes, err := sample.DDIM(ctx, []sample.X0Predictor{sample.FromNoise(eps)}, n, ch, h, w, opt)
	if err != nil {
		return err
	}

	// Calibration on the first CalibSamples.
	steps := make([]analytic.CalibrationStep, len(ts))
	for s, t := range ts {
		steps[s] = analytic.CalibrationStep{Alphabar: opt.Schedule.AlphaBar[t], Xt: firstImages(netXt[s], c.CalibSamples), Target: firstImages(netX0[s], c.CalibSamples)}
	}
	env.Logf("calibrating ELS patch sizes %v on %d samples, %d steps, N = %d", c.Patches, c.CalibSamples, len(ts), x.Dim(0))
	sched, cos, err := els.Calibrate(ctx, steps, c.Patches)
	if err != nil {
		return err
	}
	els.Schedule = sched
	env.Logf("ELS patch per step (t = %v): %v", ts, sched.Patch)

	// ELS on its own trajectory, then on the network's.
	own := make([]*tensor.Tensor, len(ts))
	opt.Observer = func(o sample.Observation) error {
		own[o.Step] = o.X0.Clone()
		return nil
	}
	elsRes, err := sample.DDIM(ctx, []sample.X0Predictor{sample.FromVP(els)}, n, ch, h, w, opt)
	if err != nil {
		return err
	}
	var ddim, single curve
	for s, t := range ts {
		r2, mse, err := r2MSE(own[s].Data(), netX0[s].Data(), n)
		if err != nil {
			return err
		}
		ddim.R2, ddim.MSE = append(ddim.R2, finite(r2)), append(ddim.MSE, finite(mse))
		pred, err := els.PredictVP(ctx, netXt[s], opt.Schedule.AlphaBar[t])
		if err != nil {
			return err
		}
		if r2, mse, err = r2MSE(pred.Data(), netX0[s].Data(), n); err != nil {
			return err
		}
		single.R2, single.MSE = append(single.R2, finite(r2)), append(single.MSE, finite(mse))
	}
	if err := writeSampleGrid(env.Path(elsGridFile), []*sample.DDIMResult{netRes[0], elsRes[0]}, n, ch, h, w); err != nil {
		return err
	}
	env.SetMetric("compare", comparison{T: ts, DDIM: map[string]curve{"els": ddim}, Single: map[string]curve{"els": single}})
	env.SetMetric("samples", n)
	env.SetMetric("calib_samples", c.CalibSamples)
	env.SetMetric("schedule_alphabar", sched.Alphabar)
	env.SetMetric("schedule_patch", sched.Patch)
	env.SetMetric("calibration_cosines", cos)
	env.SetMetric("els_seconds", time.Since(start).Seconds())
	return nil
}

// firstImages is a copy of the first k images of x [N,C,H,W].
func firstImages(x *tensor.Tensor, k int) *tensor.Tensor {
	d := x.Numel() / x.Dim(0)
	out := tensor.New(k, x.Dim(1), x.Dim(2), x.Dim(3))
	copy(out.Data(), x.Contiguous().Data()[:k*d])
	return out
}

// elsSecondsPerWeight is one ELS softmax weight (one patch position of one
// training image for one output pixel and channel) on one thread: 4 MNIST
// images at N = 1000, k = 5 (576 positions) took 5.3 s of CPU.
const elsSecondsPerWeight = 5.3 / (4 * 1000 * 576 * 784)

// locELSCost: the calibration evaluates every candidate at every step on
// the calibration samples; the two ELS passes (own trajectory, single
// step) are counted at the candidates' mean cost; the network's DDIM is
// small beside them.
func locELSCost(c elsConfig) (float64, error) {
	side, hw := c.Data.Size, float64(c.Data.Size*c.Data.Size)
	unit := float64(c.Data.NTrain) * hw * float64(max(c.Data.Channels, 1)) * elsSecondsPerWeight
	var sum float64
	for _, k := range c.Patches {
		p := float64(max(side-k+1, 1))
		sum += p * p
	}
	mean := sum / float64(max(len(c.Patches), 1))
	const steps = 10
	return unit * steps * (float64(c.CalibSamples)*sum + 2*float64(c.Samples)*mean), nil
}
