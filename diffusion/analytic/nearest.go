package analytic

import (
	"context"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/tensor"
)

// Nearest returns the training image nearest to x_t/√ᾱ (the released
// code compares x_t itself, unscaled, with the clean images; we compare
// like with like). It is the optimal denoiser's limit at ᾱ → 1.
type Nearest struct{ t *trainSet }

// NewNearest builds the baseline of training images x [N,C,H,W] in [−1,1].
func NewNearest(x *tensor.Tensor) (*Nearest, error) {
	t, err := newTrainSet(x)
	if err != nil {
		return nil, err
	}
	return &Nearest{t: t}, nil
}

// Range is [−1,1].
func (m *Nearest) Range() denoise.Range { return denoise.Signed }

// Denoise returns the training image nearest to y (x_t/√ᾱ = y).
func (m *Nearest) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	return sigmaSpace{m}.Denoise(ctx, y, sigma)
}

// PredictVP returns, for each image of x_t, the training image nearest to
// x_t/√ᾱ.
func (m *Nearest) PredictVP(ctx context.Context, xt *tensor.Tensor, alphabar float64) (*tensor.Tensor, error) {
	t := m.t
	if err := checkInput(xt, t.c, t.h, t.w, alphabar); err != nil {
		return nil, err
	}
	return nearestImages(ctx, t, xt.Contiguous(), 1/math.Sqrt(alphabar))
}

// nearestImages returns argmin_i ‖scale·x_t − x_i‖² per image (first index
// on ties): float32 GEMM scores select the candidates within their error
// bound of the best, float64 distances decide.
func nearestImages(ctx context.Context, t *trainSet, xt *tensor.Tensor, scale float64) (*tensor.Tensor, error) {
	xt = xt.Contiguous()
	b, d, n := xt.Dim(0), t.d, t.n
	out := tensor.New(xt.Shape()...)
	rows := t.blockRows(b)
	q := make([]float32, rows*d)
	g := make([]float32, rows*n)
	for r0 := 0; r0 < b; r0 += rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		nb := min(rows, b-r0)
		qNorm := make([]float64, nb)
		for r := range nb {
			var s float64
			for j, v := range xt.Data()[(r0+r)*d : (r0+r+1)*d] {
				c := float32(scale*float64(v) - t.mean[j])
				q[r*d+j] = c
				s += float64(c) * float64(c)
			}
			qNorm[r] = math.Sqrt(s)
		}
		t.gram(q[:nb*d], nb, g[:nb*n])
		parallel.ForEach(nb, func(r int) {
			// ‖q − xc_i‖² = ‖q‖² − 2 q·xc_i + ‖xc_i‖²: minimize −2G + ‖xc‖².
			gr := g[r*n : (r+1)*n]
			best := math.Inf(1)
			for i, v := range gr {
				best = math.Min(best, t.norm2[i]-2*float64(v))
			}
			margin := 2 * 2 * t.innerBound(qNorm[r])
			y := make([]float64, d)
			for j, v := range xt.Data()[(r0+r)*d : (r0+r+1)*d] {
				y[j] = scale * float64(v)
			}
			arg, bd := -1, math.Inf(1)
			for i, v := range gr {
				if t.norm2[i]-2*float64(v) > best+margin {
					continue
				}
				if dd := t.dist64(y, 1, i); dd < bd {
					arg, bd = i, dd
				}
			}
			copy(out.Data()[(r0+r)*d:(r0+r+1)*d], t.x[arg*d:(arg+1)*d])
		})
	}
	return out, nil
}

var _ Predictor = (*Nearest)(nil)
