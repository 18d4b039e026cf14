package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randFloat32s(rng *rand.Rand, n int, lo, hi float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = lo + (hi-lo)*rng.Float32()
	}
	return x
}

func TestMinFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	forEachLevel(t, func(t *testing.T) {
		if v := MinFloat64(nil); !math.IsInf(v, 1) {
			t.Fatalf("empty: %v", v)
		}
		for _, n := range []int{1, 15, 16, 17, 40, 129} {
			x := make([]float64, n)
			for i := range x {
				x[i] = rng.NormFloat64()
				if rng.IntN(7) == 0 {
					x[i] = math.NaN()
				}
			}
			want := math.Inf(1)
			for _, v := range x {
				if !math.IsNaN(v) && v < want {
					want = v
				}
			}
			if got := MinFloat64(x); got != want {
				t.Fatalf("n=%d: %v, want %v", n, got, want)
			}
		}
	})
}

// TestExpSums compares ExpSums with sums of math.Exp in float64 over the
// logits kept by the cut (chosen away from the threshold, which rounding
// may put either side of).
func TestExpSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 7, 8, 9, 64, 301} {
			for _, cut := range []float64{0, 5, 51, MaxExpSumsCut} {
				a, m := 0.7+rng.Float64(), -3*rng.Float64()
				dist := make([]float64, n)
				x := randFloat32s(rng, n, -1, 1)
				var s, u float64
				for k := range dist {
					l := -rng.Float64() * 1.5 * (cut + 1)
					if math.Abs(l+cut) < 1e-3 {
						l -= 0.01
					}
					dist[k] = (-l - m) / a
					l = -dist[k]*a - m
					if l >= -cut {
						e := math.Exp(l)
						s += e
						u += e * float64(x[k])
					}
				}
				gs, gu := ExpSums(dist, x, a, m, cut)
				if math.Abs(gs-s) > 1e-9*s || math.Abs(gu-u) > 1e-9*s {
					t.Fatalf("n=%d cut=%v: (%v, %v), want (%v, %v)", n, cut, gs, gu, s, u)
				}
			}
		}
	})
}

func TestExpSumsRejectsCut(t *testing.T) {
	for _, cut := range []float64{-1, MaxExpSumsCut + 1, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("cut %v: no panic", cut)
				}
			}()
			ExpSums([]float64{1}, []float32{1}, 1, 0, cut)
		}()
	}
}

// BenchmarkSumRowsGrouped is the locality model's inner loop at MNIST
// size: 784 mask columns of 180 random rows each (ascending, as the model
// lists them) over a 784×128 block.

// TestExpNeg compares ExpNeg with math.Exp over its whole range.
func TestExpNeg(t *testing.T) {
	for x := -745.0; x <= 0; x += 0.037 {
		got, want := ExpNeg(x), math.Exp(x)
		if x < -MaxExpSumsCut {
			want = 0
		}
		if math.Abs(got-want) > 3e-10*want {
			t.Fatalf("ExpNeg(%v) = %v, want %v", x, got, want)
		}
	}
}
