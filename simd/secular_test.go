package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSecularSums checks every level against a float64 loop in the
// documented lane order (bit equality) and against a plain sum (closeness),
// at lengths covering whole vectors and every tail.
func TestSecularSums(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 7, 8, 9, 15, 16, 17, 63, 100, 701} {
		sh := make([]float64, n)
		z := make([]float64, n)
		for j := range sh {
			sh[j] = float64(j) - float64(n)/2 + 0.5*r.Float64()
			z[j] = r.NormFloat64()
		}
		tau := 0.123
		var want [3]float64
		for j := range sh {
			e := z[j] * z[j] / (sh[j] - tau)
			want[0] += e
			want[1] += (z[j] / (sh[j] - tau)) * (z[j] / (sh[j] - tau))
			want[2] += math.Abs(e)
		}
		wantBits := [3]float64{}
		wantBits[0], wantBits[1], wantBits[2] = laneOrderSums(sh, z, tau)
		forEachLevel(t, func(t *testing.T) {
			s, d, a := SecularSums(sh, z, tau)
			got := [3]float64{s, d, a}
			for q := range got {
				if math.Float64bits(got[q]) != math.Float64bits(wantBits[q]) {
					t.Errorf("n=%d sum %d: %v, lane-order loop %v", n, q, got[q], wantBits[q])
				}
				if math.Abs(got[q]-want[q]) > 1e-12*want[2]*float64(n) {
					t.Errorf("n=%d sum %d: %v, plain sum %v", n, q, got[q], want[q])
				}
			}
		})
	}
}

// laneOrderSums is the documented order written out independently of
// secularSumsGeneric: per lane in one pass, then the fixed tree.
func laneOrderSums(sh, z []float64, tau float64) (float64, float64, float64) {
	var out [3]float64
	for q := range 3 {
		var lane [8]float64
		for l := range 8 {
			for j := l; j < len(sh); j += 8 {
				t := z[j] / (sh[j] - tau)
				v := [3]float64{z[j] * t, t * t, math.Abs(z[j] * t)}[q]
				lane[l] += v
			}
		}
		out[q] = ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]))
	}
	return out[0], out[1], out[2]
}
