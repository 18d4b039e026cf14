package tensor

import (
	"fmt"
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/simd"
)

// laGemmReference is C += alpha·op(A)·op(B) as a triple loop in laGemm's
// documented rounding order: per entry, each 256-deep slab sums its
// products from +0 in depth order, then C += alpha·slab, every multiply
// and add rounded on its own.
func laGemmReference(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
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
					s += float64(x * y)
				}
				c[i*ldc+j] += float64(alpha * s)
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
			laGemmReference(g.ta, g.tb, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, want, ldc)
			laGemm(g.ta, g.tb, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, c, ldc)
			for i := range c {
				if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s %v: C[%d,%d] = %v, want exactly %v", l, g, i/ldc, i%ldc, c[i], want[i])
				}
			}
		}
	}
}

// TestLaGemmThreadsBitIdentical runs products large enough to be split over
// goroutines with 1, 2 and 3 threads and demands identical bits.
func TestLaGemmThreadsBitIdentical(t *testing.T) {
	defer SetThreads(Threads())
	for ci, g := range []laGemmCase{{m: 300, n: 260, k: 600, alpha: 0.75}, {m: 97, n: 1030, k: 300, ta: true, alpha: -1}, {m: 1030, n: 13, k: 70, tb: true, alpha: 2}} {
		var first []float64
		for _, th := range []int{1, 2, 3} {
			SetThreads(th)
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
