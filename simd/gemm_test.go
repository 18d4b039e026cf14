package simd

import (
	"math"
	"math/rand"
	"testing"
)

// naiveTile is the float64 reference for one micro-kernel tile.
func naiveTile(mr, nr, kc int, a, b, c []float32, ldc int, alpha, beta float32) []float64 {
	want := make([]float64, mr*nr)
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			var s float64
			for p := 0; p < kc; p++ {
				s += float64(a[p*mr+i]) * float64(b[p*nr+j])
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			want[i*nr+j] = v
		}
	}
	return want
}

func TestGemmMicroKernels(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
		return s
	}
	for _, g := range GemmMicros() {
		for _, kc := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 64, 257} {
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.5, -2}, {0, 1.5}, {-1, 0}} {
				alpha, beta := ab[0], ab[1]
				ldc := g.NR + 3
				a, b := fill(kc*g.MR), fill(kc*g.NR)
				// Guard values around the tile must survive; with beta 0 the
				// old C is NaN and must not leak into the result.
				c := fill(g.MR*ldc + 5)
				if beta == 0 {
					for i := 0; i < g.MR; i++ {
						for j := 0; j < g.NR; j++ {
							c[i*ldc+j] = float32(math.NaN())
						}
					}
				}
				orig := append([]float32(nil), c...)
				want := naiveTile(g.MR, g.NR, kc, a, b, orig, ldc, alpha, beta)
				g.Kernel(kc, a, b, c, ldc, alpha, beta)
				for i := 0; i < g.MR; i++ {
					for j := 0; j < ldc; j++ {
						got := float64(c[i*ldc+j])
						if j >= g.NR {
							if c[i*ldc+j] != orig[i*ldc+j] {
								t.Fatalf("%s kc=%d: wrote outside the tile at (%d,%d)", g.Name, kc, i, j)
							}
							continue
						}
						w := want[i*g.NR+j]
						if math.IsNaN(got) || math.Abs(got-w) > 1e-4*(1+math.Sqrt(float64(kc))) {
							t.Fatalf("%s kc=%d alpha=%v beta=%v: C[%d,%d] = %v, want %v", g.Name, kc, alpha, beta, i, j, got, w)
						}
					}
				}
				if tail := c[g.MR*ldc:]; tail[0] != orig[g.MR*ldc] {
					t.Fatalf("%s: wrote past the tile", g.Name)
				}
			}
		}
	}
}

func TestGemmKernelFollowsLevel(t *testing.T) {
	defer func(l Level) { _ = Use(string(l)) }(Current())
	for _, l := range Available() {
		if err := Use(string(l)); err != nil {
			t.Fatal(err)
		}
		g := GemmKernel()
		if l == Generic && g.Name != gemmGenericMicro.Name {
			t.Errorf("level generic uses %s", g.Name)
		}
		if g.MR <= 0 || g.NR <= 0 || g.Kernel == nil {
			t.Errorf("level %s: incomplete kernel %+v", l, g)
		}
	}
}
