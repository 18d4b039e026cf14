package simd

import (
	"math"
	"math/rand"
	"strings"
	"testing"
)

// naiveDgemmTile is the triple-loop reference for one tile, in DgemmMicro's
// rounding (DgemmMadd's steps).
func naiveDgemmTile(mr, nr, kc int, a, b, c []float64, ldc int, alpha, beta float64) []float64 {
	want := make([]float64, mr*nr)
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			s := 0.0
			for p := 0; p < kc; p++ {
				s = DgemmMadd(a[p*mr+i], b[p*nr+j], s)
			}
			v := float64(alpha * s)
			if beta != 0 {
				v = DgemmMadd(beta, c[i*ldc+j], v)
			}
			want[i*nr+j] = v
		}
	}
	return want
}

// normalFiller returns a function making slices of standard normal values
// from a generator seeded with seed.
func normalFiller(seed int64) func(n int) []float64 {
	rng := rand.New(rand.NewSource(seed))
	return func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = rng.NormFloat64()
		}
		return s
	}
}

func TestDgemmMicroKernels(t *testing.T) {
	fill := normalFiller(1)
	for _, g := range DgemmMicros() {
		for _, kc := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 64, 255, 256, 257} {
			for _, ab := range [][2]float64{{1, 0}, {1, 1}, {0.5, -2}, {0, 1.5}, {-1, 0}, {0.3, 1}} {
				alpha, beta := ab[0], ab[1]
				ldc := g.NR + 3
				a, b := fill(kc*g.MR), fill(kc*g.NR)
				// Guard values around the tile must survive; with beta 0 the
				// old C is NaN and must not leak into the result.
				c := fill(g.MR*ldc + 5)
				if beta == 0 {
					for i := 0; i < g.MR; i++ {
						for j := 0; j < g.NR; j++ {
							c[i*ldc+j] = math.NaN()
						}
					}
				}
				orig := append([]float64(nil), c...)
				want := naiveDgemmTile(g.MR, g.NR, kc, a, b, orig, ldc, alpha, beta)
				g.Kernel(kc, a, b, c, ldc, alpha, beta)
				for i := 0; i < g.MR; i++ {
					for j := 0; j < ldc; j++ {
						got := c[i*ldc+j]
						if j >= g.NR {
							if got != orig[i*ldc+j] {
								t.Fatalf("%s kc=%d: wrote outside the tile at (%d,%d)", g.Name, kc, i, j)
							}
							continue
						}
						if w := want[i*g.NR+j]; math.Float64bits(got) != math.Float64bits(w) {
							t.Fatalf("%s kc=%d alpha=%v beta=%v: C[%d,%d] = %v, want exactly %v", g.Name, kc, alpha, beta, i, j, got, w)
						}
					}
				}
				if c[g.MR*ldc] != orig[g.MR*ldc] {
					t.Fatalf("%s: wrote past the tile", g.Name)
				}
			}
		}
	}
}

// TestDgemmPanelAKernels checks each PanelA kernel bit for bit against the
// naive tile on A copied out of the B-layout panel it reads, at every
// column offset of that panel and depths around the unroll, and that it
// writes nothing outside its tile.
func TestDgemmPanelAKernels(t *testing.T) {
	fill := normalFiller(2)
	tested := 0
	for _, g := range DgemmMicros() {
		if g.PanelA == nil {
			continue
		}
		tested++
		if g.NR%g.MR != 0 {
			t.Fatalf("%s: PanelA needs NR a multiple of MR", g.Name)
		}
		for _, kc := range []int{1, 3, 4, 5, 8, 9, 63, 256, 257} {
			src, b := fill(kc*g.NR), fill(kc*g.NR)
			for off := 0; off < g.NR; off += g.MR {
				a := make([]float64, kc*g.MR)
				for p := 0; p < kc; p++ {
					copy(a[p*g.MR:(p+1)*g.MR], src[p*g.NR+off:])
				}
				for _, ab := range [][2]float64{{1, 1}, {0.5, -2}, {1, 0}} {
					ldc := g.NR + 2
					c := fill(g.MR*ldc + 3)
					orig := append([]float64(nil), c...)
					want := naiveDgemmTile(g.MR, g.NR, kc, a, b, orig, ldc, ab[0], ab[1])
					g.PanelA(kc, src[off:], b, c, ldc, ab[0], ab[1])
					for i := 0; i < g.MR; i++ {
						for j := 0; j < ldc; j++ {
							got := c[i*ldc+j]
							if j >= g.NR {
								if got != orig[i*ldc+j] {
									t.Fatalf("%s kc=%d: wrote outside the tile at (%d,%d)", g.Name, kc, i, j)
								}
								continue
							}
							if w := want[i*g.NR+j]; math.Float64bits(got) != math.Float64bits(w) {
								t.Fatalf("%s kc=%d off=%d: C[%d,%d] = %v, want exactly %v", g.Name, kc, off, i, j, got, w)
							}
						}
					}
					if c[g.MR*ldc] != orig[g.MR*ldc] {
						t.Fatalf("%s: wrote past the tile", g.Name)
					}
				}
			}
		}
	}
	if hasAVX512() && tested == 0 {
		t.Fatal("no PanelA kernel on an AVX-512 CPU")
	}
}

// TestDgemmFusedRounding checks that every kernel fuses (but the generic
// one on a CPU without the instruction): with a = 1+2⁻³⁰, b = 1−2⁻³⁰ the
// exact product 1−2⁻⁶⁰ rounds to 1, so adding it to −1 gives −2⁻⁶⁰ through
// a fused multiply-add but 0 through a multiply and an add. Then beta:
// fma(beta, c, alpha·s) with beta·c = −(1−2⁻⁶⁰) exactly and alpha·s = 1
// leaves 2⁻⁶⁰, where a rounded beta·c would leave 0.
func TestDgemmFusedRounding(t *testing.T) {
	if !hardwareFMA {
		t.Logf("no fused multiply-add instruction: the generic kernel multiplies and adds separately")
	}
	for _, g := range DgemmMicros() {
		kc := 2
		a := make([]float64, kc*g.MR)
		b := make([]float64, kc*g.NR)
		for i := 0; i < g.MR; i++ {
			a[i], a[g.MR+i] = -1, 1+0x1p-30
		}
		for j := 0; j < g.NR; j++ {
			b[j], b[g.NR+j] = 1, 1-0x1p-30
		}
		c := make([]float64, g.MR*g.NR)
		g.Kernel(kc, a, b, c, g.NR, 1, 0)
		// The first step, −1·1, is exact; the second adds the product to −1.
		fused := hardwareFMA || g.Name != dgemmGenericMicro.Name
		want, wantBeta := -0x1p-60, 0x1p-60
		if !fused {
			want, wantBeta = 0, 0
		}
		for i, v := range c {
			if v != want {
				t.Fatalf("%s: C[%d] = %v, want %v", g.Name, i, v, want)
			}
		}
		for i := 0; i < g.MR; i++ {
			a[i], a[g.MR+i] = 1, 0
		}
		for i := range c {
			c[i] = 1 - 0x1p-30
		}
		g.Kernel(kc, a, b, c, g.NR, 1, -(1 + 0x1p-30))
		for i, v := range c {
			if v != wantBeta {
				t.Fatalf("%s: beta step: C[%d] = %v, want %v", g.Name, i, v, wantBeta)
			}
		}
	}
}

func TestDgemmKernelFollowsLevel(t *testing.T) {
	defer func(l Level) { _ = Use(string(l)) }(Current())
	for _, l := range Available() {
		if err := Use(string(l)); err != nil {
			t.Fatal(err)
		}
		g := DgemmKernel()
		if l == Generic && g.Name != dgemmGenericMicro.Name {
			t.Errorf("level generic uses %s", g.Name)
		}
		if l != Generic && !strings.HasPrefix(g.Name, string(l)+" ") {
			t.Errorf("level %s uses %s", l, g.Name)
		}
		if g.MR <= 0 || g.NR <= 0 || g.Kernel == nil {
			t.Errorf("level %s: kernel %s is incomplete", l, g.Name)
		}
	}
}
