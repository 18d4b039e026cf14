package dsp

import (
	"math"
	"sync"
)

// DCTScale is the orthonormal DCT-II factor of frequency p on n points:
// √(1/n) for p = 0, √(2/n) otherwise, so that the basis vectors
// DCTScale(p, n)·cos(π(2i+1)p / 2n), i = 0..n−1, are orthonormal.
func DCTScale(p, n int) float64 {
	if p == 0 {
		return math.Sqrt(1 / float64(n))
	}
	return math.Sqrt(2 / float64(n))
}

// DCT2Basis returns the k orthonormal 2-D DCT-II basis images of an n×n grid
// (row-major, n² values each) with the lowest frequencies, ordered by p+q
// then p (p the row frequency), skipping the constant image. Each value is
// computed in float64 and rounded once to float32. The dot product of an
// image with basis image (p, q) is its orthonormal 2-D DCT-II coefficient.
func DCT2Basis(n, k int) [][]float32 {
	var out [][]float32
	for s := 1; len(out) < k; s++ {
		for p := 0; p <= s && len(out) < k; p++ {
			q := s - p
			if p >= n || q >= n {
				continue
			}
			v := make([]float32, n*n)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					v[i*n+j] = float32(DCTScale(p, n) * DCTScale(q, n) * dctCos(p, i, n) * dctCos(q, j, n))
				}
			}
			out = append(out, v)
		}
	}
	return out
}

// dctCos is cos(π(2i+1)p / 2n), the DCT-II kernel of frequency p at sample
// i, evaluated in one place so that every basis built from it agrees bit
// for bit.
func dctCos(p, i, n int) float64 {
	return math.Cos(math.Pi * float64((2*i+1)*p) / float64(2*n))
}

// DCTMatrix returns the orthonormal n×n DCT-II matrix C, row-major, with
// C[p][i] = DCTScale(p, n)·cos(π(2i+1)p / 2n): row p is frequency p, so the
// 1-D transform of x is C·x and its inverse (the orthonormal DCT-III) Cᵀ·X.
// This is scipy's dct(type=2, norm="ortho"). The slice is the caller's.
func DCTMatrix(n int) []float64 {
	return append([]float64(nil), dctBasis(n).f64...)
}

// dctMatrices holds one size's DCT-II matrix in float64 and rounded once to
// float32, and (made on first use) the float32 transpose; all are shared and
// read-only.
type dctMatrices struct {
	f64           []float64
	f32           []float32
	transposeOnce sync.Once
	f32T          []float32
}

var dctCache sync.Map // n → *dctMatrices

// dctBasis returns the cached matrices of size n (n ≥ 1).
func dctBasis(n int) *dctMatrices {
	if v, ok := dctCache.Load(n); ok {
		return v.(*dctMatrices)
	}
	m := &dctMatrices{f64: make([]float64, n*n), f32: make([]float32, n*n)}
	for p := 0; p < n; p++ {
		for i := 0; i < n; i++ {
			v := DCTScale(p, n) * dctCos(p, i, n)
			m.f64[p*n+i] = v
			m.f32[p*n+i] = float32(v)
		}
	}
	v, _ := dctCache.LoadOrStore(n, m)
	return v.(*dctMatrices)
}
