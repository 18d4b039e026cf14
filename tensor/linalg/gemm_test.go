package linalg

import (
	"fmt"
	"math"
	"testing"
)

func TestLaGemmMatchesNaive(t *testing.T) {
	r := laTestRNG(1)
	for _, s := range [][3]int{{1, 1, 1}, {5, 3, 7}, {4, 2, 256}, {13, 9, 300}, {67, 530, 41}, {130, 70, 520}} {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				a := make([]float64, m*k)
				b := make([]float64, k*n)
				c := make([]float64, m*n)
				for i := range a {
					a[i] = r.NormFloat64()
				}
				for i := range b {
					b[i] = r.NormFloat64()
				}
				for i := range c {
					c[i] = r.NormFloat64()
				}
				want := append([]float64(nil), c...)
				lda, ldb := k, n
				if ta {
					lda = m
				}
				if tb {
					ldb = k
				}
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						s := 0.0
						for p := 0; p < k; p++ {
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
							s += x * y
						}
						want[i*n+j] += -0.5 * s
					}
				}
				laGemm(ta, tb, m, n, k, -0.5, a, lda, b, ldb, c, n)
				if d := laTestMaxRelDiff(c, want, math.Sqrt(float64(k))); d > 1e-14 {
					t.Errorf("%v ta=%v tb=%v: off by %.1e", s, ta, tb, d)
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
