package analytic

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

// SCFDM is Scarvelis et al.'s smoothed optimal denoiser ("closed-form
// diffusion models") as the Analytic Diffusion Studio's scfdm model computes
// it: the optimal denoiser averaged over Gaussian perturbations of the
// input in VP space,
//
//	x̂0(x_t) = (1/J) Σ_j Optimal(x_t + s·ε_j),   ε_j ~ N(0, I),
//
// so the effective smoothing of x_t/√ᾱ is s/√ᾱ. The released configs use
// J = 10 and s = 0.1 (MNIST: 1.0). Unlike the released model, which
// renormalizes over 200 FAISS neighbours, the optimal denoiser here is the
// exact softmax over all N images. The perturbations are drawn from a PCG
// stream seeded by Seed, the same for every call, so results repeat.
type SCFDM struct {
	opt      *Optimal
	NumNoise int
	Std      float64
	Seed     uint64
}

// Released scfdm constants (configs/scfdm/*.yaml).
const (
	SCFDMNumNoise = 10
	SCFDMStd      = 0.1
	SCFDMStdMNIST = 1.0
)

// NewSCFDM builds the smoothed denoiser of training images x [N,C,H,W] in
// [−1,1] with J = numNoise ≥ 1 perturbations of standard deviation std ≥ 0.
func NewSCFDM(x *tensor.Tensor, numNoise int, std float64, seed uint64) (*SCFDM, error) {
	if numNoise < 1 {
		return nil, fmt.Errorf("analytic: scfdm with %d noise draws: want >= 1", numNoise)
	}
	if !(std >= 0) || math.IsInf(std, 0) {
		return nil, fmt.Errorf("analytic: scfdm smoothing std %v: want a finite number >= 0", std)
	}
	o, err := NewOptimal(x)
	if err != nil {
		return nil, err
	}
	return &SCFDM{opt: o, NumNoise: numNoise, Std: std, Seed: seed}, nil
}

// Range is [−1,1].
func (s *SCFDM) Range() denoise.Range { return denoise.Signed }

// Denoise is PredictVP at ᾱ = 1/(1+σ²) on x_t = √ᾱ y.
func (s *SCFDM) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	return sigmaSpace{s}.Denoise(ctx, y, sigma)
}

// scfdmNoise fills e with the j-th perturbation of the stream of seed.
func scfdmNoise(seed uint64, j int, e []float32) {
	rng := rand.New(rand.NewPCG(seed, uint64(j)))
	for i := range e {
		e[i] = float32(rng.NormFloat64())
	}
}

// PredictVP returns x̂0 for x_t [B,C,H,W] at ᾱ: the optimal denoiser's
// prediction at all J perturbed copies (one batch), averaged.
func (s *SCFDM) PredictVP(ctx context.Context, xt *tensor.Tensor, alphabar float64) (*tensor.Tensor, error) {
	t := s.opt.t
	if err := checkInput(xt, t.c, t.h, t.w, alphabar); err != nil {
		return nil, err
	}
	xt = xt.Contiguous()
	m := xt.Numel()
	pert := tensor.New(append([]int{s.NumNoise * xt.Dim(0)}, xt.Shape()[1:]...)...)
	for j := range s.NumNoise {
		dst := pert.Data()[j*m : (j+1)*m]
		scfdmNoise(s.Seed, j, dst)
		for i, v := range xt.Data() {
			dst[i] = v + float32(s.Std)*dst[i]
		}
	}
	x0, err := s.opt.PredictVP(ctx, pert, alphabar)
	if err != nil {
		return nil, err
	}
	out := tensor.New(xt.Shape()...)
	acc := make([]float64, m)
	for j := range s.NumNoise {
		for i, v := range x0.Data()[j*m : (j+1)*m] {
			acc[i] += float64(v)
		}
	}
	for i, v := range acc {
		out.Data()[i] = float32(v / float64(s.NumNoise))
	}
	return out, nil
}

var _ Predictor = (*SCFDM)(nil)
