package metrics

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/tensor/linalg"
)

// FeatureStats are the mean and covariance of a set of feature vectors, in
// float64: what the Fréchet distance compares. Computing them once for the
// real set lets many sample sets be compared with it.
type FeatureStats struct {
	D    int
	N    int
	Mean []float64
	Cov  []float64 // D×D row-major, unbiased (divided by N−1)
}

// NewFeatureStats computes the mean and covariance of x, rows of d values
// (at least 2 rows), by linalg.Covariance. Errors name the bad value.
func NewFeatureStats(x []float32, d int) (*FeatureStats, error) {
	n, err := points("fréchet distance: features", x, d)
	if err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, fmt.Errorf("fréchet distance: %d feature vectors; a covariance needs at least 2", n)
	}
	mean, cov, err := linalg.Covariance(x, n, d)
	if err != nil {
		return nil, fmt.Errorf("fréchet distance: %w", err)
	}
	return &FeatureStats{D: d, N: n, Mean: mean, Cov: cov}, nil
}

// FrechetDistance is the Fréchet distance between Gaussians fitted to two
// sets of feature vectors (rows of d values each): the quantity FID
// reports, here on whatever features the caller gives.
func FrechetDistance(a, b []float32, d int) (float64, error) {
	sa, err := NewFeatureStats(a, d)
	if err != nil {
		return 0, err
	}
	sb, err := NewFeatureStats(b, d)
	if err != nil {
		return 0, err
	}
	return FrechetStats(sa, sb)
}

// FrechetStats is the Fréchet distance between N(μ1, Σ1) and N(μ2, Σ2):
//
//	‖μ1 − μ2‖² + tr(Σ1 + Σ2 − 2 (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2})
//
// in float64. Σ1^{1/2} comes from linalg.EigSym (V diag(√λ) Vᵀ, negative
// rounding eigenvalues as 0), and the trace of the square root of the
// symmetric positive semi-definite Σ1^{1/2} Σ2 Σ1^{1/2} is the sum of the
// square roots of its eigenvalues (it has the eigenvalues of Σ1Σ2, whose
// square roots scipy.linalg.sqrtm takes in the usual FID code, without
// the complex parts rounding gives that code). A result below 0, which
// only rounding makes, is returned as 0.
func FrechetStats(s1, s2 *FeatureStats) (float64, error) {
	if s1.D != s2.D {
		return 0, fmt.Errorf("fréchet distance: features of dimension %d and %d", s1.D, s2.D)
	}
	d := s1.D
	root, err := sqrtPSD(s1.Cov, d)
	if err != nil {
		return 0, err
	}
	t := make([]float64, d*d)
	linalg.Dgemm(false, false, d, d, d, 1, root, d, s2.Cov, d, 0, t, d)
	m := make([]float64, d*d)
	linalg.Dgemm(false, false, d, d, d, 1, t, d, root, d, 0, m, d)
	lambda, err := linalg.EigSymValues(m, d)
	if err != nil {
		return 0, fmt.Errorf("fréchet distance: %w", err)
	}
	var fd float64
	for i := range d {
		dm := s1.Mean[i] - s2.Mean[i]
		fd += dm*dm + s1.Cov[i*d+i] + s2.Cov[i*d+i]
	}
	for _, l := range lambda {
		fd -= 2 * sqrt(l)
	}
	return max(0, fd), nil
}

// sqrtPSD is the symmetric square root V diag(√max(λ, 0)) Vᵀ of the
// symmetric positive semi-definite d×d matrix a.
func sqrtPSD(a []float64, d int) ([]float64, error) {
	lambda, v, err := linalg.EigSym(a, d)
	if err != nil {
		return nil, fmt.Errorf("fréchet distance: %w", err)
	}
	// Row k of v is eigenvector k: a = vᵀ diag(λ) v, so the root is
	// vᵀ·w with w = diag(√λ) v.
	w := make([]float64, d*d)
	for k, l := range lambda {
		s := sqrt(l)
		for j := range d {
			w[k*d+j] = s * v[k*d+j]
		}
	}
	root := make([]float64, d*d)
	linalg.Dgemm(true, false, d, d, d, 1, v, d, w, d, 0, root, d)
	return root, nil
}

// sqrt is √max(x, 0): covariance eigenvalues a rounding error below 0 are 0.
func sqrt(x float64) float64 { return math.Sqrt(max(0, x)) }
