package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// siluInputs covers the polynomial's whole range, both saturations, the
// clamp at ±87/88, zeros, denormals, infinities and NaN.
func siluInputs(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	special := []float32{0, float32(math.Copysign(0, -1)), 1e-40, -1e-40, 87, -87, -87.0001, 88, -88, 88.5, -88.5, 200, -200,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e30, -1e30, 0.5, -0.5}
	for i := range x {
		if i%5 == 0 {
			x[i] = special[rng.IntN(len(special))]
			continue
		}
		x[i] = float32((rng.Float64()*2 - 1) * 110)
	}
	return x
}

// Every level gives the generic code's bits, at every length and
// misalignment, in place and into another buffer, leaving the guards alone.
func TestSiLUKernelsMatchGeneric(t *testing.T) {
	for _, k := range []struct {
		name    string
		run     func(dst, x []float32)
		generic func(dst, x []float32)
	}{{"SiLU", SiLU, siluGeneric}, {"SiLUDerivative", SiLUDerivative, siluDerivGeneric}} {
		t.Run(k.name, func(t *testing.T) {
			forEachLevel(t, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(5, uint64(len(k.name))))
				for _, n := range testLengths {
					for off := 0; off < 8; off += 3 {
						x := newGuarded(n, off)
						copy(x.s(), siluInputs(rng, n))
						want := make([]float32, n)
						k.generic(want, x.s())
						dst := newGuarded(n, (off+5)%8)
						k.run(dst.s(), x.s())
						dst.checkGuards(t, k.name+" dst")
						x.checkGuards(t, k.name+" x")
						for i, got := range dst.s() {
							if !sameBits(got, want[i]) {
								t.Fatalf("%s n=%d off=%d: x=%v gives %v (%#x), generic %v (%#x)",
									k.name, n, off, x.s()[i], got, math.Float32bits(got), want[i], math.Float32bits(want[i]))
							}
						}
						k.run(x.s(), x.s())
						for i, got := range x.s() {
							if !sameBits(got, want[i]) {
								t.Fatalf("%s in place n=%d: element %d %v, want %v", k.name, n, i, got, want[i])
							}
						}
					}
				}
			})
		})
	}
}

// SiLUBackward is g·SiLUDerivative(x) bit for bit, at every level, also
// in place.
func TestSiLUBackward(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 9))
		for _, n := range testLengths {
			x := newGuarded(n, n%8)
			copy(x.s(), siluInputs(rng, n))
			g := make([]float32, n)
			fillRandom(rng, g, true)
			want := make([]float32, n)
			SiLUDerivative(want, x.s())
			Mul(want, g, want)
			dst := newGuarded(n, (n+3)%8)
			SiLUBackward(dst.s(), g, x.s())
			dst.checkGuards(t, "SiLUBackward dst")
			for i, got := range dst.s() {
				if !sameBits(got, want[i]) {
					t.Fatalf("n=%d: x=%v g=%v gives %v, want %v", n, x.s()[i], g[i], got, want[i])
				}
			}
			SiLUBackward(g, g, x.s())
			for i, got := range g {
				if !sameBits(got, want[i]) {
					t.Fatalf("in place n=%d: element %d %v, want %v", n, i, got, want[i])
				}
			}
		}
	})
}

// The values against float64 math: a few ulp in the polynomial's range,
// tiny absolute error where the true value leaves the normal range.
func TestSiLUAccuracy(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		var x []float32
		for v := -110.0; v <= 110; v += 0.00731 {
			x = append(x, float32(v))
		}
		y, d := make([]float32, len(x)), make([]float32, len(x))
		SiLU(y, x)
		SiLUDerivative(d, x)
		worst := 0.0
		for i, v := range x {
			xv := float64(v)
			e := math.Exp(-math.Abs(xv))
			s, sc := 1/(1+e), e/(1+e)
			if xv < 0 {
				s, sc = sc, s
			}
			want, wantD := xv*s, s*(1+xv*sc)
			errY := math.Abs(float64(y[i])-want) / (math.Abs(want) + 1e-30)
			if math.Abs(want) > 1e-36 {
				worst = max(worst, errY)
			}
			if math.Abs(float64(y[i])-want) > 3e-7*math.Abs(want)+2e-36 {
				t.Fatalf("silu(%v) = %v, want %v", v, y[i], want)
			}
			if math.Abs(float64(d[i])-wantD) > 1e-6*math.Abs(wantD)+1e-7 {
				t.Fatalf("silu'(%v) = %v, want %v", v, d[i], wantD)
			}
		}
		t.Logf("largest relative error of silu: %.2g", worst)
	})
}
