package linalg

import (
	"math"
	"strings"
	"testing"
)

// laTestTridiagDense expands (alpha, beta) into a dense symmetric matrix.
func laTestTridiagDense(alpha, beta []float64) []float64 {
	n := len(alpha)
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		a[i*n+i] = alpha[i]
		if i+1 < n {
			a[i*n+i+1] = beta[i]
			a[(i+1)*n+i] = beta[i]
		}
	}
	return a
}

func TestTridiagToeplitzClosedForm(t *testing.T) {
	// T = tridiag(−1, 2, −1): λ_k = 2 − 2cos(kπ/(n+1)), and eigenvector k
	// has entries ∝ sin(jkπ/(n+1)), j = 1..n.
	n := 200
	alpha := make([]float64, n)
	beta := make([]float64, n-1)
	for i := range alpha {
		alpha[i] = 2
	}
	for i := range beta {
		beta[i] = -1
	}
	values, vecs, err := TridiagEig(alpha, beta, true)
	if err != nil {
		t.Fatal(err)
	}
	worstVal, worstVec := 0.0, 0.0
	for k := 1; k <= n; k++ {
		theta := float64(k) * math.Pi / float64(n+1)
		worstVal = math.Max(worstVal, math.Abs(values[k-1]-(2-2*math.Cos(theta))))
		// Compare |⟨v, u⟩| with 1 for the normalized closed-form vector u.
		norm := math.Sqrt(float64(n+1) / 2)
		dot := 0.0
		for j := 1; j <= n; j++ {
			dot += vecs[(k-1)*n+j-1] * math.Sin(float64(j)*theta) / norm
		}
		worstVec = math.Max(worstVec, math.Abs(1-math.Abs(dot)))
	}
	// Eigenvalues to a few ulps of ‖T‖ = 4; gaps ~1e-4 bound vector
	// accuracy at ~ε‖T‖/gap.
	if worstVal > 1e-14 || worstVec > 1e-11 {
		t.Errorf("values off by %.1e, vectors' |⟨v,u⟩| off by %.1e", worstVal, worstVec)
	}
	t.Logf("values off by %.1e, vectors by %.1e", worstVal, worstVec)
}

func TestTridiagMatchesEigSym(t *testing.T) {
	r := laTestRNG(13)
	for _, n := range []int{1, 2, 7, 60, 173} {
		alpha := make([]float64, n)
		beta := make([]float64, n-1)
		for i := range alpha {
			alpha[i] = r.NormFloat64()
		}
		for i := range beta {
			beta[i] = r.NormFloat64()
		}
		values, vecs, err := TridiagEig(alpha, beta, true)
		if err != nil {
			t.Fatal(err)
		}
		a := laTestTridiagDense(alpha, beta)
		ref, err := EigSymValues(a, n)
		if err != nil {
			t.Fatal(err)
		}
		if d := laTestMaxRelDiff(values, ref, 1); d > 1e-13 {
			t.Errorf("n=%d: values differ from EigSym by %.1e", n, d)
		}
		resid, orth := laTestCheckDecomposition(a, n, values, vecs)
		if resid > 1e-14 || orth > 1e-13 {
			t.Errorf("n=%d: resid %.1e orth %.1e", n, resid, orth)
		}
		only, _, err := TridiagEig(alpha, beta, false)
		if err != nil {
			t.Fatal(err)
		}
		// Values-only runs QL; with vectors, n > 64 runs divide and conquer.
		if d := laTestMaxRelDiff(only, values, laMaxAbs(values)); d > 1e-14 {
			t.Errorf("n=%d: values-only run differs by %.1e", n, d)
		}
	}
}

func TestTridiagWilkinsonAndGlued(t *testing.T) {
	// W21+: diagonal |10 − i|, off-diagonal 1. Its top eigenvalues come in
	// pairs agreeing to ~1e-14: a classic test of orthogonality.
	alpha := make([]float64, 21)
	for i := range alpha {
		alpha[i] = math.Abs(float64(10 - i))
	}
	beta := make([]float64, 20)
	for i := range beta {
		beta[i] = 1
	}
	values, vecs, err := TridiagEig(alpha, beta, true)
	if err != nil {
		t.Fatal(err)
	}
	a := laTestTridiagDense(alpha, beta)
	resid, orth := laTestCheckDecomposition(a, 21, values, vecs)
	if resid > 1e-15 || orth > 1e-14 {
		t.Errorf("W21+: resid %.1e orth %.1e", resid, orth)
	}
	// Largest eigenvalue of W21+: 10.7461941829033934 (Sturm bisection in
	// 50-digit decimal arithmetic).
	if d := math.Abs(values[20] - 10.7461941829033934); d > 1e-14 {
		t.Errorf("W21+ top eigenvalue %v", values[20])
	}
	// Five copies glued by 1e-10 couplings: clusters of 5 nearly equal
	// eigenvalues, where inverse-iteration codes lose orthogonality.
	var ga, gb []float64
	for c := 0; c < 5; c++ {
		if c > 0 {
			gb = append(gb, 1e-10)
		}
		ga = append(ga, alpha...)
		gb = append(gb, beta...)
	}
	values, vecs, err = TridiagEig(ga, gb, true)
	if err != nil {
		t.Fatal(err)
	}
	resid, orth = laTestCheckDecomposition(laTestTridiagDense(ga, gb), len(ga), values, vecs)
	if resid > 1e-14 || orth > 1e-13 {
		t.Errorf("glued W21+: resid %.1e orth %.1e", resid, orth)
	}
}

func TestTridiagGradedRelativeAccuracy(t *testing.T) {
	// Diagonal 1, 1e-4, 1e-8, ... with off-diagonals geometric means × 0.1:
	// a graded matrix whose tiny eigenvalues are determined to high relative
	// accuracy; LAPACK's relative split test keeps them, an absolute test
	// (|e| ≤ ε‖T‖) would return them with large relative error.
	n := 8
	alpha := make([]float64, n)
	beta := make([]float64, n-1)
	for i := range alpha {
		alpha[i] = math.Pow(1e-4, float64(i))
	}
	for i := range beta {
		beta[i] = 0.1 * math.Sqrt(alpha[i]*alpha[i+1])
	}
	values, _, err := TridiagEig(alpha, beta, false)
	if err != nil {
		t.Fatal(err)
	}
	// Reference: the smallest eigenvalue equals det(T)/det(T[0:n-1]) up to
	// O(1e-4) relative corrections from the neighbours, i.e. the last pivot
	// of LDLᵀ, computed stably for this diagonally dominant matrix.
	piv := alpha[0]
	for i := 1; i < n; i++ {
		piv = alpha[i] - beta[i-1]*beta[i-1]/piv
	}
	if rel := math.Abs(values[0]-piv) / piv; rel > 1e-3 {
		t.Errorf("smallest eigenvalue %v, last pivot %v (rel %.1e)", values[0], piv, rel)
	}
	if values[0] <= 0 {
		t.Errorf("positive definite matrix gave eigenvalue %v", values[0])
	}
}

func TestTridiagErrorsAndEdges(t *testing.T) {
	if v, w, err := TridiagEig(nil, nil, true); err != nil || len(v) != 0 || w != nil {
		t.Errorf("empty: %v %v %v", v, w, err)
	}
	if v, w, err := TridiagEig([]float64{4}, []float64{}, true); err != nil || v[0] != 4 || w[0] != 1 {
		t.Errorf("1×1: %v %v %v", v, w, err)
	}
	cases := []struct {
		alpha, beta []float64
		want        string
	}{
		{[]float64{1, 2}, []float64{1, 2}, "off-diagonal"},
		{[]float64{1, 2}, nil, "need 1"},
		{nil, []float64{1}, "need -1"},
		{[]float64{1, math.NaN()}, []float64{0}, "NaN"},
		{[]float64{1, 2}, []float64{math.Inf(1)}, "+Inf"},
	}
	for _, c := range cases {
		if _, _, err := TridiagEig(c.alpha, c.beta, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: err %v, want %q", c.alpha, c.beta, err, c.want)
		}
	}
	// Inputs are not modified.
	alpha, beta := []float64{3, 1, 2}, []float64{0.5, 0.25}
	if _, _, err := TridiagEig(alpha, beta, true); err != nil || alpha[0] != 3 || beta[1] != 0.25 {
		t.Errorf("inputs changed: %v %v %v", alpha, beta, err)
	}
}
