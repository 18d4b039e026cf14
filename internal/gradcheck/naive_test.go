package gradcheck

import (
	"math"
	"math/cmplx"
	"testing"
)

// DFTRef against closed forms: a unit impulse at m transforms to
// exp(-2πi·km/n), and the inverse of the forward transform is n·x.
func TestDFTRef(t *testing.T) {
	const n, m = 12, 5
	x := make([]complex128, n)
	x[m] = 1
	got := DFTRef(x, false)
	for k, v := range got {
		want := cmplx.Exp(complex(0, -2*math.Pi*float64(k*m)/n))
		if cmplx.Abs(v-want) > 1e-12 {
			t.Fatalf("DFT of impulse at %d: bin %d = %v, want %v", m, k, v, want)
		}
	}
	y := []complex128{1, 2i, -3, 0.5 + 1i, 4, -1i, 2, 0}
	back := DFTRef(DFTRef(y, false), true)
	for i, v := range back {
		if want := y[i] * complex(float64(len(y)), 0); cmplx.Abs(v-want) > 1e-12 {
			t.Fatalf("inverse(forward(y))[%d] = %v, want %v", i, v, want)
		}
	}
}
