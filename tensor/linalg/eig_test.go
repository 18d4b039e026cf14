package linalg

import (
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

func TestEigSymKnownSpectrum(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 10, 37, 64, 150} {
		r := laTestRNG(uint64(n))
		q := laTestOrthogonal(n, r)
		lambda := make([]float64, n)
		for i := range lambda {
			lambda[i] = 2*r.Float64() - 1
		}
		a := laTestSpectral(q, lambda, n)
		values, vecs, err := EigSym(a, n)
		if err != nil {
			t.Fatal(err)
		}
		if d := laTestMaxRelDiff(values, laTestSorted(lambda), 1); d > 1e-13 {
			t.Errorf("n=%d: eigenvalues off by %.2e", n, d)
		}
		resid, orth := laTestCheckDecomposition(a, n, values, vecs)
		if resid > 1e-13 || orth > 1e-13 {
			t.Errorf("n=%d: ‖AV−VΛ‖/‖A‖ = %.2e, ‖VᵀV−I‖ = %.2e", n, resid, orth)
		}
		t.Logf("n=%d: resid %.1e orth %.1e", n, resid, orth)
	}
}

func TestEigSymRepeatedEigenvalues(t *testing.T) {
	n := 60
	r := laTestRNG(11)
	q := laTestOrthogonal(n, r)
	lambda := make([]float64, n)
	for i := range lambda {
		lambda[i] = []float64{-3, 0, 1, 1, 2}[i%5] // multiplicities 12 and 24
	}
	a := laTestSpectral(q, lambda, n)
	values, vecs, err := EigSym(a, n)
	if err != nil {
		t.Fatal(err)
	}
	if d := laTestMaxRelDiff(values, laTestSorted(lambda), 3); d > 1e-14 {
		t.Errorf("eigenvalues off by %.2e", d)
	}
	resid, orth := laTestCheckDecomposition(a, n, values, vecs)
	if resid > 1e-13 || orth > 1e-13 {
		t.Errorf("‖AV−VΛ‖/‖A‖ = %.2e, ‖VᵀV−I‖ = %.2e", resid, orth)
	}
}

func TestEigSymDiagonal(t *testing.T) {
	diag := []float64{3, -1, 0, 7, -1, 2.5}
	n := len(diag)
	a := make([]float64, n*n)
	for i, v := range diag {
		a[i*n+i] = v
	}
	values, vecs, err := EigSym(a, n)
	if err != nil {
		t.Fatal(err)
	}
	want := laTestSorted(diag)
	for k := range want {
		if values[k] != want[k] {
			t.Errorf("values[%d] = %v, want %v exactly", k, values[k], want[k])
		}
		// Each eigenvector is a unit vector e_i with diag[i] = values[k].
		row := vecs[k*n : (k+1)*n]
		hits := 0
		for i, v := range row {
			if v == 1 && diag[i] == values[k] {
				hits++
			} else if v != 0 {
				t.Errorf("vector %d has entry %v at %d", k, v, i)
			}
		}
		if hits != 1 {
			t.Errorf("vector %d is not a unit vector for %v: %v", k, values[k], row)
		}
	}
}

func TestEigSymTwoByTwoClosedForm(t *testing.T) {
	for _, c := range [][3]float64{{2, 1, 3}, {1, 0, 1}, {0, 1e-8, 0}, {-5, 2, 4}, {1e150, 3e149, -2e150}} {
		p, q, s := c[0], c[1], c[2]
		a := []float64{p, q, q, s}
		values, vecs, err := EigSym(a, 2)
		if err != nil {
			t.Fatal(err)
		}
		mid, rad := (p+s)/2, math.Hypot((p-s)/2, q)
		want := []float64{mid - rad, mid + rad}
		scale := math.Max(math.Abs(p), math.Max(math.Abs(q), math.Abs(s)))
		if d := laTestMaxRelDiff(values, want, scale); d > 4e-16 {
			t.Errorf("%v: values %v, want %v (rel %.1e)", c, values, want, d)
		}
		resid, orth := laTestCheckDecomposition(a, 2, values, vecs)
		if resid > 1e-15 || orth > 1e-15 {
			t.Errorf("%v: resid %.1e orth %.1e", c, resid, orth)
		}
	}
}

func TestEigSymOneByOneAndEmpty(t *testing.T) {
	values, vecs, err := EigSym([]float64{-2.5}, 1)
	if err != nil || len(values) != 1 || values[0] != -2.5 || vecs[0] != 1 {
		t.Errorf("1×1: %v %v %v", values, vecs, err)
	}
	values, vecs, err = EigSym(nil, 0)
	if err != nil || len(values) != 0 || len(vecs) != 0 {
		t.Errorf("0×0: %v %v %v", values, vecs, err)
	}
}

func TestEigSymScaleInvariance(t *testing.T) {
	// Extreme units must not overflow or underflow: the solver scales by a
	// power of two, so the results scale exactly.
	n := 20
	r := laTestRNG(5)
	q := laTestOrthogonal(n, r)
	lambda := make([]float64, n)
	for i := range lambda {
		lambda[i] = r.NormFloat64()
	}
	a := laTestSpectral(q, lambda, n)
	base, bvecs, err := EigSym(a, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []float64{0x1p-1000, 0x1p1000} {
		as := make([]float64, len(a))
		for i, v := range a {
			as[i] = v * s
		}
		values, vecs, err := EigSym(as, n)
		if err != nil {
			t.Fatal(err)
		}
		for k := range values {
			if values[k] != base[k]*s {
				t.Fatalf("scale %g: values[%d] = %v, want %v", s, k, values[k], base[k]*s)
			}
		}
		for i := range vecs {
			if vecs[i] != bvecs[i] {
				t.Fatalf("scale %g: vectors differ at %d", s, i)
			}
		}
	}
	zero := make([]float64, 9)
	values, vecs, err := EigSym(zero, 3)
	if err != nil {
		t.Fatal(err)
	}
	if resid, orth := laTestCheckDecomposition(zero, 3, values, vecs); values[0] != 0 || values[2] != 0 || orth != 0 || resid != 0 {
		t.Errorf("zero matrix: %v %v", values, vecs)
	}
}

func TestEigSymUsesSymmetricPart(t *testing.T) {
	n := 30
	r := laTestRNG(9)
	a := make([]float64, n*n)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	sym := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			sym[i*n+j] = (a[i*n+j] + a[j*n+i]) / 2
		}
	}
	values, vecs, err := EigSym(a, n)
	if err != nil {
		t.Fatal(err)
	}
	resid, orth := laTestCheckDecomposition(sym, n, values, vecs)
	if resid > 1e-13 || orth > 1e-13 {
		t.Errorf("vs (A+Aᵀ)/2: resid %.1e orth %.1e", resid, orth)
	}
}

func TestEigSymValuesMatchesFull(t *testing.T) {
	n := 80
	r := laTestRNG(3)
	a := laTestSpectral(laTestOrthogonal(n, r), func() []float64 {
		l := make([]float64, n)
		for i := range l {
			l[i] = 1 / float64(i+1)
		}
		return l
	}(), n)
	full, _, err := EigSym(a, n)
	if err != nil {
		t.Fatal(err)
	}
	vals, err := EigSymValues(a, n)
	if err != nil {
		t.Fatal(err)
	}
	if d := laTestMaxRelDiff(vals, full, 1); d > 1e-14 {
		t.Errorf("values-only differs from full by %.1e", d)
	}
}

func TestEigSymThreadIndependence(t *testing.T) {
	// n = 300 is above every fan-out threshold, so the parallel paths run.
	n := 300
	r := laTestRNG(21)
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := r.NormFloat64()
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	old := parallel.Workers()
	defer parallel.SetWorkers(old)
	parallel.SetWorkers(1)
	v1, w1, err := EigSym(a, n)
	if err != nil {
		t.Fatal(err)
	}
	parallel.SetWorkers(3)
	v3, w3, err := EigSym(a, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range v1 {
		if v1[i] != v3[i] {
			t.Fatalf("value %d differs between 1 and 3 threads", i)
		}
	}
	for i := range w1 {
		if w1[i] != w3[i] {
			t.Fatalf("vector entry %d differs between 1 and 3 threads", i)
		}
	}
	resid, orth := laTestCheckDecomposition(a, n, v1, w1)
	if resid > 1e-13 || orth > 1e-12 {
		t.Errorf("n=300 Wigner: resid %.1e orth %.1e", resid, orth)
	}
	t.Logf("n=300 Wigner: resid %.1e orth %.1e", resid, orth)
}

func TestEigSymErrors(t *testing.T) {
	cases := []struct {
		a    []float64
		n    int
		want string
	}{
		{make([]float64, 5), 2, "5 values"},
		{make([]float64, 4), -1, "negative"},
		{[]float64{1, math.NaN(), 0, 1}, 2, "NaN"},
		{[]float64{1, 0, 0, math.Inf(-1)}, 2, "-Inf"},
	}
	for _, c := range cases {
		_, _, err := EigSym(c.a, c.n)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("EigSym(len %d, n=%d): err %v, want mention of %q", len(c.a), c.n, err, c.want)
		}
		if _, err := EigSymValues(c.a, c.n); err == nil {
			t.Errorf("EigSymValues(len %d, n=%d): no error", len(c.a), c.n)
		}
	}
}

func TestEigApplyQMatchesFormedQ(t *testing.T) {
	// 131 and 200: ragged last blocks of reflectors and several full ones.
	// Q·I from the blocked reflectors equals the explicitly formed Q, and
	// QᵀAQ is the tridiagonal (d, e).
	for _, n := range []int{131, 200} {
		a := make([]float64, n*n)
		r := laTestRNG(uint64(n))
		for i := 0; i < n; i++ {
			for j := 0; j <= i; j++ {
				v := r.NormFloat64()
				a[i*n+j], a[j*n+i] = v, v
			}
		}
		orig := append([]float64(nil), a...)
		d, e, tau := eigTridiagonalize(a, n)
		qt := eigFormQT(a, n, tau)
		q := make([]float64, n*n)
		for i := 0; i < n; i++ {
			q[i*n+i] = 1
		}
		eigApplyQ(a, n, tau, q)
		eigTransposeSquare(q, n)
		if diff := laTestMaxRelDiff(q, qt, 1); diff > 1e-13 {
			t.Errorf("n=%d: blocked Q·I and formed Q differ by %.1e", n, diff)
		}
		worst := 0.0
		for i := 0; i < n; i++ {
			qi := qt[i*n : (i+1)*n]
			aq := make([]float64, n) // row i of Qᵀ·A
			for k := 0; k < n; k++ {
				laAxpy(qi[k], orig[k*n:(k+1)*n], aq)
			}
			for j := 0; j < n; j++ {
				want := 0.0
				switch j - i {
				case 0:
					want = d[i]
				case 1:
					want = e[i]
				case -1:
					want = e[j]
				}
				worst = math.Max(worst, math.Abs(laDot(aq, qt[j*n:(j+1)*n])-want))
			}
		}
		if worst > 1e-12*float64(n) {
			t.Errorf("n=%d: QᵀAQ differs from the tridiagonal by %.1e", n, worst)
		}
	}
}

func TestEigSymClusteredJacobianLikeSpectrum(t *testing.T) {
	// A denoiser Jacobian's symmetric part: many eigenvalues at ~1 (kept
	// directions), many at ~0 (removed), a few in between and a few slightly
	// negative, with exact and near (1e-12) multiplicities. n = 400 runs
	// the blocked reduction and divide and conquer with heavy deflation.
	n := 400
	lambda := make([]float64, n)
	for i := range lambda {
		switch {
		case i < 150:
			lambda[i] = 1 + float64(i%3)*1e-12
		case i < 340:
			lambda[i] = 0
		case i < 390:
			lambda[i] = float64(i-339) / 51
		default:
			lambda[i] = -0.01 * float64(i-389)
		}
	}
	a := laTestSpectral(laTestOrthogonal(n, laTestRNG(17)), lambda, n)
	values, vecs, err := EigSym(a, n)
	if err != nil {
		t.Fatal(err)
	}
	if d := laTestMaxRelDiff(values, laTestSorted(lambda), 1); d > 1e-14 {
		t.Errorf("values off by %.1e", d)
	}
	// ‖VᵀV − I‖_F is a sum over n² entries: ~n·ε is the expected size.
	resid, orth := laTestCheckDecomposition(a, n, values, vecs)
	if resid > 1e-14 || orth > 20*float64(n)*laEps*2 {
		t.Errorf("resid %.1e orth %.1e", resid, orth)
	}
}

func TestEigSymBlockedReductionEdgeCases(t *testing.T) {
	// n = 300 runs blocked panels, then the unblocked tail. Row 0 is already
	// reduced (zero off the diagonal), so its reflector is the identity
	// (τ = 0) inside a panel; row 5 starts zero too but is mixed by the
	// earlier reflectors.
	n := 300
	r := laTestRNG(23)
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := r.NormFloat64()
			if i == 0 || j == 0 || i == 5 || j == 5 {
				v = 0
			}
			if i == j {
				v = float64(i % 3)
			}
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	values, vecs, err := EigSym(a, n)
	if err != nil {
		t.Fatal(err)
	}
	resid, orth := laTestCheckDecomposition(a, n, values, vecs)
	if resid > 1e-14 || orth > 20*float64(n)*laEps*2 {
		t.Errorf("resid %.1e orth %.1e", resid, orth)
	}
}
