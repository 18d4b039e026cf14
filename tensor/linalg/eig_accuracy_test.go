package linalg

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/simd"
)

// eigAccuracyFamilies are the matrix families of the eigensolver's accuracy
// contract, at n = 300: above the blocked reduction's and divide and
// conquer's thresholds, so every O(n³) path runs on Dgemm and Ddot.
func eigAccuracyFamilies(n int) map[string][]float64 {
	r := laTestRNG(31)
	fams := map[string][]float64{}
	// random: a Wigner matrix, (R+Rᵀ)/2 with R standard normal.
	w := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := r.NormFloat64()
			w[i*n+j], w[j*n+i] = v, v
		}
	}
	fams["random"] = w
	// clustered: five clusters of 60 eigenvalues 1e-10 apart within a cluster.
	lam := make([]float64, n)
	for i := range lam {
		lam[i] = float64(i%5) - 2 + float64(i/5)*1e-10
	}
	fams["clustered"] = laTestSpectral(laTestOrthogonal(n, r), lam, n)
	// graded: eigenvalues from 1 down to 1e-12 geometrically, signs mixed.
	for i := range lam {
		lam[i] = math.Pow(1e-12, float64(i)/float64(n-1))
		if i%2 == 1 {
			lam[i] = -lam[i]
		}
	}
	fams["graded"] = laTestSpectral(laTestOrthogonal(n, r), lam, n)
	// rank-deficient: the unbiased covariance of N = 40 < n centred
	// "images", rank 39, so 261 eigenvalues are zero up to rounding.
	const N = 40
	x := make([]float64, N*n)
	for i := range x {
		x[i] = r.Float64()
	}
	for j := 0; j < n; j++ {
		m := 0.0
		for i := 0; i < N; i++ {
			m += x[i*n+j]
		}
		m /= N
		for i := 0; i < N; i++ {
			x[i*n+j] -= m
		}
	}
	cov := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for k := 0; k < N; k++ {
				s += x[k*n+i] * x[k*n+j]
			}
			cov[i*n+j] = s / (N - 1)
		}
	}
	fams["rank-deficient"] = cov
	return fams
}

// TestEigSymAccuracyFamilies checks ‖AV − VΛ‖_F/‖A‖_F ≤ 1e-12·n and
// ‖VᵀV − I‖_F ≤ 1e-12·n on each family at every simd level, and that every
// level gives the same bits (Dgemm and Ddot round the same way at all).
func TestEigSymAccuracyFamilies(t *testing.T) {
	defer func(l simd.Level) { _ = simd.Use(string(l)) }(simd.Current())
	const n = 300
	tol := 1e-12 * n
	for name, a := range eigAccuracyFamilies(n) {
		var firstVals, firstVecs []float64
		for _, l := range simd.Available() {
			if err := simd.Use(string(l)); err != nil {
				t.Fatal(err)
			}
			values, vecs, err := EigSym(a, n)
			if err != nil {
				t.Fatalf("%s %s: %v", name, l, err)
			}
			if firstVals == nil {
				firstVals, firstVecs = values, vecs
				resid, orth := laTestCheckDecomposition(a, n, values, vecs)
				if resid > tol || orth > tol {
					t.Errorf("%s: resid %.1e orth %.1e, want both ≤ %.0e", name, resid, orth, tol)
				}
				t.Logf("%s: resid %.1e orth %.1e", name, resid, orth)
				continue
			}
			for i := range values {
				if math.Float64bits(values[i]) != math.Float64bits(firstVals[i]) {
					t.Fatalf("%s: value %d is %v at %s, %v at %s", name, i, values[i], l, firstVals[i], simd.Available()[0])
				}
			}
			for i := range vecs {
				if math.Float64bits(vecs[i]) != math.Float64bits(firstVecs[i]) {
					t.Fatalf("%s: vector entry %d differs between %s and %s", name, i, l, simd.Available()[0])
				}
			}
		}
	}
}
