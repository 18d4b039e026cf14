package analytic

import (
	"context"
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/tensor"
)

// Wiener is the mean-corrected Wiener filter of a training set's Stats:
// x̂0 = μ + U diag(λ/(λ+σ²)) Uᵀ (x_t/√ᾱ − μ) with σ² = (1−ᾱ)/ᾱ, or in
// σ-space x̂ = μ + P(y − μ). It is E[x0 | x_t] for x0 ~ N(μ, S), and the
// optimal linear denoiser of the data. Applied in the eigenbasis in
// float64, O(d²) per image.
type Wiener struct{ S *Stats }

// NewWiener returns the Wiener filter of s.
func NewWiener(s *Stats) *Wiener { return &Wiener{S: s} }

// Range is [−1,1].
func (w *Wiener) Range() denoise.Range { return denoise.Signed }

// PredictVP applies the filter at ᾱ to x_t [B,C,H,W].
func (w *Wiener) PredictVP(ctx context.Context, xt *tensor.Tensor, alphabar float64) (*tensor.Tensor, error) {
	s := w.S
	if err := checkInput(xt, s.C, s.H, s.W, alphabar); err != nil {
		return nil, err
	}
	return w.apply(ctx, xt, (1-alphabar)/alphabar, 1/math.Sqrt(alphabar))
}

// Denoise applies the σ-space filter x̂ = μ + P_σ(y − μ) to each image.
func (w *Wiener) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	if err := denoise.Check(y, sigma); err != nil {
		return nil, err
	}
	s := w.S
	if err := checkInput(y, s.C, s.H, s.W, 1); err != nil {
		return nil, err
	}
	y = y.Contiguous()
	d := s.Dim()
	out := tensor.New(y.Shape()...)
	for i := range y.Dim(0) {
		one, _ := tensor.FromSlice(y.Data()[i*d:(i+1)*d], 1, s.C, s.H, s.W)
		r, err := w.apply(ctx, one, sigma[i]*sigma[i], 1)
		if err != nil {
			return nil, err
		}
		copy(out.Data()[i*d:], r.Data())
	}
	return out, nil
}

// apply computes μ + U diag(g) Uᵀ (scale·x − μ) for every image of x.
func (w *Wiener) apply(ctx context.Context, x *tensor.Tensor, sigma2, scale float64) (*tensor.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := w.S
	d := s.Dim()
	g := s.Shrink(sigma2)
	x = x.Contiguous()
	b := x.Dim(0)
	out := tensor.New(x.Shape()...)
	parallel.ForEach(b, func(i int) {
		src := x.Data()[i*d : (i+1)*d]
		r := make([]float64, d)
		for q, v := range src {
			r[q] = scale*float64(v) - s.Mean[q]
		}
		acc := append([]float64(nil), s.Mean...)
		for k, gk := range g {
			if gk == 0 {
				continue
			}
			u := s.Vectors[k*d : (k+1)*d]
			var c float64
			for q, v := range u {
				c += v * r[q]
			}
			c *= gk
			for q, v := range u {
				acc[q] += c * v
			}
		}
		dst := out.Data()[i*d : (i+1)*d]
		for q, v := range acc {
			dst[q] = float32(v)
		}
	})
	return out, nil
}

// Linearize returns the filter's output at y [1,C,H,W] and its Jacobian
// P_σ (symmetric, constant in y), applied in the eigenbasis.
func (w *Wiener) Linearize(ctx context.Context, y *tensor.Tensor, sigma float64) (denoise.Linearization, error) {
	if y == nil || y.Rank() != 4 || y.Dim(0) != 1 {
		var sh []int
		if y != nil {
			sh = y.Shape()
		}
		return nil, fmt.Errorf("analytic: Wiener linearizes at one image [1,C,H,W], got %v", sh)
	}
	out, err := w.Denoise(ctx, y, []float64{sigma})
	if err != nil {
		return nil, err
	}
	return &wienerLinear{s: w.S, g: w.S.Shrink(sigma * sigma), out: out}, nil
}

type wienerLinear struct {
	s   *Stats
	g   []float64
	out *tensor.Tensor
}

func (l *wienerLinear) Output() *tensor.Tensor { return l.out }
func (l *wienerLinear) Dim() int               { return l.s.Dim() }

// JVP computes P·v for k vectors (P is symmetric, so VJP is the same).
func (l *wienerLinear) JVP(dst, src []float32, k int) error {
	d := l.s.Dim()
	if len(dst) != k*d || len(src) != k*d {
		return fmt.Errorf("analytic: Wiener JVP of %d vectors of %d values with len(dst)=%d len(src)=%d", k, d, len(dst), len(src))
	}
	parallel.ForEach(k, func(j int) {
		v := src[j*d : (j+1)*d]
		acc := make([]float64, d)
		for e, ge := range l.g {
			if ge == 0 {
				continue
			}
			u := l.s.Vectors[e*d : (e+1)*d]
			var c float64
			for q, x := range u {
				c += x * float64(v[q])
			}
			c *= ge
			for q, x := range u {
				acc[q] += c * x
			}
		}
		for q, x := range acc {
			dst[j*d+q] = float32(x)
		}
	})
	return nil
}

func (l *wienerLinear) VJP(dst, src []float32, k int) error { return l.JVP(dst, src, k) }

var (
	_ denoise.Differentiable = (*Wiener)(nil)
	_ Predictor              = (*Wiener)(nil)
)
