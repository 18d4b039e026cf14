package linalg

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// naiveCovariance is the textbook two-pass covariance in float64.
func naiveCovariance(x []float32, n, d int) (mean, cov []float64) {
	mean = make([]float64, d)
	for i := range n {
		for j := range d {
			mean[j] += float64(x[i*d+j])
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	cov = make([]float64, d*d)
	for p := range d {
		for q := range d {
			var s float64
			for i := range n {
				s += (float64(x[i*d+p]) - mean[p]) * (float64(x[i*d+q]) - mean[q])
			}
			cov[p*d+q] = s / float64(n-1)
		}
	}
	return mean, cov
}

func randomRows(n, d int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.Float64()*2 - 1 + 0.3) // an offset, so centring matters
	}
	return x
}

// TestCovarianceMatchesNaive compares with the float64 textbook loop at
// every simd level (the AVX-512 product reads its A operand out of the B
// panels, the others pack it twice) and checks that the levels agree bit for
// bit, as the kernels' rounding specification says they must.
func TestCovarianceMatchesNaive(t *testing.T) {
	defer func(l simd.Level) { _ = simd.Use(string(l)) }(simd.Current())
	first := map[[2]int][]float64{}
	for _, l := range simd.Available() {
		if err := simd.Use(string(l)); err != nil {
			t.Fatal(err)
		}
		for _, sz := range [][2]int{{2, 1}, {3, 5}, {255, 7}, {256, 130}, {257, 129}, {700, 260}, {1000, 33}} {
			n, d := sz[0], sz[1]
			mean, cov := checkCovarianceNaive(t, n, d)
			got := append(append([]float64(nil), mean...), cov...)
			if f, ok := first[sz]; !ok {
				first[sz] = got
			} else {
				for i := range f {
					if math.Float64bits(f[i]) != math.Float64bits(got[i]) {
						t.Fatalf("n=%d d=%d: value %d is %v at %s, %v at %s", n, d, i, got[i], l, f[i], simd.Available()[0])
					}
				}
			}
		}
	}
}

// checkCovarianceNaive compares Covariance with naiveCovariance on random
// n×d rows and returns Covariance's result.
func checkCovarianceNaive(t *testing.T, n, d int) (mean, cov []float64) {
	t.Helper()
	x := randomRows(n, d, uint64(n*1000+d))
	mean, cov, err := Covariance(x, n, d)
	if err != nil {
		t.Fatalf("n=%d d=%d: %v", n, d, err)
	}
	wm, wc := naiveCovariance(x, n, d)
	for j := range wm {
		if e := math.Abs(mean[j] - wm[j]); e > 1e-12*math.Abs(wm[j])+1e-15 {
			t.Fatalf("n=%d d=%d: mean[%d] = %v, want %v", n, d, j, mean[j], wm[j])
		}
	}
	// Relative to the diagonal scale √(S_pp S_qq), which bounds |S_pq|.
	for p := range d {
		for q := range d {
			got, want := cov[p*d+q], wc[p*d+q]
			scale := math.Sqrt(wc[p*d+p] * wc[q*d+q])
			if math.Abs(got-want) > 1e-12*scale {
				t.Fatalf("n=%d d=%d: cov[%d,%d] = %v, want %v", n, d, p, q, got, want)
			}
			if got != cov[q*d+p] {
				t.Fatalf("n=%d d=%d: cov not symmetric at [%d,%d]", n, d, p, q)
			}
		}
	}
	return mean, cov
}

func TestCovarianceThreadIndependent(t *testing.T) {
	n, d := 1100, 300
	x := randomRows(n, d, 3)
	run := func(workers int) ([]float64, []float64) {
		old := parallel.Workers()
		parallel.SetWorkers(workers)
		defer parallel.SetWorkers(old)
		m, c, err := Covariance(x, n, d)
		if err != nil {
			t.Fatal(err)
		}
		return m, c
	}
	m1, c1 := run(1)
	m2, c2 := run(2)
	for j := range m1 {
		if math.Float64bits(m1[j]) != math.Float64bits(m2[j]) {
			t.Fatalf("mean[%d] differs: %v at 1 thread, %v at 2", j, m1[j], m2[j])
		}
	}
	for i := range c1 {
		if math.Float64bits(c1[i]) != math.Float64bits(c2[i]) {
			t.Fatalf("cov[%d] differs: %v at 1 thread, %v at 2", i, c1[i], c2[i])
		}
	}
}

func TestCovarianceErrors(t *testing.T) {
	x := randomRows(4, 3, 1)
	nan := append([]float32(nil), x...)
	nan[7] = float32(math.NaN())
	inf := append([]float32(nil), x...)
	inf[2] = float32(math.Inf(-1))
	for _, c := range []struct {
		name string
		x    []float32
		n, d int
		want string
	}{
		{"one row", x[:3], 1, 3, "at least 2 rows"},
		{"no columns", nil, 4, 0, "at least 1 column"},
		{"length", x, 3, 3, "len(x)=12"},
		{"nan", nan, 4, 3, "row 2, column 1"},
		{"inf", inf, 4, 3, "row 0, column 2"},
	} {
		if _, _, err := Covariance(c.x, c.n, c.d); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
