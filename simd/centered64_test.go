package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// centeredAffine64Ref is the contract written out with float64 arithmetic:
// a product or sum of two float32 values formed in float64 and rounded once
// to float32 is the correctly rounded float32 operation (53 ≥ 2·24 + 2
// bits), so this rounds as the kernels must, step by step.
func centeredAffine64Ref(t, x float32, hasT bool, a float32, b, m float64) float32 {
	q := float32(b * (float64(x) - m))
	if !hasT {
		return q
	}
	p := float32(float64(a) * float64(t))
	return float32(float64(p) + float64(q))
}

func TestCenteredAffine64BitsAtEveryLevel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	forEachLevel(t, func(t *testing.T) {
		for _, n := range testLengths {
			for _, withT := range []bool{true, false} {
				// A channel mean of 1000 and a scale of 1e9, as in a VJP
				// through a near-constant channel: float32 centring would
				// lose every digit.
				m, b := 1000+rng.Float64(), 1e9*(rng.Float64()-0.5)
				a := float32(rng.NormFloat64())
				off := 1 + n%7
				buf := make([]float32, 3*(n+off+guardLen))
				for i := range buf {
					buf[i] = math.Float32frombits(guardBits)
				}
				x := buf[off : off+n]
				tv := buf[n+off+guardLen+off : n+off+guardLen+off+n]
				dst := buf[2*(n+off+guardLen)+off : 2*(n+off+guardLen)+off+n]
				for i := range x {
					x[i] = float32(m + 1e-3*rng.NormFloat64())
					tv[i] = float32(rng.NormFloat64())
				}
				var tt []float32
				if withT {
					tt = tv
				}
				CenteredAffine64(dst, tt, x, a, b, m)
				for i := range x {
					want := centeredAffine64Ref(tv[i], x[i], withT, a, b, m)
					if math.Float32bits(dst[i]) != math.Float32bits(want) {
						t.Fatalf("n=%d t=%v: dst[%d] = %v, want %v", n, withT, i, dst[i], want)
					}
				}
				for i, v := range buf {
					inside := (i >= off && i < off+n) || (i >= n+off+guardLen+off && i < n+off+guardLen+off+n) ||
						(i >= 2*(n+off+guardLen)+off && i < 2*(n+off+guardLen)+off+n)
					if !inside && math.Float32bits(v) != guardBits {
						t.Fatalf("n=%d: wrote outside the slices at %d", n, i)
					}
				}
			}
		}
	})
}

func TestCenteredAffine64Aliasing(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		x := make([]float32, 37)
		tv := make([]float32, 37)
		for i := range x {
			x[i], tv[i] = float32(i)*0.25-3, float32(i%5)-2
		}
		want := make([]float32, len(x))
		for i := range x {
			want[i] = centeredAffine64Ref(tv[i], x[i], true, 0.5, 3, 1.5)
		}
		CenteredAffine64(x, tv, x, 0.5, 3, 1.5) // dst is x
		for i := range x {
			if x[i] != want[i] {
				t.Fatalf("dst aliasing x: [%d] = %v, want %v", i, x[i], want[i])
			}
		}
	})
}

func TestCenteredAffine64ShortSlicesPanic(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on a short t")
		}
	}()
	CenteredAffine64(make([]float32, 4), make([]float32, 3), make([]float32, 4), 1, 1, 0)
}
