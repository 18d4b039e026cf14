package analytic

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Default locality thresholds τ (Lukoianov et al.; released configs):
// MNIST-like data 0.005, 32×32 colour images 0.05, faces 0.02.
const (
	TauMNIST  = 0.005
	TauColour = 0.05
	TauFaces  = 0.02
)

// Locality is the analytic model of Lukoianov et al. (Eq. 8): each output
// pixel m is a softmax-weighted mean of pixel m of the training images,
// with weights from distances restricted to the pixels the Wiener filter
// couples to m:
//
//	P = U diag(λ/(λ+σ²)) Uᵀ, R[n,m] = |P[n,m]/P[n,n]|, M = R ≥ τ·max R,
//	D_i[m] = Σ_n M[n,m] (x_t[n] − √ᾱ x0_i[n])²,
//	x̂0[m] = Σ_i softmax_i(−D_i[m]/(2(1−ᾱ))) x0_i[m].
//
// As in the released code, the threshold is relative to the global maximum
// of R, output pixel m uses column m of M, and a diagonal |P[n,n]| < 1e-6
// (a pixel without variance) is replaced by 1. Unlike it, the softmax is
// exact over all N images for every pixel (a streamed log-sum-exp in
// float64); the released code averages per-chunk softmaxes, which weights
// every chunk equally whatever its distances.
//
// Each column of M is applied as a list of its ones or, when it has more
// ones than zeros, as the full distance minus the distance over a list of
// its zeros, so the cost is B·N·Σ_m min(|M_m|, d−|M_m|) multiply-adds
// (simd.MaskedDistances: the distance expanded in float64, eight queries
// at a time). Memory: the training pixels in float32 and float64 and, per
// ᾱ, each column's Σx² per image in float64, 20·d·N bytes in all (0.94 GB
// for 60 000 MNIST images).
type Locality struct {
	s       *Stats
	t       *trainSet
	xT      []float32 // d×stride: pixel n of every training image, contiguous, zero-padded
	xT64    []float64 // xT in float64, what simd.MaskedDistances reads
	stride  int       // N rounded up to a multiple of simd.MaskedTile
	allRows simd.RowList
	xlAll   []float64 // Σ_n x_i[n]² per training image i
	Tau     float64

	mu       sync.Mutex
	maskA    float64
	maskCols []maskColumn
	maskXl   []float64 // d×stride: Σ over column m's listed rows of x_i[n]²
}

// maskColumn is column m of M: the rows n listed, or (complement) all rows
// but those listed.
type maskColumn struct {
	rows       simd.RowList
	complement bool
}

// NewLocality builds the model of training images x [N,C,H,W] in [−1,1]
// with their statistics s and threshold tau ≥ 0.
func NewLocality(x *tensor.Tensor, s *Stats, tau float64) (*Locality, error) {
	if !(tau >= 0) || math.IsInf(tau, 0) {
		return nil, fmt.Errorf("analytic: locality threshold tau %v must be a finite number >= 0", tau)
	}
	t, err := newTrainSet(x)
	if err != nil {
		return nil, err
	}
	if s == nil || s.C != t.c || s.H != t.h || s.W != t.w {
		return nil, fmt.Errorf("analytic: statistics do not match the training images [N,%d,%d,%d]", t.c, t.h, t.w)
	}
	stride := (t.n + simd.MaskedTile - 1) / simd.MaskedTile * simd.MaskedTile
	xT := make([]float32, t.d*stride)
	xT64 := make([]float64, t.d*stride)
	for i := range t.n {
		for j, v := range t.x[i*t.d : (i+1)*t.d] {
			xT[j*stride+i] = v
			xT64[j*stride+i] = float64(v)
		}
	}
	all := make([]int32, t.d)
	for j := range all {
		all[j] = int32(j)
	}
	allRows := simd.NewRowList(all)
	xlAll := make([]float64, stride)
	simd.SquaresOverRows(xlAll, xT64, stride, allRows)
	return &Locality{s: s, t: t, xT: xT, xT64: xT64, stride: stride, allRows: allRows, xlAll: xlAll, Tau: tau, maskA: -1}, nil
}

// Range is [−1,1].
func (l *Locality) Range() denoise.Range { return denoise.Signed }

// Denoise is PredictVP at ᾱ = 1/(1+σ²) on x_t = √ᾱ y.
func (l *Locality) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	return sigmaSpace{l}.Denoise(ctx, y, sigma)
}

// Mask returns M at ᾱ as a d×d 0/1 matrix (row-major, M[n*d+m]).
func (l *Locality) Mask(alphabar float64) ([]float32, error) {
	if err := checkAlphabar(alphabar); err != nil {
		return nil, err
	}
	d := l.t.d
	out := make([]float32, d*d)
	cols, _ := l.columns(alphabar)
	for m, col := range cols {
		if col.complement {
			for n := range d {
				out[n*d+m] = 1
			}
		}
		for _, n := range col.rows.Rows() {
			out[int(n)*d+m] = 1 - out[int(n)*d+m]
		}
	}
	return out, nil
}

// ThresholdMargins returns, for each output pixel m, how close column m
// of R comes to the threshold: min_n |R[n,m] − τ·G| / (τ·G), G = max R. A
// column within float64 rounding of the threshold (margin ≲ 1e-6) has a
// mask entry that rounding decides, in any implementation.
func (l *Locality) ThresholdMargins(alphabar float64) ([]float64, error) {
	if err := checkAlphabar(alphabar); err != nil {
		return nil, err
	}
	r, thr := l.normalized(alphabar)
	d := l.t.d
	out := make([]float64, d)
	for m := range d {
		out[m] = math.Inf(1)
		for n := range d {
			out[m] = math.Min(out[m], math.Abs(r[n*d+m]-thr)/thr)
		}
	}
	return out, nil
}

// normalized returns R[n,m] = |P[n,m]/P[n,n]| (a diagonal below 1e-6
// replaced by 1, as the released code does) and the threshold τ·max R.
func (l *Locality) normalized(alphabar float64) (r []float64, thr float64) {
	d := l.t.d
	p := l.s.Filter((1 - alphabar) / alphabar)
	var gmax float64
	for n := range d {
		dn := p[n*d+n]
		if math.Abs(dn) < 1e-6 {
			dn = 1
		}
		inv := 1 / dn
		for m := range d {
			p[n*d+m] = math.Abs(p[n*d+m] * inv)
			gmax = math.Max(gmax, p[n*d+m])
		}
	}
	return p, l.Tau * gmax
}

// columns returns the mask's columns at ᾱ and, per column, the training
// images' Σ x² over its listed rows (row m at xl[m·stride:]), kept for the
// last ᾱ asked (a sampler asks for one ᾱ per step, for all its batches).
func (l *Locality) columns(alphabar float64) (cols []maskColumn, xl []float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.maskA == alphabar {
		return l.maskCols, l.maskXl
	}
	d := l.t.d
	r, thr := l.normalized(alphabar)
	cols = make([]maskColumn, d)
	xl = make([]float64, d*l.stride)
	parallel.For(d, func(lo, hi int) {
		for m := lo; m < hi; m++ {
			var ones, zeros []int32
			for n := range d {
				if r[n*d+m] >= thr {
					ones = append(ones, int32(n))
				} else {
					zeros = append(zeros, int32(n))
				}
			}
			if len(ones) <= len(zeros) {
				cols[m] = maskColumn{rows: simd.NewRowList(ones)}
			} else {
				cols[m] = maskColumn{rows: simd.NewRowList(zeros), complement: true}
			}
			simd.SquaresOverRows(xl[m*l.stride:(m+1)*l.stride], l.xT64, l.stride, cols[m].rows)
		}
	})
	l.maskA, l.maskCols, l.maskXl = alphabar, cols, xl
	return cols, xl
}

// localityBlockBytes bounds the window of training pixels one block reads
// (d rows of block float64): every mask column reads its rows of the whole
// window, for every group of queries, so the window is kept within a
// core's L2 (1 MB on the machines measured) with room for the rest.
const localityBlockBytes = 512 << 10

// localityBlock is how many training images one block holds for images of
// d values: a multiple of simd.MaskedTile between 16 and 512.
func localityBlock(d int) int {
	return min(max(localityBlockBytes/(8*d), simd.MaskedTile), 512) / simd.MaskedTile * simd.MaskedTile
}

// PredictVP returns x̂0 for x_t [B,C,H,W] at ᾱ.
func (l *Locality) PredictVP(ctx context.Context, xt *tensor.Tensor, alphabar float64) (*tensor.Tensor, error) {
	t := l.t
	if err := checkInput(xt, t.c, t.h, t.w, alphabar); err != nil {
		return nil, err
	}
	xt = xt.Contiguous()
	cols, xl := l.columns(alphabar)
	d, n, stride := t.d, t.n, l.stride
	ra := math.Sqrt(alphabar)
	hard := alphabar == 1 // σ = 0: the softmax becomes an argmin (ties averaged)
	inv2v := 1 / (2 * (1 - alphabar))
	nimg := xt.Dim(0)
	groups := localityGroups(xt.Data(), d, cols)
	out := tensor.New(xt.Shape()...)
	block := localityBlock(d)
	cut := softmaxCutoff + math.Log(float64(n))
	// Streamed softmax state per image and output pixel (index b·d+m):
	// running max logit (or, for hard, the running min distance),
	// Σ e^(ℓ−max), Σ e^(ℓ−max)·x_i[m].
	mx := make([]float64, nimg*d)
	sum := make([]float64, nimg*d)
	num := make([]float64, nimg*d)
	for i := range mx {
		mx[i] = math.Inf(-1)
	}
	full := make([]float64, simd.MaskedQueries*block)
	// Blocks of training images outside, groups of queries inside: a
	// block's pixels (d×block) stay in cache for every group instead of
	// being streamed from memory once per group.
	for i0 := 0; i0 < n; i0 += block {
		// The last block is rounded up to whole tiles: xT's rows are
		// zero-padded to a multiple of the tile, and the padding's
		// distances are not used.
		nb := min(block, n-i0)
		w := (nb + simd.MaskedTile - 1) / simd.MaskedTile * simd.MaskedTile
		x := l.xT64[i0:]
		for _, g := range groups {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			// Every pixel's distance: a complement column is it minus
			// the distance over the rows the column leaves out.
			fw := full[:simd.MaskedQueries*w]
			simd.MaskedDistances(fw, nil, g.yAll[:], l.xlAll[i0:], g.yT, x, stride, l.allRows, alphabar, ra)
			parallel.For(d, func(lo, hi int) {
				dist := make([]float64, simd.MaskedQueries*w)
				for m := lo; m < hi; m++ {
					col := cols[m]
					var fp []float64
					if col.complement {
						fp = fw
					}
					simd.MaskedDistances(dist, fp, g.yl[m*simd.MaskedQueries:], xl[m*stride+i0:], g.yT, x, stride, col.rows, alphabar, ra)
					xm := l.xT[m*stride+i0 : m*stride+i0+nb]
					for q := range g.n {
						k := (g.first+q)*d + m
						if hard {
							hardUpdate(dist[q*w:q*w+nb], xm, &mx[k], &sum[k], &num[k])
						} else {
							softUpdate(dist[q*w:q*w+nb], xm, inv2v, cut, &mx[k], &sum[k], &num[k])
						}
					}
				}
			})
		}
	}
	for i := range num {
		out.Data()[i] = float32(num[i] / sum[i])
	}
	return out, nil
}

// queryGroup is up to simd.MaskedQueries query images laid out for
// simd.MaskedDistances: yT[8n+q] is pixel n of image first+q (zero for
// q ≥ n), yl[8m+q] its Σ y² over the rows mask column m lists, yAll its
// Σ y² over every pixel.
type queryGroup struct {
	first, n int
	yT       []float64
	yl       []float64
	yAll     [simd.MaskedQueries]float64
}

// localityGroups splits the queries y (images of d pixels) into groups.
func localityGroups(y []float32, d int, cols []maskColumn) []queryGroup {
	const q8 = simd.MaskedQueries
	nimg := len(y) / d
	var gs []queryGroup
	for first := 0; first < nimg; first += q8 {
		g := queryGroup{first: first, n: min(q8, nimg-first), yT: make([]float64, q8*d), yl: make([]float64, q8*d)}
		for q := range g.n {
			for j, v := range y[(first+q)*d : (first+q+1)*d] {
				g.yT[q8*j+q] = float64(v)
				g.yAll[q] += float64(v) * float64(v)
			}
		}
		for m, col := range cols {
			for _, r := range col.rows.Rows() {
				for q, v := range g.yT[q8*int(r) : q8*int(r)+q8] {
					g.yl[q8*m+q] += v * v
				}
			}
		}
		gs = append(gs, g)
	}
	return gs
}

// softUpdate folds one block of distances D (logits −D·inv2v) and pixel
// values x into a streamed softmax: the running sums are rescaled when the
// block raises the maximum, so the result is the exact global softmax.
// Weights below e^−cut of the running maximum are dropped (their total is
// below float64 resolution of the sum), which skips most exponentials.
func softUpdate(dist []float64, x []float32, inv2v, cut float64, mx, sum, num *float64) {
	// The largest logit is that of the smallest distance.
	bm := -simd.MinFloat64(dist) * inv2v
	if bm > *mx {
		if *sum != 0 {
			f := simd.ExpNeg(*mx - bm)
			*sum *= f
			*num *= f
		}
		*mx = bm
	}
	s, u := simd.ExpSums(dist, x, inv2v, *mx, cut)
	*sum += s
	*num += u
}

// hardUpdate is softUpdate's σ → 0 limit: the mean of x over the images
// at the smallest distance (mx holds −min D).
func hardUpdate(dist []float64, x []float32, mx, sum, num *float64) {
	for k, v := range dist {
		l := -v
		switch {
		case l > *mx:
			*mx, *sum, *num = l, 1, float64(x[k])
		case l == *mx:
			*sum++
			*num += float64(x[k])
		}
	}
}

var _ Predictor = (*Locality)(nil)
