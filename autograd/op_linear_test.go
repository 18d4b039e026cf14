package autograd_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// linearRef is x·Wᵀ + b in float64 (b nil: no bias), x [n,in], w [out,in].
func linearRef(x, w, b []float64, n, in, out int) []float64 {
	y := make([]float64, n*out)
	for r := range n {
		for o := range out {
			var s float64
			for i := range in {
				s += x[r*in+i] * w[o*in+i]
			}
			if b != nil {
				s += b[o]
			}
			y[r*out+o] = s
		}
	}
	return y
}

func TestLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(30, 31))
	for _, c := range []struct{ n, in, out int }{{3, 4, 5}, {1, 6, 2}, {4, 1, 3}} {
		x := randTensor(rng, 1, c.n, c.in)
		w := randTensor(rng, 1, c.out, c.in)
		b := randTensor(rng, 1, c.out)
		checkTape(t, tapeCase{Name: "linear", Inputs: []*tensor.Tensor{x, w, b},
			Build: func(_ *Tape, v []*Var) *Var { return Linear(v[0], v[1], v[2]) },
			Ref:   func(in [][]float64) []float64 { return linearRef(in[0], in[1], in[2], c.n, c.in, c.out) }})
		checkTape(t, tapeCase{Name: "linear_nobias", Inputs: []*tensor.Tensor{x, w},
			Build: func(_ *Tape, v []*Var) *Var { return Linear(v[0], v[1], nil) },
			Ref:   func(in [][]float64) []float64 { return linearRef(in[0], in[1], nil, c.n, c.in, c.out) }})
	}
}

func TestLinearShapeErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		x, w, b []int
	}{
		{"inner sizes differ", []int{2, 3}, []int{4, 5}, []int{4}},
		{"bias size", []int{2, 3}, []int{4, 3}, []int{3}},
		{"input not 2-D", []int{2, 3, 1}, []int{4, 3}, []int{4}},
		{"bias not 1-D", []int{2, 3}, []int{4, 3}, []int{1, 4}},
	} {
		tp := NewTape()
		Linear(tp.Leaf(tensor.New(c.x...), true), tp.Leaf(tensor.New(c.w...), true), tp.Leaf(tensor.New(c.b...), true))
		if tp.Err() == nil {
			t.Errorf("%s: x %v, w %v, b %v accepted", c.name, c.x, c.w, c.b)
		}
	}
}
