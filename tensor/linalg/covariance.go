package linalg

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// covRows is how many images Covariance packs at a time: one Dgemm depth
// slab (laGemmKC), so each slab's products are summed from +0 and then
// added to C, as Dgemm rounds, and the float64 packs stay small (1.6 MB at
// d = 784, twice that where A is packed too) whatever N is.
const covRows = laGemmKC

// covMeanRows is the fixed row chunk of the mean's partial sums: the
// chunks are summed in parallel and added in order, so the mean does not
// depend on the worker count.
const covMeanRows = 1024

// Covariance returns the mean μ and the unbiased covariance
// S = Σᵢ (xᵢ−μ)(xᵢ−μ)ᵀ/(n−1) of the n rows of x (n×d row-major float32),
// in float64: μ has d values, S is d×d row-major and exactly symmetric.
// The mean is summed first in float64; then each slab of covRows rows is
// centred into float64 while it is packed for the micro-kernel, and
// S += BᵀB is computed on the upper triangle only (covariance_gram.go), so no float64
// copy of x is made. Results do not depend on the worker count. Errors:
// n < 2, d < 1, len(x) ≠ n·d, NaN or Inf values.
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
	mean = columnMeans(x, n, d)
	if err := checkFinite(x, d, mean); err != nil {
		return nil, nil, err
	}
	cov = make([]float64, d*d)
	g := newGram(d, min(covRows, n), mean)
	for i0 := 0; i0 < n; i0 += covRows {
		g.addSlab(cov, x[i0*d:min(n, i0+covRows)*d])
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

// columnMeans sums the rows of x in float64, in chunks of covMeanRows rows
// that are added in order.
func columnMeans(x []float32, n, d int) []float64 {
	chunks := ceilDiv(n, covMeanRows)
	partial := make([]float64, chunks*d)
	parallel.ForEach(chunks, func(c int) {
		s := partial[c*d : (c+1)*d]
		for i := c * covMeanRows; i < min(n, (c+1)*covMeanRows); i++ {
			simd.AddWidened(s, x[i*d:(i+1)*d])
		}
	})
	mean := partial[:d:d]
	for c := 1; c < chunks; c++ {
		for j, v := range partial[c*d : (c+1)*d] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	return mean
}

// checkFinite reports the first NaN or Inf of x in row-major order. A
// column's float64 sum of float32 values cannot overflow, so it is finite
// exactly when the column is: x is scanned only when a mean is not.
func checkFinite(x []float32, d int, mean []float64) error {
	ok := true
	for _, m := range mean {
		ok = ok && !math.IsNaN(m) && !math.IsInf(m, 0)
	}
	if ok {
		return nil
	}
	for i, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("linalg: covariance: value %v at row %d, column %d is not finite", v, i/d, i%d)
		}
	}
	return nil
}
