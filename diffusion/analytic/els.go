package analytic

import (
	"context"
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// ELS is Kamb & Ganguli's equivariant local score machine as a denoiser:
// for every output pixel q the k×k patch of x_t around q (all channels,
// circularly wrapped at the border, as KG's LocalEquivScoreModule pads the
// query) is compared with every valid k×k patch of every training image
// (the (H−k+1)(W−k+1) positions where the patch lies inside the image),
//
//	w_P = softmax_P(−‖x_t[patch(q)] − √ᾱ P‖² / (2(1−ᾱ))),
//	x̂0[q] = Σ_P w_P · centre(P)        (all channels of the centre pixel).
//
// The softmax is exact over all N·(H−k+1)(W−k+1) patches: a streamed
// log-sum-exp in float64 with a running maximum (KG's code averages per
// chunk means, which mis-weights unequal chunks). Distances are float32
// GEMMs of channel-mean-centred patches (‖x_t patch‖² is common to all
// candidates of q and cancels); at ᾱ = 1 the result is the centre of the
// nearest patch.
//
// The patch size is per call: Patch, or when Schedule is set, the
// schedule's size at the call's ᾱ.
type ELS struct {
	c, h, w  int
	n        int
	x        []float32 // N×C×H×W in [−1,1]
	mean     []float64 // per channel
	Patch    int
	Schedule *PatchSchedule
}

// NewELS builds the machine of training images x [N,C,H,W] in [−1,1] with
// a fixed odd patch size k ≤ min(H,W).
func NewELS(x *tensor.Tensor, k int) (*ELS, error) {
	if err := checkTrain(x); err != nil {
		return nil, err
	}
	x = x.Contiguous()
	e := &ELS{c: x.Dim(1), h: x.Dim(2), w: x.Dim(3), n: x.Dim(0), x: x.Data(), Patch: k}
	if err := e.checkPatch(k); err != nil {
		return nil, err
	}
	hw := e.h * e.w
	e.mean = make([]float64, e.c)
	for i := range e.n {
		for c := range e.c {
			for _, v := range e.x[(i*e.c+c)*hw : (i*e.c+c+1)*hw] {
				e.mean[c] += float64(v)
			}
		}
	}
	for c := range e.mean {
		e.mean[c] /= float64(e.n * hw)
	}
	return e, nil
}

func (e *ELS) checkPatch(k int) error {
	if k < 1 || k%2 == 0 {
		return fmt.Errorf("analytic: ELS patch size %d: want an odd size >= 1", k)
	}
	if k > e.h || k > e.w {
		return fmt.Errorf("analytic: ELS patch size %d is larger than the %dx%d images", k, e.h, e.w)
	}
	return nil
}

// Range is [−1,1].
func (e *ELS) Range() denoise.Range { return denoise.Signed }

// Denoise is PredictVP at ᾱ = 1/(1+σ²) on x_t = √ᾱ y.
func (e *ELS) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	return sigmaSpace{e}.Denoise(ctx, y, sigma)
}

// PatchAt is the patch size used at ᾱ: the schedule's when set, else Patch.
func (e *ELS) PatchAt(alphabar float64) int {
	if e.Schedule != nil {
		return e.Schedule.PatchAt(alphabar, min(e.h, e.w))
	}
	return e.Patch
}

// PredictVP returns x̂0 for x_t [B,C,H,W] at ᾱ with the patch size PatchAt(ᾱ).
func (e *ELS) PredictVP(ctx context.Context, xt *tensor.Tensor, alphabar float64) (*tensor.Tensor, error) {
	return e.PredictPatch(ctx, xt, alphabar, e.PatchAt(alphabar))
}

// elsChunk is how many candidate patches share one im2col block, and
// elsBlock the most G entries (queries × candidates) held at once.
const (
	elsChunk = 4096
	elsBlock = 4 << 20
)

// PredictPatch returns x̂0 for x_t [B,C,H,W] at ᾱ with patch size k.
func (e *ELS) PredictPatch(ctx context.Context, xt *tensor.Tensor, alphabar float64, k int) (*tensor.Tensor, error) {
	if err := checkInput(xt, e.c, e.h, e.w, alphabar); err != nil {
		return nil, err
	}
	if err := e.checkPatch(k); err != nil {
		return nil, err
	}
	xt = xt.Contiguous()
	C, H, W := e.c, e.h, e.w
	hw := H * W
	b := xt.Dim(0)
	r := k / 2
	dim := C * k * k
	ra := math.Sqrt(alphabar)
	hard := alphabar == 1
	inv2v := 0.0
	if !hard {
		inv2v = 1 / (2 * (1 - alphabar))
	}
	// Queries: one row per (image, pixel), circularly wrapped patches
	// centred on √ᾱ μ.
	nq := b * hw
	q := make([]float32, nq*dim)
	parallel.For(nq, func(lo, hi int) {
		for row := lo; row < hi; row++ {
			bi, p := row/hw, row%hw
			py, px := p/W, p%W
			dst := q[row*dim : (row+1)*dim]
			j := 0
			for c := range C {
				src := xt.Data()[(bi*C+c)*hw : (bi*C+c+1)*hw]
				m := ra * e.mean[c]
				for dy := -r; dy <= r; dy++ {
					yy := ((py+dy)%H + H) % H
					for dx := -r; dx <= r; dx++ {
						xx := ((px+dx)%W + W) % W
						dst[j] = float32(float64(src[yy*W+xx]) - m)
						j++
					}
				}
			}
		}
	})
	// Running softmax state per query.
	mx := make([]float64, nq)
	den := make([]float64, nq)
	num := make([]float64, nq*C)
	for i := range mx {
		mx[i] = math.Inf(-1)
	}
	ph, pw := H-k+1, W-k+1
	perImage := ph * pw
	imgs := max(1, elsChunk/perImage)
	cutoff := softmaxCutoff + math.Log(float64(e.n*perImage))
	cand := make([]float32, imgs*perImage*dim)
	cnorm := make([]float64, imgs*perImage)
	off := make([]float64, imgs*perImage) // ᾱ‖P‖²/(2(1−ᾱ)): logit = sc·⟨q,P⟩ − off
	sc := 2 * ra * inv2v
	centre := make([]float32, imgs*perImage*C)
	centreT := make([]float32, C*imgs*perImage) // channel-major: centre values of channel c contiguous
	qRows := max(1, min(nq, elsBlock/(imgs*perImage)))
	g := make([]float32, qRows*imgs*perImage)
	var distBuf []float64
	if !hard {
		distBuf = make([]float64, qRows*imgs*perImage)
	}
	for i0 := 0; i0 < e.n; i0 += imgs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ni := min(imgs, e.n-i0)
		nc := ni * perImage
		parallel.For(nc, func(lo, hi int) {
			for ci := lo; ci < hi; ci++ {
				img := i0 + ci/perImage
				p := ci % perImage
				oy, ox := p/pw, p%pw
				dst := cand[ci*dim : (ci+1)*dim]
				var s float64
				j := 0
				for c := range C {
					src := e.x[(img*C+c)*hw : (img*C+c+1)*hw]
					for dy := range k {
						for dx := range k {
							v := float32(float64(src[(oy+dy)*W+ox+dx]) - e.mean[c])
							dst[j] = v
							s += float64(v) * float64(v)
							j++
						}
					}
					centre[ci*C+c] = src[(oy+r)*W+ox+r]
				}
				cnorm[ci] = s
				off[ci] = alphabar * s * inv2v
			}
		})
		for ci := range nc {
			for c := range C {
				centreT[c*nc+ci] = centre[ci*C+c]
			}
		}
		for q0 := 0; q0 < nq; q0 += qRows {
			nb := min(qRows, nq-q0)
			tensor.Sgemm(false, true, nb, nc, dim, 1, q[q0*dim:(q0+nb)*dim], dim, cand[:nc*dim], dim, 0, g[:nb*nc], nc)
			parallel.For(nb, func(lo, hi int) {
				for rr := lo; rr < hi; rr++ {
					row := q0 + rr
					gr := g[rr*nc : (rr+1)*nc]
					acc := num[row*C : (row+1)*C]
					if hard {
						// Nearest patch: maximise 2⟨q,P⟩ − ‖P‖².
						for ci, v := range gr {
							if l := 2*float64(v) - cnorm[ci]; l > mx[row] {
								mx[row] = l
								den[row] = 1
								for c := range C {
									acc[c] = float64(centre[ci*C+c])
								}
							}
						}
						continue
					}
					// The block's logits as distances (logit = −dist), its
					// largest logit raising the running maximum (rescaling
					// the sums), then the vector exponential sums per channel.
					dist := distBuf[rr*nc : (rr+1)*nc]
					for ci, v := range gr {
						dist[ci] = off[ci] - sc*float64(v)
					}
					m := mx[row]
					if bm := -simd.MinFloat64(dist); bm > m {
						if !math.IsInf(m, -1) {
							f := simd.ExpNeg(m - bm)
							den[row] *= f
							for c := range acc {
								acc[c] *= f
							}
						}
						m = bm
					}
					for c := range C {
						ds, us := simd.ExpSums(dist, centreT[c*nc:(c+1)*nc], 1, m, cutoff)
						if c == 0 {
							den[row] += ds
						}
						acc[c] += us
					}
					mx[row] = m
				}
			})
		}
	}
	out := tensor.New(xt.Shape()...)
	for row := range nq {
		bi, p := row/hw, row%hw
		for c := range C {
			out.Data()[(bi*C+c)*hw+p] = float32(num[row*C+c] / den[row])
		}
	}
	return out, nil
}

var _ Predictor = (*ELS)(nil)
