package linalg

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// laTestDecayOperator is Q·diag(λ)·Qᵀ with λ_k = 1/k for the positive part
// plus a few negative eigenvalues, the shape of a denoiser Jacobian's
// spectrum; it returns the dense matrix and the sorted exact eigenvalues.
func laTestDecayOperator(n int, negatives []float64, seed uint64) ([]float64, []float64) {
	lambda := make([]float64, n)
	for k := range lambda {
		lambda[k] = 1 / float64(k+1)
	}
	copy(lambda[n-len(negatives):], negatives)
	q := laTestOrthogonal(n, laTestRNG(seed))
	return laTestSpectral(q, lambda, n), laTestSorted(lambda)
}

// laTestCountingOp wraps an operator and records how it is called.
type laTestCountingOp struct {
	SymOperator
	calls, vectors int
}

func (o *laTestCountingOp) Apply(dst, src []float64, k int) error {
	o.calls++
	o.vectors += k
	return o.SymOperator.Apply(dst, src, k)
}

func TestLanczosKnownSpectrumBothEnds(t *testing.T) {
	n := 400
	a, exact := laTestDecayOperator(n, []float64{-1, -0.7, -0.5, -0.3, -0.2}, 1)
	dense, err := NewDenseSymOperator(a, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []int{1, 4} {
		op := &laTestCountingOp{SymOperator: dense}
		res, err := Lanczos(op, LanczosOptions{Which: LanczosBoth, Wanted: 20, MaxSteps: 100 / b, BlockSize: b, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if op.vectors > 100 || op.calls != 100/b {
			t.Errorf("b=%d: %d calls, %d products", b, op.calls, op.vectors)
		}
		// Top 20 (descending) and bottom 5 of the 20 bottom pairs.
		worst := 0.0
		for k := 0; k < 20; k++ {
			want := exact[n-1-k]
			worst = math.Max(worst, math.Abs(res.Values[k]-want)/math.Abs(want))
		}
		for k := 0; k < 5; k++ {
			got := res.Values[len(res.Values)-1-k]
			want := exact[k]
			worst = math.Max(worst, math.Abs(got-want)/math.Abs(want))
		}
		if worst > 1e-6 {
			t.Errorf("b=%d: worst relative error of top 20 / bottom 5: %.2e", b, worst)
		}
		t.Logf("b=%d: worst relative error %.2e, residual of 20th %.1e", b, worst, res.Residuals[19])
		// Ritz vectors: orthonormal, and their residuals match the estimates.
		resid, orth := laTestCheckDecomposition(a, n, res.Values, res.Vectors)
		if orth > 1e-12 {
			t.Errorf("b=%d: ‖YᵀY−I‖ = %.1e", b, orth)
		}
		_ = resid
		for k := 0; k < 20; k++ {
			y := res.Vector(k)
			r := 0.0
			for i := 0; i < n; i++ {
				s := laDot(a[i*n:(i+1)*n], y) - res.Values[k]*y[i]
				r += s * s
			}
			r = math.Sqrt(r)
			if math.Abs(r-res.Residuals[k]) > 1e-10+0.01*r {
				t.Errorf("b=%d pair %d: true residual %.3e, estimate %.3e", b, k, r, res.Residuals[k])
			}
		}
	}
}

func TestLanczosMatchesEigSym1600(t *testing.T) {
	if testing.Short() {
		t.Skip("dense 1600×1600 reference eigendecomposition")
	}
	// A random orthogonal basis from 4 Householder reflectors keeps the
	// construction O(n²); Lanczos only sees the spectrum and the start
	// vector, and EigSym gets a dense matrix with no zero pattern.
	n := 1600
	r := laTestRNG(77)
	a := make([]float64, n*n)
	for k := 0; k < n; k++ {
		a[k*n+k] = math.Pow(float64(k+1), -0.8) * (1 + 0.1*r.Float64())
	}
	for h := 0; h < 4; h++ {
		v := make([]float64, n)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		laTestReflect(a, n, v)
	}
	ref, err := EigSymValues(a, n)
	if err != nil {
		t.Fatal(err)
	}
	op, _ := NewDenseSymOperator(a, n)
	res, err := Lanczos(op, LanczosOptions{Wanted: 20, MaxSteps: 80, Seed: 1, SkipVectors: true})
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for k := 0; k < 20; k++ {
		worst = math.Max(worst, math.Abs(res.Values[k]-ref[n-1-k])/math.Abs(ref[n-1-k]))
	}
	if worst > 1e-3 {
		t.Errorf("top 20 after 80 steps: worst relative error %.2e", worst)
	}
	t.Logf("top 20 after 80 steps: worst relative error %.2e", worst)
}

// laTestReflect replaces a by H·a·H with H = I − 2vvᵀ/‖v‖² (plain loops).
func laTestReflect(a []float64, n int, v []float64) {
	vv := 0.0
	for _, x := range v {
		vv += x * x
	}
	apply := func() { // a ← H·a, column by column through rows
		w := make([]float64, n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				w[j] += v[i] * a[i*n+j]
			}
		}
		for i := 0; i < n; i++ {
			f := 2 * v[i] / vv
			for j := 0; j < n; j++ {
				a[i*n+j] -= f * w[j]
			}
		}
	}
	apply()
	for i := 0; i < n; i++ { // transpose, then H·(Ha)ᵀ = (HaH)ᵀ = HaH
		for j := 0; j < i; j++ {
			a[i*n+j], a[j*n+i] = a[j*n+i], a[i*n+j]
		}
	}
	apply()
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			m := (a[i*n+j] + a[j*n+i]) / 2
			a[i*n+j], a[j*n+i] = m, m
		}
	}
}

func TestLanczosBreakdownRankDeficient(t *testing.T) {
	// Rank 3: the Krylov space of any start vector is invariant after at
	// most 4 steps, so Lanczos must restart repeatedly.
	n := 50
	lambda := make([]float64, n)
	lambda[0], lambda[1], lambda[2] = 3, 2, -1
	q := laTestOrthogonal(n, laTestRNG(4))
	a := laTestSpectral(q, lambda, n)
	op, _ := NewDenseSymOperator(a, n)
	for _, b := range []int{1, 2} {
		res, err := Lanczos(op, LanczosOptions{Which: LanczosBoth, Wanted: 3, MaxSteps: 30 / b, BlockSize: b, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		if res.Restarts == 0 {
			t.Errorf("b=%d: no restart reported on a rank-3 operator", b)
		}
		want := []float64{3, 2, 0, 0, 0, -1}
		if d := laTestMaxRelDiff(res.Values, want, 3); d > 1e-12 {
			t.Errorf("b=%d: values %v, want %v", b, res.Values, want)
		}
		if _, orth := laTestCheckDecomposition(a, n, res.Values, res.Vectors); orth > 1e-12 {
			t.Errorf("b=%d: Ritz vectors not orthonormal: %.1e", b, orth)
		}
		t.Logf("b=%d: restarts %d, values %v", b, res.Restarts, res.Values)
	}
	// The zero operator breaks down at every step.
	zero, _ := NewDenseSymOperator(make([]float64, 100), 10)
	res, err := Lanczos(zero, LanczosOptions{Wanted: 2, MaxSteps: 10, Seed: 1})
	if err != nil || res.Values[0] != 0 || res.Values[1] != 0 || res.Basis != 10 {
		t.Errorf("zero operator: %+v, %v", res, err)
	}
}

func TestLanczosFullSpaceIsExact(t *testing.T) {
	// With a basis of all n vectors, T is similar to A: every Ritz pair is
	// exact and every residual estimate is ~0.
	n := 12
	a, exact := laTestDecayOperator(n, []float64{-2}, 5)
	op, _ := NewDenseSymOperator(a, n)
	res, err := Lanczos(op, LanczosOptions{Which: LanczosBoth, Wanted: 6, MaxSteps: 100, BlockSize: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Basis != n {
		t.Fatalf("basis %d, want %d", res.Basis, n)
	}
	for k, v := range res.Values {
		if math.Abs(v-exact[n-1-k]) > 1e-13 {
			t.Errorf("value %d = %v, want %v", k, v, exact[n-1-k])
		}
	}
	resid, orth := laTestCheckDecomposition(a, n, res.Values, res.Vectors)
	if resid > 1e-13 || orth > 1e-13 {
		t.Errorf("resid %.1e orth %.1e", resid, orth)
	}
}

func TestLanczosTolStopsEarlyAndIsDeterministic(t *testing.T) {
	n := 300
	a, exact := laTestDecayOperator(n, nil, 8)
	op, _ := NewDenseSymOperator(a, n)
	opt := LanczosOptions{Wanted: 5, MaxSteps: 200, Tol: 1e-8, Seed: 42}
	res, err := Lanczos(op, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged || res.Steps >= 200 {
		t.Errorf("converged %v after %d steps", res.Converged, res.Steps)
	}
	for k := 0; k < 5; k++ {
		if res.Residuals[k] > 1e-8 {
			t.Errorf("pair %d residual %.1e above Tol", k, res.Residuals[k])
		}
		if d := math.Abs(res.Values[k] - exact[n-1-k]); d > 1e-12 {
			t.Errorf("pair %d off by %.1e", k, d)
		}
	}
	old := parallel.Workers()
	defer parallel.SetWorkers(old)
	parallel.SetWorkers(1)
	again, err := Lanczos(op, opt)
	if err != nil {
		t.Fatal(err)
	}
	parallel.SetWorkers(3)
	third, err := Lanczos(op, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Vectors {
		if res.Vectors[i] != again.Vectors[i] || res.Vectors[i] != third.Vectors[i] {
			t.Fatalf("Ritz vectors differ between runs / thread counts at %d", i)
		}
	}
	t.Logf("stopped after %d steps", res.Steps)
}

// laTestOp32 is a float32 dense operator, as network Jacobians will be.
type laTestOp32 struct {
	a []float32
	n int
}

func (o *laTestOp32) Dim() int { return o.n }
func (o *laTestOp32) Apply(dst, src []float32, k int) error {
	for c := 0; c < k; c++ {
		for i := 0; i < o.n; i++ {
			s := float32(0)
			for j := 0; j < o.n; j++ {
				s += o.a[i*o.n+j] * src[c*o.n+j]
			}
			dst[c*o.n+i] = s
		}
	}
	return nil
}

func TestLanczosFloat32Operator(t *testing.T) {
	n := 200
	a, exact := laTestDecayOperator(n, []float64{-0.5}, 6)
	a32 := make([]float32, len(a))
	for i, v := range a {
		a32[i] = float32(v)
	}
	res, err := Lanczos(Float32Operator(&laTestOp32{a32, n}), LanczosOptions{Which: LanczosBoth, Wanted: 5, MaxSteps: 60, BlockSize: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	// float32 storage of A perturbs eigenvalues by ~1e-7·‖A‖.
	for k := 0; k < 5; k++ {
		if d := math.Abs(res.Values[k] - exact[n-1-k]); d > 1e-5 {
			t.Errorf("top %d off by %.1e", k, d)
		}
	}
	if d := math.Abs(res.Values[len(res.Values)-1] + 0.5); d > 1e-5 {
		t.Errorf("bottom off by %.1e", d)
	}
}

type laTestFailingOp struct{ n int }

func (o laTestFailingOp) Dim() int { return o.n }
func (o laTestFailingOp) Apply(dst, src []float64, k int) error {
	if k > 0 {
		dst[0] = math.NaN()
	}
	return nil
}

type laTestErrOp struct{ n int }

var errLaTest = errors.New("jvp failed")

func (o laTestErrOp) Dim() int                              { return o.n }
func (o laTestErrOp) Apply(dst, src []float64, k int) error { return errLaTest }

func TestLanczosErrors(t *testing.T) {
	op, _ := NewDenseSymOperator([]float64{1, 0, 0, 1}, 2)
	cases := []struct {
		op   SymOperator
		opt  LanczosOptions
		want string
	}{
		{nil, LanczosOptions{}, "nil operator"},
		{op, LanczosOptions{BlockSize: 3}, "block size"},
		{op, LanczosOptions{Wanted: -1}, "wanted"},
		{op, LanczosOptions{Wanted: 2, Which: LanczosBoth}, "pairs wanted"},
		{op, LanczosOptions{Which: 7}, "unknown end"},
		{op, LanczosOptions{Tol: -1}, "tolerance"},
		{op, LanczosOptions{MaxSteps: -2}, "steps"},
		{laTestFailingOp{5}, LanczosOptions{}, "non-finite"},
		{laTestErrOp{5}, LanczosOptions{}, "jvp failed"},
	}
	for _, c := range cases {
		_, err := Lanczos(c.op, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err %v, want mention of %q", c.opt, err, c.want)
		}
	}
	if _, err := Lanczos(laTestErrOp{5}, LanczosOptions{}); !errors.Is(err, errLaTest) {
		t.Errorf("operator error not wrapped: %v", err)
	}
	if _, err := NewDenseSymOperator(make([]float64, 5), 2); err == nil {
		t.Error("dense operator accepted 5 values for 2×2")
	}
	if _, err := NewDenseSymOperator([]float64{1, math.Inf(1), 0, 1}, 2); err == nil {
		t.Error("dense operator accepted Inf")
	}
	if err := op.Apply(make([]float64, 2), make([]float64, 3), 1); err == nil {
		t.Error("dense Apply accepted a wrong length")
	}
}
