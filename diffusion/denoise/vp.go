package denoise

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/tensor"
)

// Conditioned is an ε-predicting time-conditioned network (studies B and
// C): for a batch of VP images x_t = √ᾱ_t·x + √(1−ᾱ_t)·ε [B,C,H,W] and one
// schedule step t per image it predicts ε. Each output image must depend on
// its own input image and step only.
type Conditioned interface {
	PredictNoise(ctx context.Context, x *tensor.Tensor, t []int) (*tensor.Tensor, error)
}

// DifferentiableConditioned is a Conditioned network that can be
// linearized in x at a fixed step: Output is ε̂(x, t), the Linear
// ∂ε̂/∂x, for one image x [1,C,H,W].
type DifferentiableConditioned interface {
	Conditioned
	LinearizeNoise(ctx context.Context, x *tensor.Tensor, t int) (Linearization, error)
}

// VPNet uses an ε-prediction network in σ-space. For y = x + σz:
//
//	x_t = y/√(1+σ²)   (the VP image of ᾱ = 1/(1+σ²): √ᾱ·x + √(1−ᾱ)·z),
//	t   = the schedule step whose σ_t = √((1−ᾱ_t)/ᾱ_t) is NEAREST to σ
//	      (schedule.Discrete.Nearest; ties to the smaller t),
//	x̂   = (x_t − √(1−ᾱ)·ε̂(x_t, t))/√ᾱ = y − σ·ε̂(x_t, t).
//
// ᾱ in the last line is 1/(1+σ²), the one that made x_t, so x̂ inverts the
// VP scaling exactly; the schedule only picks the step the network is told.
// At σ = σ_t (a sampler on the schedule's own grid) the two coincide. σ = 0
// gives x̂ = y. The pixel range is Signed unless R is changed.
type VPNet struct {
	Net      Conditioned
	Schedule *schedule.Discrete
	R        Range
}

// VP wraps an ε-prediction network trained on sched as a Denoiser of
// images in [−1,1].
func VP(net Conditioned, sched *schedule.Discrete) *VPNet {
	return &VPNet{Net: net, Schedule: sched, R: Signed}
}

// Range is R (Signed from VP).
func (v *VPNet) Range() Range { return v.R }

// Step is the schedule step the network is conditioned on at noise level
// sigma, and x_t = Scale·y the VP image given to it.
func (v *VPNet) Step(sigma float64) (t int, scale float64) {
	return v.Schedule.Nearest(sigma), schedule.VPScale(sigma)
}

// Denoise returns y − σ·ε̂(y/√(1+σ²), t(σ)) per image.
func (v *VPNet) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := Check(y, sigma); err != nil {
		return nil, err
	}
	if v.Schedule == nil || v.Schedule.T() == 0 {
		return nil, fmt.Errorf("denoise: VP denoiser without a schedule")
	}
	y = y.Contiguous()
	b := y.Dim(0)
	d := y.Numel() / max(b, 1)
	xt := tensor.New(y.Shape()...)
	ts := make([]int, b)
	yd, xd := y.Data(), xt.Data()
	for i := range b {
		t, c := v.Step(sigma[i])
		ts[i] = t
		for j := i * d; j < (i+1)*d; j++ {
			xd[j] = float32(c * float64(yd[j]))
		}
	}
	eps, err := v.Net.PredictNoise(ctx, xt, ts)
	if err != nil {
		return nil, err
	}
	if err := checkSame("noise prediction", eps, y); err != nil {
		return nil, err
	}
	out := tensor.New(y.Shape()...)
	od, ed := out.Data(), eps.Contiguous().Data()
	for i := range b {
		for j := i * d; j < (i+1)*d; j++ {
			od[j] = float32(float64(yd[j]) - sigma[i]*float64(ed[j]))
		}
	}
	return out, nil
}

// Linearize gives x̂ at one image and its Jacobian I − σ·c·∂ε̂/∂x (c =
// 1/√(1+σ²), the derivative of x_t in y). It needs a network that is a
// DifferentiableConditioned.
func (v *VPNet) Linearize(ctx context.Context, y *tensor.Tensor, sigma float64) (Linearization, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkOne(y, sigma); err != nil {
		return nil, err
	}
	dn, ok := v.Net.(DifferentiableConditioned)
	if !ok {
		return nil, fmt.Errorf("denoise: the conditioned network %T provides no Jacobian (no LinearizeNoise)", v.Net)
	}
	if v.Schedule == nil || v.Schedule.T() == 0 {
		return nil, fmt.Errorf("denoise: VP denoiser without a schedule")
	}
	t, c := v.Step(sigma)
	y = y.Contiguous()
	xt := tensor.New(y.Shape()...)
	for j, val := range y.Data() {
		xt.Data()[j] = float32(c * float64(val))
	}
	lin, err := dn.LinearizeNoise(ctx, xt, t)
	if err != nil {
		return nil, err
	}
	if err := checkSame("noise linearization", lin.Output(), y); err != nil {
		return nil, err
	}
	if lin.Dim() != y.Numel() {
		return nil, fmt.Errorf("denoise: noise linearization on %d values for an image of %d", lin.Dim(), y.Numel())
	}
	out := tensor.New(y.Shape()...)
	for j, e := range lin.Output().Contiguous().Data() {
		out.Data()[j] = float32(float64(y.Data()[j]) - sigma*float64(e))
	}
	return &vpLinearization{eps: lin, out: out, gain: sigma * c}, nil
}

// vpLinearization is J = I − gain·J_ε.
type vpLinearization struct {
	eps  Linearization
	out  *tensor.Tensor
	gain float64
}

func (l *vpLinearization) Output() *tensor.Tensor { return l.out }
func (l *vpLinearization) Dim() int               { return l.eps.Dim() }

func (l *vpLinearization) JVP(dst, src []float32, k int) error {
	return l.apply(dst, src, k, l.eps.JVP)
}

func (l *vpLinearization) VJP(dst, src []float32, k int) error {
	return l.apply(dst, src, k, l.eps.VJP)
}

func (l *vpLinearization) apply(dst, src []float32, k int, f func(dst, src []float32, k int) error) error {
	if err := checkBlock(l.Dim(), dst, src, k); err != nil {
		return err
	}
	if err := f(dst, src, k); err != nil {
		return err
	}
	for i, s := range src {
		dst[i] = float32(float64(s) - l.gain*float64(dst[i]))
	}
	return nil
}
