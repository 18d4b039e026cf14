package linalg

import (
	"fmt"
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// dgemmReference is C = alpha·op(A)·op(B) + beta·C as a triple loop in
// Dgemm's documented rounding order: per entry, each 256-deep slab sums its
// products from +0 in depth order, one simd.DgemmMadd (a fused multiply-add
// where the CPU has one) a step; the first slab gives DgemmMadd(beta, C,
// round(alpha·slab)) (C unread when beta is 0), the others C +=
// round(alpha·slab). k == 0 or alpha == 0 only scale C.
func dgemmReference(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if k == 0 || alpha == 0 {
				c[i*ldc+j] = float64(beta * c[i*ldc+j])
				if beta == 0 {
					c[i*ldc+j] = 0
				}
				continue
			}
			for k0 := 0; k0 < k; k0 += laGemmKC {
				s := 0.0
				for p := k0; p < min(k, k0+laGemmKC); p++ {
					var x, y float64
					if ta {
						x = a[p*lda+i]
					} else {
						x = a[i*lda+p]
					}
					if tb {
						y = b[j*ldb+p]
					} else {
						y = b[p*ldb+j]
					}
					s = simd.DgemmMadd(x, y, s)
				}
				switch {
				case k0 > 0 || beta == 1:
					c[i*ldc+j] += float64(alpha * s)
				case beta == 0:
					c[i*ldc+j] = float64(alpha * s)
				default:
					c[i*ldc+j] = simd.DgemmMadd(beta, c[i*ldc+j], float64(alpha*s))
				}
			}
		}
	}
}

type laGemmCase struct {
	m, n, k, ldaPad, ldbPad, ldcPad int
	ta, tb                          bool
	alpha                           float64
}

func (g laGemmCase) String() string {
	return fmt.Sprintf("%dx%dx%d ta=%v tb=%v alpha=%v pads=%d,%d,%d", g.m, g.n, g.k, g.ta, g.tb, g.alpha, g.ldaPad, g.ldbPad, g.ldcPad)
}

// operands returns random A, B, C for the case with their leading dimensions.
func (g laGemmCase) operands(seed uint64) (a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	r := laTestRNG(seed)
	fill := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = r.NormFloat64()
		}
		return s
	}
	ar, lda := g.m, g.k+g.ldaPad
	if g.ta {
		ar, lda = g.k, g.m+g.ldaPad
	}
	br, ldb := g.k, g.n+g.ldbPad
	if g.tb {
		br, ldb = g.n, g.k+g.ldbPad
	}
	ldc = g.n + g.ldcPad
	return fill(ar * lda), lda, fill(br * ldb), ldb, fill(g.m * ldc), ldc
}

func laGemmCases() []laGemmCase {
	var out []laGemmCase
	for _, s := range [][3]int{{1, 1, 1}, {5, 3, 7}, {6, 8, 256}, {4, 2, 256}, {13, 9, 300}, {67, 530, 41}, {130, 70, 520}, {7, 17, 513}, {200, 9, 3}, {1, 40, 700}} {
		for _, t := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			out = append(out, laGemmCase{m: s[0], n: s[1], k: s[2], ta: t[0], tb: t[1], alpha: -0.5, ldaPad: s[0] % 3, ldbPad: s[1] % 2, ldcPad: s[2] % 4})
		}
	}
	out = append(out, laGemmCase{m: 31, n: 29, k: 257, alpha: 1}, laGemmCase{m: 300, n: 260, k: 600, alpha: 0.75})
	return out
}

// TestLaGemmMatchesReference checks laGemm bit for bit against the triple
// loop at every simd level, for edges (sizes not multiples of any tile),
// depths across slab boundaries, transposes and padded leading dimensions;
// entries of C outside the product must stay untouched.
func TestLaGemmMatchesReference(t *testing.T) {
	defer func(l simd.Level) { _ = simd.Use(string(l)) }(simd.Current())
	for _, l := range simd.Available() {
		if err := simd.Use(string(l)); err != nil {
			t.Fatal(err)
		}
		for ci, g := range laGemmCases() {
			a, lda, b, ldb, c, ldc := g.operands(uint64(ci + 1))
			want := append([]float64(nil), c...)
			dgemmReference(g.ta, g.tb, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, 1, want, ldc)
			laGemm(g.ta, g.tb, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, c, ldc)
			for i := range c {
				if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s %v: C[%d,%d] = %v, want exactly %v", l, g, i/ldc, i%ldc, c[i], want[i])
				}
			}
		}
	}
}

// TestDgemmBeta checks Dgemm's beta against the reference at every level:
// beta 0 must not read C (NaNs there vanish), k == 0 and alpha == 0 only
// scale C; entries outside the product stay untouched.
func TestDgemmBeta(t *testing.T) {
	defer func(l simd.Level) { _ = simd.Use(string(l)) }(simd.Current())
	for _, l := range simd.Available() {
		if err := simd.Use(string(l)); err != nil {
			t.Fatal(err)
		}
		for ci, g := range []laGemmCase{{m: 13, n: 19, k: 300, alpha: 1}, {m: 50, n: 33, k: 7, ta: true, alpha: -2, ldcPad: 3},
			{m: 7, n: 9, k: 0, alpha: 1, ldcPad: 1}, {m: 8, n: 16, k: 600, tb: true, alpha: 0.5}, {m: 6, n: 8, k: 5, alpha: 0}} {
			for _, beta := range []float64{0, 1, -0.5} {
				a, lda, b, ldb, c, ldc := g.operands(uint64(ci + 50))
				if beta == 0 {
					for i := 0; i < g.m; i++ {
						for j := 0; j < g.n; j++ {
							c[i*ldc+j] = math.NaN()
						}
					}
				}
				want := append([]float64(nil), c...)
				dgemmReference(g.ta, g.tb, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, beta, want, ldc)
				Dgemm(g.ta, g.tb, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, beta, c, ldc)
				for i := range c {
					if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%s %v beta=%v: C[%d,%d] = %v, want exactly %v", l, g, beta, i/ldc, i%ldc, c[i], want[i])
					}
				}
			}
		}
	}
}

func TestDgemmRejectsShortOperands(t *testing.T) {
	a, b, c := make([]float64, 6), make([]float64, 6), make([]float64, 4)
	for name, f := range map[string]func(){
		"A":        func() { Dgemm(false, false, 2, 2, 3, 1, a[:5], 3, b, 2, 0, c, 2) },
		"Aᵀ ld":    func() { Dgemm(true, false, 2, 2, 3, 1, a, 1, b, 2, 0, c, 2) },
		"B":        func() { Dgemm(false, false, 2, 2, 3, 1, a, 3, b[:5], 2, 0, c, 2) },
		"C":        func() { Dgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c[:3], 2) },
		"negative": func() { Dgemm(false, false, -1, 2, 3, 1, a, 3, b, 2, 0, c, 2) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestLaGemmThreadsBitIdentical runs products large enough to be split over
// goroutines with 1, 2 and 3 threads and demands identical bits.
func TestLaGemmThreadsBitIdentical(t *testing.T) {
	defer parallel.SetWorkers(parallel.Workers())
	for ci, g := range []laGemmCase{{m: 300, n: 260, k: 600, alpha: 0.75}, {m: 97, n: 1030, k: 300, ta: true, alpha: -1}, {m: 1030, n: 13, k: 70, tb: true, alpha: 2}} {
		var first []float64
		for _, th := range []int{1, 2, 3} {
			parallel.SetWorkers(th)
			a, lda, b, ldb, c, ldc := g.operands(uint64(ci + 100))
			laGemm(g.ta, g.tb, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, c, ldc)
			if first == nil {
				first = c
				continue
			}
			for i := range c {
				if math.Float64bits(c[i]) != math.Float64bits(first[i]) {
					t.Fatalf("%v: %d threads give C[%d] = %v, 1 thread %v", g, th, i, c[i], first[i])
				}
			}
		}
	}
}

func BenchmarkLaGemm(b *testing.B) {
	for _, n := range []int{256, 1024} {
		a := laBenchMatrix(n)
		c := make([]float64, n*n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				laGemm(false, false, n, n, n, 1, a, n, a, n, c, n)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
