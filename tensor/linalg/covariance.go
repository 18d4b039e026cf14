package linalg

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// covRows is how many images Covariance converts to float64 at a time: one
// Dgemm depth slab (laGemmKC), so each block's products are summed from +0
// and then added to C, and the float64 copy stays small (1.6 MB at d = 784)
// whatever N is.
const covRows = laGemmKC

// covCols is the width of the column blocks of C: block J gets rows
// [0, end of J) of BᵀB, so only the upper triangle and the diagonal blocks
// are computed (about (1 + covCols/d)/2 of the full product's flops).
const covCols = 128

// Covariance returns the mean μ and the unbiased covariance
// S = Σᵢ (xᵢ−μ)(xᵢ−μ)ᵀ/(n−1) of the n rows of x (n×d row-major float32),
// in float64: μ has d values, S is d×d row-major and exactly symmetric.
// The mean is summed first in float64 (rows in order); then blocks of
// covRows rows are centred into float64 and S += BᵀB by Dgemm on the upper
// triangle, so no float64 copy of all of x is made. Results do not depend on
// the worker count. Errors: n < 2, d < 1, len(x) ≠ n·d, NaN or Inf values.
func Covariance(x []float32, n, d int) (mean, cov []float64, err error) {
	if n < 2 {
		return nil, nil, fmt.Errorf("linalg: covariance needs at least 2 rows, got n=%d", n)
	}
	if d < 1 {
		return nil, nil, fmt.Errorf("linalg: covariance needs at least 1 column, got d=%d", d)
	}
	if n > math.MaxInt/d || len(x) != n*d {
		return nil, nil, fmt.Errorf("linalg: covariance of %dx%d rows but len(x)=%d", n, d, len(x))
	}
	mean = make([]float64, d)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for j, v := range row {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, nil, fmt.Errorf("linalg: covariance: value %v at row %d, column %d is not finite", v, i, j)
			}
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	cov = make([]float64, d*d)
	block := make([]float64, min(covRows, n)*d)
	for i0 := 0; i0 < n; i0 += covRows {
		k := min(covRows, n-i0)
		b := block[:k*d]
		parallel.For(k, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				src, dst := x[(i0+i)*d:(i0+i+1)*d], b[i*d:(i+1)*d]
				for j, v := range src {
					dst[j] = float64(v) - mean[j]
				}
			}
		})
		addUpperGram(cov, b, k, d)
	}
	inv := 1 / float64(n-1)
	for r := range d {
		for q := r; q < d; q++ {
			v := cov[r*d+q] * inv
			cov[r*d+q], cov[q*d+r] = v, v
		}
	}
	return mean, cov, nil
}

// addUpperGram adds BᵀB (B k×d row-major) to c on and above the diagonal
// blocks: column block [j0, j1) gets rows [0, j1). Entries below the
// diagonal inside a diagonal block are written too but are not meaningful
// to the caller (Covariance overwrites them from the upper triangle).
//
// The column blocks are independent products, so they are what runs in
// parallel, each product on one goroutine, widest (most rows) first: one
// synchronization per call instead of two inside each of the d/covCols
// products, which on a loaded machine (a worker descheduled at every
// hand-over) made two threads slower than one. Each entry of c is computed
// by the same kernel calls either way, so the bits do not change.
func addUpperGram(c, b []float64, k, d int) {
	blocks := ceilDiv(d, covCols)
	product := func(i int) {
		j0 := (blocks - 1 - i) * covCols
		j1 := min(d, j0+covCols)
		dgemmOn(1, true, false, j1, j1-j0, k, 1, b, d, b[j0:], d, 1, c[j0:], d)
	}
	if parallel.Workers() == 1 {
		for i := 0; i < blocks; i++ {
			product(i)
		}
		return
	}
	parallel.ForEach(blocks, product)
}
