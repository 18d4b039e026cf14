package linalg

import (
	"math"
	"testing"
)

// laTestDCCheck runs tridiagDC on (alpha, beta) and checks it against the
// dense matrix: residual, orthogonality and QL's eigenvalues.
func laTestDCCheck(t *testing.T, name string, alpha, beta []float64, resTol, orthTol float64) {
	t.Helper()
	n := len(alpha)
	d := append([]float64(nil), alpha...)
	z, err := tridiagDC(d, beta)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	ref, _, err := TridiagEig(alpha, beta, false)
	if err != nil {
		t.Fatal(err)
	}
	scale := math.Max(laMaxAbs(alpha), laMaxAbs(beta))
	if scale == 0 {
		scale = 1
	}
	if dv := laTestMaxRelDiff(d, ref, scale); dv > 1e-14 {
		t.Errorf("%s: eigenvalues differ from QL by %.1e (relative to ‖T‖)", name, dv)
	}
	rows := append([]float64(nil), z...)
	eigTransposeSquare(rows, n)
	resid, orth := laTestCheckDecomposition(laTestTridiagDense(alpha, beta), n, d, rows)
	if resid > resTol || orth > orthTol {
		t.Errorf("%s: ‖TZ−ZΛ‖/‖T‖ = %.1e, ‖ZᵀZ−I‖ = %.1e", name, resid, orth)
	}
	t.Logf("%s: n=%d resid %.1e orth %.1e", name, n, resid, orth)
}

func TestTridiagDCRandom(t *testing.T) {
	r := laTestRNG(31)
	for _, n := range []int{33, 64, 100, 257, 500} {
		alpha := make([]float64, n)
		beta := make([]float64, n-1)
		for i := range alpha {
			alpha[i] = r.NormFloat64()
		}
		for i := range beta {
			beta[i] = r.NormFloat64()
		}
		laTestDCCheck(t, "gaussian", alpha, beta, 1e-14, 1e-12)
	}
}

func TestTridiagDCHardCases(t *testing.T) {
	// Toeplitz (2, −1): no deflation, eigenvalues crowd at both ends.
	n := 300
	alpha := make([]float64, n)
	beta := make([]float64, n-1)
	for i := range alpha {
		alpha[i] = 2
	}
	for i := range beta {
		beta[i] = -1
	}
	laTestDCCheck(t, "toeplitz", alpha, beta, 1e-14, 1e-12)

	// Glued Wilkinson W21+: pairs equal to ~1e-14 and glue 1e-10, heavy
	// deflation by both z-components and close poles.
	var ga, gb []float64
	for c := 0; c < 12; c++ {
		if c > 0 {
			gb = append(gb, 1e-10)
		}
		for i := 0; i < 21; i++ {
			ga = append(ga, math.Abs(float64(10-i)))
		}
		for i := 0; i < 20; i++ {
			gb = append(gb, 1)
		}
	}
	laTestDCCheck(t, "glued-wilkinson", ga, gb, 1e-14, 1e-12)

	// Zero off-diagonals in places (exact splits, ρ = 0 merges) and
	// repeated diagonal values.
	n = 150
	alpha = make([]float64, n)
	beta = make([]float64, n-1)
	for i := range alpha {
		alpha[i] = float64(i % 4)
	}
	for i := range beta {
		if i%7 != 0 {
			beta[i] = 0.5
		}
	}
	laTestDCCheck(t, "splits", alpha, beta, 1e-14, 1e-12)

	// Diagonal matrix and the zero matrix.
	laTestDCCheck(t, "diagonal", alpha, make([]float64, n-1), 1e-15, 1e-15)
	laTestDCCheck(t, "zero", make([]float64, 70), make([]float64, 69), 0, 1e-15)

	// Graded entries spanning 1e-6..1.
	alpha = make([]float64, 200)
	beta = make([]float64, 199)
	for i := range alpha {
		alpha[i] = math.Pow(10, -6*float64(i)/199)
	}
	for i := range beta {
		beta[i] = 0.3 * alpha[i]
	}
	laTestDCCheck(t, "graded", alpha, beta, 1e-14, 1e-12)
}
