package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestWinogradOutputBias requires the bias variants of both output
// transforms, single runs and pairs, to give the bits of the plain transform
// followed by AddConst on every output of the channel, at every level, and to
// leave everything else of dst alone.
func TestWinogradOutputBias(t *testing.T) {
	type variant struct {
		m, most int
		one     func(src []float32, xi, cs, nc, n int, dst []float32, ch, row int, bias []float32)
		pair    func(src []float32, xi, cs, nc int, a, b WinogradRun, dst []float32, ch, row int, bias []float32)
	}
	for _, v := range []variant{
		{2, WinogradPairMax, WinogradOutputBias2x3, WinogradOutputPairBias2x3},
		{4, WinogradOutputPair4x3Max, WinogradOutputBias4x3, WinogradOutputPairBias4x3},
	} {
		planes := (v.m + 2) * (v.m + 2)
		forEachLevel(t, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(51, uint64(v.m)))
			for _, n := range []int{1, 5, 7, 16, 21} {
				nc, cs := 3, 24
				xi := nc*cs + 5
				src := make([]float32, planes*xi)
				fillRandom(rng, src, false)
				bias := make([]float32, nc)
				fillRandom(rng, bias, false)
				row := v.m*n + 9
				ch := v.m*row + 3
				want := make([]float32, nc*ch+4)
				fillRandom(rng, want, false)
				got := append([]float32(nil), want...)
				// n tiles as one run, or as a pair of runs where pairs allow.
				if n >= 2 && n <= v.most {
					a := WinogradRun{N: (n + 1) / 2}
					b := WinogradRun{Src: a.N, N: n - a.N, Dst: v.m * a.N}
					v.pair(src, xi, cs, nc, a, b, got, ch, row, bias)
					WinogradOutputPairForTest(v.m, src, xi, cs, nc, a, b, want, ch, row)
				} else {
					v.one(src, xi, cs, nc, n, got, ch, row, bias)
					WinogradOutputForTest(v.m, src, xi, cs, nc, n, want, ch, row)
				}
				// want now holds the plain transform: add the bias to its outputs.
				for c := 0; c < nc; c++ {
					for a := 0; a < v.m; a++ {
						seg := want[c*ch+a*row:][:v.m*n]
						AddConst(seg, bias[c], seg)
					}
				}
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("F(%dx%d) n=%d: dst[%d] = %g, want %g", v.m, v.m, n, i, got[i], want[i])
					}
				}
			}
		})
	}
}

// WinogradOutputForTest and WinogradOutputPairForTest run the plain output
// transform of F(m×m,3×3).
func WinogradOutputForTest(m int, src []float32, xi, cs, nc, n int, dst []float32, ch, row int) {
	if m == 2 {
		WinogradOutput2x3(src, xi, cs, nc, n, dst, ch, row)
	} else {
		WinogradOutput4x3(src, xi, cs, nc, n, dst, ch, row)
	}
}

func WinogradOutputPairForTest(m int, src []float32, xi, cs, nc int, a, b WinogradRun, dst []float32, ch, row int) {
	if m == 2 {
		WinogradOutputPair2x3(src, xi, cs, nc, a, b, dst, ch, row)
	} else {
		WinogradOutputPair4x3(src, xi, cs, nc, a, b, dst, ch, row)
	}
}
