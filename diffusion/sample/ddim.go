package sample

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/tensor"
)

// This file is the DDIM sampler of study B (Song et al. 2021, η = 0), as
// the locality paper's evaluation runs it through diffusers' DDIMScheduler
// with its defaults: "leading" timesteps t_i = i·⌊T/steps⌋ visited from the
// largest down to 0, x̂0 clipped to [−1,1] inside the step, the step after
// t = 0 going to ᾱ = 1. One step from x_t at ᾱ to the next step's ᾱ':
//
//	x̂0 = model(x_t, t)                       (unclipped)
//	ε̂  = (x_t − √ᾱ·x̂0)/√(1−ᾱ)
//	x' = √ᾱ'·clip(x̂0) + √(1−ᾱ')·ε̂
//
// ε̂ uses the unclipped x̂0, as diffusers does (use_clipped_model_output is
// false), so for an ε-predicting network ε̂ is its own prediction. The
// reference adds 1e-8 under the root of 1−ᾱ; we do not: 1−ᾱ ≥ 1e-4 on the
// DDPM schedule, and at the only step where it is that small (t = 0) ε̂ is
// multiplied by √(1−1) = 0. The result of a trajectory is the last step's
// unclipped x̂0 (the reference's returned images; its clip is the final
// state x' at ᾱ = 1).

// X0Predictor predicts x̂0 in [−1,1] from a batch of VP images
// x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε [B,C,H,W], all at step t of a schedule with
// ᾱ_t = alphabar. Each output image must depend on its own input only.
type X0Predictor interface {
	PredictX0(ctx context.Context, xt *tensor.Tensor, t int, alphabar float64) (*tensor.Tensor, error)
}

// VPPredictor is what the analytic models of study B are (analytic.Wiener,
// Optimal, Locality, Nearest): x̂0 from x_t at ᾱ.
type VPPredictor interface {
	PredictVP(ctx context.Context, xt *tensor.Tensor, alphabar float64) (*tensor.Tensor, error)
}

// FromVP uses an analytic model directly (it only needs ᾱ).
func FromVP(p VPPredictor) X0Predictor { return vpPredictor{p} }

type vpPredictor struct{ p VPPredictor }

func (v vpPredictor) PredictX0(ctx context.Context, xt *tensor.Tensor, _ int, alphabar float64) (*tensor.Tensor, error) {
	return v.p.PredictVP(ctx, xt, alphabar)
}

// FromNoise turns an ε-predicting network into x̂0 = (x_t − √(1−ᾱ)·ε̂(x_t,
// t))/√ᾱ; the network sees exactly x_t and the step t.
func FromNoise(net denoise.Conditioned) X0Predictor { return noisePredictor{net} }

type noisePredictor struct{ net denoise.Conditioned }

func (n noisePredictor) PredictX0(ctx context.Context, xt *tensor.Tensor, t int, alphabar float64) (*tensor.Tensor, error) {
	ts := make([]int, xt.Dim(0))
	for i := range ts {
		ts[i] = t
	}
	eps, err := n.net.PredictNoise(ctx, xt, ts)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(eps.Shape(), xt.Shape()) {
		return nil, fmt.Errorf("sample: noise prediction of shape %v for x_t %v", eps.Shape(), xt.Shape())
	}
	ra, rb := math.Sqrt(alphabar), math.Sqrt(1-alphabar)
	out := tensor.New(xt.Shape()...)
	xd, ed, od := xt.Contiguous().Data(), eps.Contiguous().Data(), out.Data()
	for i, x := range xd {
		od[i] = float32((float64(x) - rb*float64(ed[i])) / ra)
	}
	return out, nil
}

// FromDenoiser uses a σ-space Denoiser: x̂0 = den(x_t/√ᾱ, σ) with
// σ = √((1−ᾱ)/ᾱ), in [−1,1] (a denoiser of another range is adapted).
func FromDenoiser(den denoise.Denoiser) (X0Predictor, error) {
	f, err := denoise.In(denoise.Signed, den)
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	return sigmaPredictor{f}, nil
}

type sigmaPredictor struct{ den denoise.Denoiser }

func (s sigmaPredictor) PredictX0(ctx context.Context, xt *tensor.Tensor, _ int, alphabar float64) (*tensor.Tensor, error) {
	inv := 1 / math.Sqrt(alphabar)
	y := tensor.New(xt.Shape()...)
	for i, v := range xt.Contiguous().Data() {
		y.Data()[i] = float32(inv * float64(v))
	}
	return s.den.Denoise(ctx, y, denoise.Same(schedule.SigmaOfAlphaBar(alphabar), xt.Dim(0)))
}

// DDIMOptions configure the sampler; DDIMDefaults are study B's.
type DDIMOptions struct {
	Schedule *schedule.Discrete // the training schedule (DDPM linear β 1e-4..0.02, T = 1000)
	Steps    int                // sampling steps (10: t = 900, 800, …, 0)
	Clip     bool               // clip x̂0 to [−1,1] inside the step (diffusers' clip_sample)
	Seed     uint64             // initial noise: sample i draws stream i of the seed
	Batch    int                // images per model call
	// Observer, if set, sees every step of every trajectory; an error
	// from it stops the run.
	Observer Observer
}

// DDIMDefaults are the evaluation sampler of the locality paper.
func DDIMDefaults() DDIMOptions {
	return DDIMOptions{Schedule: schedule.DDPM(), Steps: 10, Clip: true, Batch: 32}
}

// Observation is one DDIM step of one model: the step index (0 first), the
// schedule step t and its ᾱ, the x_t the model was given and its unclipped
// x̂0 ([N,C,H,W] each, all samples). Traj is the model whose trajectory
// x_t lies on (the observed model itself, except in SingleStep). The
// tensors belong to the sampler: copy what must outlive the call.
type Observation struct {
	Model, Traj int
	Step, T     int
	AlphaBar    float64
	Xt, X0      *tensor.Tensor
}

// Observer is called at every step; see Observation.
type Observer func(o Observation) error

// Timesteps is the "leading" grid of diffusers with steps_offset 0:
// t_i = i·⌊T/steps⌋ for i = steps−1 … 0 (T = 1000, 10 steps: 900, 800,
// …, 0).
func Timesteps(T, steps int) ([]int, error) {
	if steps < 1 || steps > T {
		return nil, fmt.Errorf("sample: %d DDIM steps for a schedule of %d: want 1..%d", steps, T, T)
	}
	ratio := T / steps
	ts := make([]int, steps)
	for i := range ts {
		ts[i] = (steps - 1 - i) * ratio
	}
	return ts, nil
}

func (o DDIMOptions) check() ([]int, error) {
	if o.Schedule == nil || o.Schedule.T() == 0 {
		return nil, fmt.Errorf("sample: DDIM without a schedule")
	}
	if o.Batch < 1 {
		return nil, fmt.Errorf("sample: batch %d must be positive", o.Batch)
	}
	return Timesteps(o.Schedule.T(), o.Steps)
}

// DDIMResult is one model's trajectory: Samples [N,C,H,W] the last step's
// unclipped x̂0 (in [−1,1] up to the model's overshoot).
type DDIMResult struct {
	Samples *tensor.Tensor
}

// InitialNoise is the x_T every model starts from: sample i is stream i of
// the seed (as study A's sampler), standard normal, so it does not depend on
// the batch or on which samples are drawn with it.
func InitialNoise(n, c, h, w int, seed uint64) *tensor.Tensor {
	x := tensor.New(n, c, h, w)
	d := c * h * w
	for i := range n {
		tensor.NewRNG(streamSeed(seed, i)).FillNormal(x.Data()[i*d:(i+1)*d], 0, 1)
	}
	return x
}

func checkShape(n, c, h, w int) error {
	if n < 1 || c < 1 || h < 1 || w < 1 {
		return fmt.Errorf("sample: need n, c, h, w >= 1, got %d samples of %dx%dx%d", n, c, h, w)
	}
	return nil
}

// DDIM runs every model on its own trajectory from the same initial noise
// (InitialNoise of opt.Seed), n samples of c×h×w each, and returns one
// result per model. The observer sees model 0's steps, then model 1's, ….
func DDIM(ctx context.Context, models []X0Predictor, n, c, h, w int, opt DDIMOptions) ([]*DDIMResult, error) {
	ts, err := opt.check()
	if err != nil {
		return nil, err
	}
	if err := checkShape(n, c, h, w); err != nil {
		return nil, err
	}
	if len(models) == 0 {
		return nil, fmt.Errorf("sample: DDIM without a model")
	}
	x0 := InitialNoise(n, c, h, w, opt.Seed)
	res := make([]*DDIMResult, len(models))
	for m, model := range models {
		x := x0.Clone()
		var last *tensor.Tensor
		for s, t := range ts {
			pred, err := predictAll(ctx, model, x, t, opt)
			if err != nil {
				return nil, fmt.Errorf("sample: model %d at t = %d: %w", m, t, err)
			}
			if opt.Observer != nil {
				if err := opt.Observer(Observation{Model: m, Traj: m, Step: s, T: t, AlphaBar: opt.Schedule.AlphaBar[t], Xt: x, X0: pred}); err != nil {
					return nil, err
				}
			}
			x = ddimStep(x, pred, opt.Schedule.AlphaBar[t], prevAlphaBar(opt.Schedule, ts, s), opt.Clip)
			last = pred
		}
		res[m] = &DDIMResult{Samples: last}
	}
	return res, nil
}

// SingleStep runs models[traj] on its own DDIM trajectory and, at every
// step, evaluates every model (traj included) on that trajectory's x_t: the
// observer sees len(models) observations per step, all with Traj = traj.
// It returns the trajectory's result.
func SingleStep(ctx context.Context, models []X0Predictor, traj, n, c, h, w int, opt DDIMOptions) (*DDIMResult, error) {
	ts, err := opt.check()
	if err != nil {
		return nil, err
	}
	if err := checkShape(n, c, h, w); err != nil {
		return nil, err
	}
	if traj < 0 || traj >= len(models) {
		return nil, fmt.Errorf("sample: trajectory model %d of %d models", traj, len(models))
	}
	x := InitialNoise(n, c, h, w, opt.Seed)
	var last *tensor.Tensor
	for s, t := range ts {
		ab := opt.Schedule.AlphaBar[t]
		var own *tensor.Tensor
		for m, model := range models {
			pred, err := predictAll(ctx, model, x, t, opt)
			if err != nil {
				return nil, fmt.Errorf("sample: model %d at t = %d: %w", m, t, err)
			}
			if m == traj {
				own = pred
			}
			if opt.Observer != nil {
				if err := opt.Observer(Observation{Model: m, Traj: traj, Step: s, T: t, AlphaBar: ab, Xt: x, X0: pred}); err != nil {
					return nil, err
				}
			}
		}
		x = ddimStep(x, own, ab, prevAlphaBar(opt.Schedule, ts, s), opt.Clip)
		last = own
	}
	return &DDIMResult{Samples: last}, nil
}

// prevAlphaBar is ᾱ of the step after ts[s], 1 after the last.
func prevAlphaBar(sched *schedule.Discrete, ts []int, s int) float64 {
	if s+1 < len(ts) {
		return sched.AlphaBar[ts[s+1]]
	}
	return 1
}

// predictAll calls the model on x in batches of opt.Batch and checks the
// shape and finiteness of what it returns.
func predictAll(ctx context.Context, model X0Predictor, x *tensor.Tensor, t int, opt DDIMOptions) (*tensor.Tensor, error) {
	n := x.Dim(0)
	d := x.Numel() / n
	out := tensor.New(x.Shape()...)
	sh := x.Shape()
	for lo := 0; lo < n; lo += opt.Batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+opt.Batch, n)
		in, err := tensor.FromSlice(x.Data()[lo*d:hi*d], hi-lo, sh[1], sh[2], sh[3])
		if err != nil {
			return nil, err
		}
		p, err := model.PredictX0(ctx, in, t, opt.Schedule.AlphaBar[t])
		if err != nil {
			return nil, err
		}
		if !slices.Equal(p.Shape(), in.Shape()) {
			return nil, fmt.Errorf("prediction of shape %v for x_t %v", p.Shape(), in.Shape())
		}
		pd := p.Contiguous().Data()
		for j, v := range pd {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("prediction %v of sample %d is not finite", v, lo+j/d)
			}
		}
		copy(out.Data()[lo*d:], pd)
	}
	return out, nil
}

// ddimStep is x' = √ᾱ'·clip(x̂0) + √(1−ᾱ')·(x_t − √ᾱ·x̂0)/√(1−ᾱ), in
// float64 per value.
func ddimStep(x, x0 *tensor.Tensor, ab, abPrev float64, clip bool) *tensor.Tensor {
	out := tensor.New(x.Shape()...)
	ra, rb := math.Sqrt(ab), math.Sqrt(1-ab)
	pa, pb := math.Sqrt(abPrev), math.Sqrt(1-abPrev)
	xd, pd, od := x.Data(), x0.Data(), out.Data()
	for i, xv := range xd {
		p := float64(pd[i])
		eps := (float64(xv) - ra*p) / rb
		if clip {
			p = max(-1, min(1, p))
		}
		od[i] = float32(pa*p + pb*eps)
	}
	return out
}
