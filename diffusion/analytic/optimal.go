package analytic

import (
	"context"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Optimal is the optimal (empirical-Bayes) denoiser of a training set, the
// posterior mean under the empirical distribution:
// x̂0 = Σ_i w_i x0_i, w = softmax_i(−‖x_t − √ᾱ x0_i‖² / (2(1−ᾱ))),
// exact over all N images (the released code renormalizes over a top-200
// neighbour list, which is wrong at high noise).
//
// The distances are one float32 GEMM of the queries with the centred
// training images (‖x_t‖² is common to all i and cancels in the softmax);
// the log-sum-exp runs in float64 logits relative to each row's exact
// maximum. Weights below e^−cutoff of the largest are set to 0 rather than
// left to underflow into denormals: their total is below N·e^−cutoff of
// the sum, under float32 resolution. When only a few images carry weight
// (low noise), their logits and the weighted mean are recomputed exactly
// in float64, so the float32 GEMM only selects candidates: its error bound
// widens the selection.
type Optimal struct{ t *trainSet }

// NewOptimal builds the denoiser of training images x [N,C,H,W] in [−1,1].
func NewOptimal(x *tensor.Tensor) (*Optimal, error) {
	t, err := newTrainSet(x)
	if err != nil {
		return nil, err
	}
	return &Optimal{t: t}, nil
}

// Range is [−1,1].
func (o *Optimal) Range() denoise.Range { return denoise.Signed }

// Denoise is PredictVP at ᾱ = 1/(1+σ²) on x_t = √ᾱ y.
func (o *Optimal) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	return sigmaSpace{o}.Denoise(ctx, y, sigma)
}

// softmaxCutoff is how far below the largest logit a weight is dropped
// (plus ln N, so that the dropped total stays below e^−40 of the sum).
const softmaxCutoff = 40

// refineMax is the largest candidate count recomputed in float64 (d flops
// each); above it the float32 weights are used directly.
const refineMax = 256

// PredictVP returns x̂0 for x_t [B,C,H,W] at ᾱ.
func (o *Optimal) PredictVP(ctx context.Context, xt *tensor.Tensor, alphabar float64) (*tensor.Tensor, error) {
	t := o.t
	if err := checkInput(xt, t.c, t.h, t.w, alphabar); err != nil {
		return nil, err
	}
	if alphabar == 1 {
		// No noise: the posterior is a point mass on the nearest image.
		return nearestImages(ctx, t, xt, 1)
	}
	xt = xt.Contiguous()
	b, d, n := xt.Dim(0), t.d, t.n
	ra := math.Sqrt(alphabar)
	inv2v := 1 / (2 * (1 - alphabar))
	cut := softmaxCutoff + math.Log(float64(n))
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
			src := xt.Data()[(r0+r)*d : (r0+r+1)*d]
			var s float64
			for j, v := range src {
				c := float32(float64(v) - ra*t.mean[j])
				q[r*d+j] = c
				s += float64(c) * float64(c)
			}
			qNorm[r] = math.Sqrt(s)
		}
		t.gram(q[:nb*d], nb, g[:nb*n])
		// Per row: exact max of the float64 logits, then weights.
		dense := make([]bool, nb)
		sums := make([]float64, nb)
		parallel.ForEach(nb, func(r int) {
			gr := g[r*n : (r+1)*n]
			mx := math.Inf(-1)
			for i, v := range gr {
				mx = math.Max(mx, (2*ra*float64(v)-alphabar*t.norm2[i])*inv2v)
			}
			margin := 2 * 2 * ra * t.innerBound(qNorm[r]) * inv2v
			var cand []int
			for i, v := range gr {
				if (2*ra*float64(v)-alphabar*t.norm2[i])*inv2v-mx > -(cut + margin) {
					cand = append(cand, i)
					if len(cand) > refineMax {
						break
					}
				}
			}
			dst := out.Data()[(r0+r)*d : (r0+r+1)*d]
			if len(cand) <= refineMax {
				src := xt.Data()[(r0+r)*d : (r0+r+1)*d]
				exactSoftmaxMean(t, src, ra, inv2v, cand, dst)
				return
			}
			dense[r] = true
			var sum float64
			for i, v := range gr {
				l := (2*ra*float64(v)-alphabar*t.norm2[i])*inv2v - mx
				if l < -cut {
					gr[i] = 0
					continue
				}
				e := math.Exp(l)
				gr[i] = float32(e)
				sum += e
			}
			sums[r] = sum
		})
		var denseRows []int
		for r, ok := range dense {
			if ok {
				denseRows = append(denseRows, r)
			}
		}
		if len(denseRows) == 0 {
			continue
		}
		// Pack the dense rows' weights and push them through one GEMM with
		// the centred images: x̂0 = μ + Σ w_i (x_i − μ) / Σ w_i.
		w := g
		if len(denseRows) < nb {
			w = make([]float32, len(denseRows)*n)
			for k, r := range denseRows {
				copy(w[k*n:(k+1)*n], g[r*n:(r+1)*n])
			}
		}
		num := make([]float32, len(denseRows)*d)
		weightedSum(t, w[:len(denseRows)*n], len(denseRows), num)
		for k, r := range denseRows {
			dst := out.Data()[(r0+r)*d : (r0+r+1)*d]
			inv := 1 / sums[r]
			for j := range d {
				dst[j] = float32(t.mean[j] + float64(num[k*d+j])*inv)
			}
		}
	}
	return out, nil
}

// weightedSum computes num[r] = Σ_i w[r,i] xc_i for nb rows: one GEMM when
// the weights are dense, else float32 axpys over the non-zero weights,
// training images in the outer loop (in chunks that stay in cache) so each
// image is read once for all the rows that weight it.
func weightedSum(t *trainSet, w []float32, nb int, num []float32) {
	n, d := t.n, t.d
	nz := 0
	for _, v := range w {
		if v != 0 {
			nz++
		}
	}
	if nz*4 > nb*n {
		tensor.Sgemm(false, false, nb, d, n, 1, w, n, t.xc, d, 0, num, d)
		return
	}
	clear(num[:nb*d])
	const chunk = 64
	parallel.For(nb, func(lo, hi int) {
		for i0 := 0; i0 < n; i0 += chunk {
			i1 := min(i0+chunk, n)
			for r := lo; r < hi; r++ {
				dst := num[r*d : (r+1)*d]
				for i, v := range w[r*n+i0 : r*n+i1] {
					if v != 0 {
						simd.Axpy(v, t.xc[(i0+i)*d:(i0+i+1)*d], dst)
					}
				}
			}
		}
	})
}

// exactSoftmaxMean writes Σ_i w_i x_i over the candidates cand, the
// weights recomputed in float64 from the exact distances ‖x_t − √ᾱ x_i‖².
func exactSoftmaxMean(t *trainSet, xt []float32, ra, inv2v float64, cand []int, dst []float32) {
	d := t.d
	y := make([]float64, d)
	for j, v := range xt {
		y[j] = float64(v)
	}
	l := make([]float64, len(cand))
	mx := math.Inf(-1)
	for k, i := range cand {
		l[k] = -t.dist64(y, ra, i) * inv2v
		mx = math.Max(mx, l[k])
	}
	acc := make([]float64, d)
	var sum float64
	for k, i := range cand {
		e := math.Exp(l[k] - mx)
		if e == 0 {
			continue
		}
		sum += e
		for j, v := range t.x[i*d : (i+1)*d] {
			acc[j] += e * float64(v)
		}
	}
	for j, v := range acc {
		dst[j] = float32(v / sum)
	}
}

var _ Predictor = (*Optimal)(nil)
