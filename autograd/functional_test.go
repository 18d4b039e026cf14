package autograd_test

import (
	"math"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// f(x) = Σ relu(x)·x has gradient 2·relu(x), and J·v = Σ 2·relu(x)·v.
func TestFunctionalJVPVJP(t *testing.T) {
	x, _ := tensor.FromSlice([]float32{1, -2, 3}, 1, 3)
	v, _ := tensor.FromSlice([]float32{1, 1, 1, 0, 1, -1}, 2, 3) // two tangents
	f := func(tp *Tape, x *Var) *Var { return Sum(Mul(ReLU(x), x)) }
	fx, jv, err := JVP(f, x, v)
	if err != nil {
		t.Fatal(err)
	}
	if fx.Data()[0] != 10 || jv.Data()[0] != 8 || jv.Data()[1] != -6 {
		t.Fatalf("f = %v, Jv = %v; want 10 and [8 -6]", fx.Data(), jv.Data())
	}
	u, _ := tensor.FromSlice([]float32{1, 0.5}, 2)
	_, g, err := VJP(f, x, u)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{2, 0, 6, 1, 0, 3}
	for i, w := range want {
		if math.Abs(float64(g.Data()[i]-w)) > 0 {
			t.Fatalf("Jᵀu = %v, want %v", g.Data(), want)
		}
	}
	if _, _, err := JVP(f, x, tensor.New(2, 4)); err == nil {
		t.Error("tangent [2 4] for x [1 3] accepted")
	}
}
