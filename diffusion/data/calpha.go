package data

import (
	"fmt"
	"math"
	"sync"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/internal/rng"
	"github.com/harmonic-go/harmonic/tensor/dsp"
)

// C^α images (Kadkhodaie et al. 2024, App. E): two regular textures separated
// by a C^α contour. Everything follows the authors' construction in numpy
// conventions (dsp.FFT unnormalized, dsp.IFFT divided by n, real part kept):
//   - contour c ~ U[−1,1]^n, its FFT multiplied by |k|^−α with the DC gain
//     copied from its neighbour (gain 1, since |±1|^−α = 1), inverse FFT;
//     edge row in column j = round(C[j]·n) + n/2;
//   - two backgrounds: n×n Gaussian white noise filtered by (kx²+ky²)^(−α/2)
//     (DC gain again copied from a neighbour), one rescaled into [u, 1], the
//     other into [0, u′], u, u′ ~ U(0,1); a fair coin decides which of the two
//     lies below the contour;
//   - mask M = 1 below the contour (rows ≥ edge row), smoothed by a 2×2 box
//     filter; x = B1·M + B2·(1 − M).
//
// The rounding of the edge rows adds white noise to the contour: at 16 or
// 32 pixels it dominates the contour's |k|^−α spectrum for α ≥ 2, so the
// regularity a slope measures is not in the images. CAlphaAA (spec
// cmix:ALPHA:aa) draws the same images from the same random numbers but
// with an area-coverage mask: M is the exact fraction of each pixel below
// the unrounded contour, taken piecewise linear between the column centres
// (and periodic, as the contour is). No box filter is applied: the coverage
// is the anti-aliasing.

// CAlpha generates count n×n C^α images. Image i depends only on (seed, i), so
// sets of different sizes from one seed share their first images.
func CAlpha(n, count int, alpha float64, seed uint64) (*Set, error) {
	return cAlphaSet(n, count, alpha, seed, false)
}

// CAlphaAA is CAlpha with the area-coverage contour (see above): image i is
// image i of CAlpha with the same arguments except for the mask.
func CAlphaAA(n, count int, alpha float64, seed uint64) (*Set, error) {
	return cAlphaSet(n, count, alpha, seed, true)
}

func cAlphaSet(n, count int, alpha float64, seed uint64, aa bool) (*Set, error) {
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return nil, fmt.Errorf("data: cmix: α must be a positive number, got %v", alpha)
	}
	if n < 4 {
		return nil, fmt.Errorf("data: cmix: image size %d is too small (need at least 4)", n)
	}
	name := fmt.Sprintf("cmix:%g", alpha)
	if aa {
		name += ":aa"
	}
	s, err := newSet(name, count, n, n)
	if err != nil {
		return nil, err
	}
	parallel.ForEach(count, func(i int) {
		cAlphaImage(s.Image(i), n, alpha, aa, rng.Derive(seed, uint64(i)))
	})
	return s, nil
}

// cAlphaContour is the filtered contour C (before scaling to rows).
func cAlphaContour(n int, alpha float64, r *rng.Xoshiro256) []float64 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(r.Uniform(-1, 1), 0)
	}
	dsp.FFT(x, false)
	for k := range x {
		f := dsp.FreqIndex(k, n)
		if f == 0 {
			f = 1 // DC gain copied from its neighbour
		}
		x[k] *= complex(math.Pow(math.Abs(float64(f)), -alpha), 0)
	}
	dsp.IFFT(x)
	out := make([]float64, n)
	for i := range x {
		out[i] = real(x[i])
	}
	return out
}

// cAlphaBackgrounds returns two independent n×n white-noise fields filtered
// by (kx²+ky²)^(−α/2). Both are transformed at once as the real and
// imaginary parts of one complex field: the filter is real and even in k, so
// it maps real fields to real fields and the two parts never mix.
func cAlphaBackgrounds(n int, alpha float64, r *rng.Xoshiro256) (b1, b2 []float64) {
	x := make([]complex128, n*n)
	for i := range x {
		x[i] = complex(r.NormalCos(), 0)
	}
	for i := range x {
		x[i] += complex(0, r.NormalCos())
	}
	dsp.FFT2(x, n, n, false)
	for i, g := range backgroundFilter(n, alpha) {
		x[i] *= complex(g, 0)
	}
	dsp.FFT2(x, n, n, true)
	b1, b2 = make([]float64, n*n), make([]float64, n*n)
	inv := 1 / float64(n*n)
	for i := range x {
		b1[i], b2[i] = real(x[i])*inv, imag(x[i])*inv
	}
	return b1, b2
}

type filterKey struct {
	n     int
	alpha float64
}

var filterCache sync.Map // filterKey → []float64

// backgroundFilter is the n×n gain (kx²+ky²)^(−α/2), DC gain copied from its
// neighbour (0, 1); computed once per (n, α) since every image uses it twice.
func backgroundFilter(n int, alpha float64) []float64 {
	key := filterKey{n, alpha}
	if f, ok := filterCache.Load(key); ok {
		return f.([]float64)
	}
	f := make([]float64, n*n)
	for ky := 0; ky < n; ky++ {
		fy := float64(dsp.FreqIndex(ky, n))
		for kx := 0; kx < n; kx++ {
			fx := float64(dsp.FreqIndex(kx, n))
			k2 := fx*fx + fy*fy
			if k2 == 0 {
				k2 = 1
			}
			f[ky*n+kx] = math.Pow(k2, -alpha/2)
		}
	}
	filterCache.Store(key, f)
	return f
}

// rescale maps v affinely onto [lo, hi] (a constant field goes to lo).
func rescale(v []float64, lo, hi float64) {
	mn, mx := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		mn, mx = math.Min(mn, x), math.Max(mx, x)
	}
	span := mx - mn
	for i, x := range v {
		if span > 0 {
			v[i] = lo + (hi-lo)*(x-mn)/span
		} else {
			v[i] = lo
		}
	}
}

// cAlphaEdgeRows turns the contour into one edge row per column.
func cAlphaEdgeRows(c []float64) []int {
	n := len(c)
	rows := make([]int, n)
	for j, v := range c {
		rows[j] = int(math.Round(v*float64(n))) + n/2
	}
	return rows
}

func cAlphaImage(dst []float32, n int, alpha float64, aa bool, r *rng.Xoshiro256) {
	c := cAlphaContour(n, alpha, r)
	b1, b2 := cAlphaBackgrounds(n, alpha, r)
	u, u2 := r.Float64(), r.Float64()
	rescale(b1, u, 1)
	rescale(b2, 0, u2)
	if r.Float64() < 0.5 {
		b1, b2 = b2, b1
	}
	var mask []float64
	if aa {
		e := make([]float64, n)
		for j, v := range c {
			e[j] = v*float64(n) + float64(n/2)
		}
		mask = coverageMask(e, n)
	} else {
		mask = hardMask(cAlphaEdgeRows(c), n)
	}
	for i := range dst {
		dst[i] = float32(b1[i]*mask[i] + b2[i]*(1-mask[i]))
	}
}

// hardMask is the authors' mask: 1 at rows ≥ the column's edge row, smoothed
// by the 2×2 box filter.
func hardMask(edge []int, n int) []float64 {
	mask := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i >= edge[j] {
				mask[i*n+j] = 1
			}
		}
	}
	return box2x2(mask, n)
}

// coverageMask is the area of each pixel below the contour: pixel (i, j) is
// the cell [j, j+1] × [i, i+1] in (column, row) coordinates and the contour
// is the row e(x), piecewise linear through (j + ½, e[j]) and periodic in x.
// A cell's coverage ∫ clamp(i + 1 − e(x), 0, 1) dx over [j, j+1] is exact:
// on each linear half of the column it is a difference of the
// antiderivative of the clamp. Where the coverage is ½, the cell's centre
// row lies on the contour, so rounding the coverage gives the rounded
// rows i ≥ round(e[j]) of the authors' mask (up to ties) where e is flat.
func coverageMask(e []float64, n int) []float64 {
	mask := make([]float64, n*n)
	for j := 0; j < n; j++ {
		left := (e[(j+n-1)%n] + e[j]) / 2 // e at x = j (the column's left side)
		right := (e[j] + e[(j+1)%n]) / 2  // e at x = j + 1
		for i := 0; i < n; i++ {
			top := float64(i + 1)
			mask[i*n+j] = linearClampArea(top-left, top-e[j], 0.5) + linearClampArea(top-e[j], top-right, 0.5)
		}
	}
	return mask
}

// linearClampArea is ∫ clamp(t(u), 0, 1) over a length L where t runs
// linearly from t0 to t1.
func linearClampArea(t0, t1, length float64) float64 {
	if math.Abs(t1-t0) < 1e-12 {
		return length * math.Min(1, math.Max(0, (t0+t1)/2))
	}
	return length * (clampIntegral(t1) - clampIntegral(t0)) / (t1 - t0)
}

// clampIntegral is ∫₀^t clamp(s, 0, 1) ds (extended as 0 below 0).
func clampIntegral(t float64) float64 {
	switch {
	case t <= 0:
		return 0
	case t <= 1:
		return t * t / 2
	}
	return t - 0.5
}

// box2x2 averages each pixel with its right, lower and lower-right neighbours
// (clamped at the border): the authors' 2×2 box smoothing of the mask.
func box2x2(m []float64, n int) []float64 {
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		i1 := min(i+1, n-1)
		for j := 0; j < n; j++ {
			j1 := min(j+1, n-1)
			out[i*n+j] = (m[i*n+j] + m[i*n+j1] + m[i1*n+j] + m[i1*n+j1]) / 4
		}
	}
	return out
}
