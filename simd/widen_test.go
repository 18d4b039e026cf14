package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAddWidened checks dst[i] += float64(src[i]) bit for bit at every
// level, for every test length from unaligned starts, and that nothing past
// the end is written.
func TestAddWidened(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 3; off++ {
				src := make([]float32, n+off)
				dst := make([]float64, n+off+1)
				for i := range src {
					src[i] = float32(rng.NormFloat64())
				}
				for i := range dst {
					dst[i] = rng.NormFloat64() * 1e3
				}
				want := append([]float64(nil), dst...)
				for i := 0; i < n; i++ {
					want[off+i] += float64(src[off+i])
				}
				AddWidened(dst[off:off+n], src[off:])
				for i := range dst {
					if math.Float64bits(dst[i]) != math.Float64bits(want[i]) {
						t.Fatalf("n=%d off=%d: dst[%d] = %v, want %v", n, off, i, dst[i], want[i])
					}
				}
			}
		}
	})
}

// TestCentredPanel64 checks the panel copy against the formula bit for bit
// at every level, for the micro-kernels' widths and odd ones, row strides
// wider than the panel, and a guard after the panel that must stay intact.
func TestCentredPanel64(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	forEachLevel(t, func(t *testing.T) {
		for _, w := range []int{1, 3, 4, 6, 8, 12, 16, 20, 24, 32} {
			for _, rows := range []int{1, 2, 7, 256} {
				ld := w + rng.IntN(5)
				src := make([]float32, (rows-1)*ld+w)
				for i := range src {
					src[i] = float32(rng.Float64())
				}
				mean := make([]float64, w)
				for i := range mean {
					mean[i] = rng.Float64()
				}
				dst := make([]float64, rows*w+guardLen)
				for i := range dst {
					dst[i] = math.Float64frombits(guardBits)
				}
				CentredPanel64(dst, src, ld, rows, mean)
				for p := 0; p < rows; p++ {
					for q := 0; q < w; q++ {
						want := float64(src[p*ld+q]) - mean[q]
						if got := dst[p*w+q]; math.Float64bits(got) != math.Float64bits(want) {
							t.Fatalf("w=%d rows=%d ld=%d: dst[%d,%d] = %v, want %v", w, rows, ld, p, q, got, want)
						}
					}
				}
				for i := rows * w; i < len(dst); i++ {
					if math.Float64bits(dst[i]) != guardBits {
						t.Fatalf("w=%d rows=%d: wrote past the panel at %d", w, rows, i)
					}
				}
			}
		}
	})
}
