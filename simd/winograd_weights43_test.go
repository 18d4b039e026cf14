package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// g43Matrix is F(4×4,3×3)'s G, for an independent reference: U = G k Gᵀ by
// plain float64 matrix products (another operation order, so compared to a
// tolerance; the kernels are compared with each other bit for bit).
var g43Matrix = [6][3]float64{
	{1.0 / 4, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
	{1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1},
}

func TestWinogradWeights43(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var want [][]float32 // per case, the generic kernel's output
	type tc struct{ n, stride int }
	var cases []tc
	for n := 0; n <= 16; n++ {
		cases = append(cases, tc{n, max(n, 1) + n%3}, tc{n, 16})
	}
	ks := make([]*[9][16]float32, len(cases))
	for i := range cases {
		k := new([9][16]float32)
		for tap := range k {
			for j := range k[tap] {
				k[tap][j] = float32(rng.NormFloat64())
			}
		}
		ks[i] = k
	}
	forEachLevel(t, func(t *testing.T) {
		for i, c := range cases {
			size := 35*c.stride + c.n + guardLen
			dst := make([]float32, size)
			for j := range dst {
				dst[j] = math.Float32frombits(guardBits)
			}
			WinogradWeights43(dst, c.stride, ks[i], c.n)
			for j, v := range dst {
				xi, lane := j/c.stride, j%c.stride
				inside := lane < c.n && xi < 36
				if !inside {
					if math.Float32bits(v) != guardBits {
						t.Fatalf("n=%d stride=%d: wrote dst[%d] outside the runs", c.n, c.stride, j)
					}
					continue
				}
				var ref float64 // (G k Gᵀ)[r][s]
				r, s := xi/6, xi%6
				for a := range 3 {
					for b := range 3 {
						ref += g43Matrix[r][a] * float64(ks[i][3*a+b][lane]) * g43Matrix[s][b]
					}
				}
				if math.Abs(float64(v)-ref) > 1e-6*(1+math.Abs(ref)) {
					t.Fatalf("n=%d: U[%d] of kernel %d = %v, want %v", c.n, xi, lane, v, ref)
				}
			}
			if len(want) <= i {
				want = append(want, dst)
				continue
			}
			for j := range dst { // same bits as the first level (generic)
				if math.Float32bits(dst[j]) != math.Float32bits(want[i][j]) {
					t.Fatalf("n=%d stride=%d: dst[%d] = %v, the generic code gives %v", c.n, c.stride, j, dst[j], want[i][j])
				}
			}
		}
	})
}

func TestWinogradWeights43Panics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on a short dst")
		}
	}()
	WinogradWeights43(make([]float32, 35*16), 16, new([9][16]float32), 16)
}
