package heat

import (
	"fmt"
	"math"
	"sync"

	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/dsp"
)

// Blur returns the heat-equation blur u(t) of every channel of x [B,C,H,W]
// (see the package comment). t = 0 returns a copy of x.
//
// The response exp(−π²(p²/H² + q²/W²)t) is the product of one factor per
// axis, so the whole map is separable: u = A_H·x·A_W with the symmetric
// A_n(t) = C_nᵀ·diag(exp(−π²p²t/n²))·C_n (C_n the orthonormal DCT-II
// matrix). Each A_n is formed once in float64 and rounded once to float32,
// which halves the work of transforming, scaling and transforming back (two
// GEMM passes instead of four) and rounds less.
//
// Errors: t negative or not finite, x not [B,C,H,W], an image side below 2
// (no boundary to dissipate towards), and a NaN or infinite pixel (the
// error names its index).
func Blur(x *tensor.Tensor, t float64) (*tensor.Tensor, error) {
	if !(t >= 0) || math.IsInf(t, 0) {
		return nil, fmt.Errorf("heat: diffusion time t = %v must be finite and ≥ 0", t)
	}
	if x.Rank() != 4 {
		return nil, fmt.Errorf("heat: input %v is not a [B,C,H,W] batch of images", x.Shape())
	}
	h, w := x.Dim(2), x.Dim(3)
	if h < 2 || w < 2 {
		return nil, fmt.Errorf("heat: input %v has %dx%d images; both sides must be at least 2", x.Shape(), h, w)
	}
	x = x.Contiguous()
	if err := checkFinite(x); err != nil {
		return nil, err
	}
	if t == 0 {
		return x.Clone(), nil
	}
	return dsp.Separable(x, axisOperator(h, t), axisOperator(w, t))
}

// checkFinite reports the first NaN or infinite element of the contiguous x.
// A NaN or an infinity makes the (vectorized) sum NaN or infinite, so a
// finite sum clears x in one fast pass; only a non-finite one (which finite
// values of about 1e38 can also give) is searched element by element.
func checkFinite(x *tensor.Tensor) error {
	d := x.Data()
	if s := simd.Sum(d); s-s == 0 {
		return nil
	}
	for i, v := range d {
		if v-v != 0 { // NaN − NaN and ±Inf − ±Inf are NaN
			shape := x.Shape()
			idx := make([]int, len(shape))
			for a, r := len(shape)-1, i; a >= 0; a-- {
				idx[a], r = r%shape[a], r/shape[a]
			}
			return fmt.Errorf("heat: input %v has %v at index %v; pixels must be finite", shape, v, idx)
		}
	}
	return nil
}

// axisKey names a cached operator: the side and the bits of t.
type axisKey struct {
	n int
	t uint64
}

var axisCache sync.Map // axisKey → []float32, n×n

// axisCacheMax bounds the cached operators (a schedule has K+1 ≤ a few
// hundred levels per side); past it, operators are built and not kept.
const axisCacheMax = 4096

var axisCached struct {
	sync.Mutex
	n int
}

// axisOperator returns A_n(t) = Cᵀ·diag(exp(−π²p²t/n²))·C in float32
// (computed in float64), shared and read-only.
func axisOperator(n int, t float64) []float32 {
	key := axisKey{n, math.Float64bits(t)}
	if v, ok := axisCache.Load(key); ok {
		return v.([]float32)
	}
	a := AxisOperator64(n, t)
	op := make([]float32, len(a))
	for i, v := range a {
		op[i] = float32(v)
	}
	axisCached.Lock()
	defer axisCached.Unlock()
	if axisCached.n >= axisCacheMax {
		return op
	}
	v, loaded := axisCache.LoadOrStore(key, op)
	if !loaded {
		axisCached.n++
	}
	return v.([]float32)
}

// AxisOperator64 returns the n×n matrix (row-major, symmetric) that blurs
// one axis of n samples for time t: Cᵀ·diag(exp(−π²p²t/n²))·C with C the
// orthonormal DCT-II matrix (dsp.DCTMatrix). Blur applies it to both axes.
func AxisOperator64(n int, t float64) []float64 {
	c := dsp.DCTMatrix(n)
	decay := make([]float64, n)
	for p := range decay {
		f := math.Pi * float64(p) / float64(n)
		decay[p] = math.Exp(-f * f * t)
	}
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < n; p++ {
				s += c[p*n+i] * decay[p] * c[p*n+j]
			}
			a[i*n+j] = s
		}
	}
	return a
}
