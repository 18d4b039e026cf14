package autograd_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

func globalPoolRef(x []float64, planes, hw int) []float64 {
	y := make([]float64, planes)
	for p := range y {
		for i := range hw {
			y[p] += x[p*hw+i]
		}
		y[p] /= float64(hw)
	}
	return y
}

func TestGlobalAvgPool(t *testing.T) {
	rng := rand.New(rand.NewPCG(62, 63))
	for _, s := range [][4]int{{2, 3, 4, 5}, {1, 1, 1, 1}, {3, 2, 7, 7}} {
		x := randTensor(rng, 1, s[0], s[1], s[2], s[3])
		checkTape(t, tapeCase{Name: "global_avg_pool", Inputs: []*tensor.Tensor{x},
			Build: func(_ *Tape, v []*Var) *Var { return GlobalAvgPool(v[0]) },
			Ref:   func(in [][]float64) []float64 { return globalPoolRef(in[0], s[0]*s[1], s[2]*s[3]) }})
	}
	tp := NewTape()
	GlobalAvgPool(tp.Leaf(tensor.New(2, 3), true))
	if tp.Err() == nil {
		t.Error("a [2 3] input was pooled")
	}
}
