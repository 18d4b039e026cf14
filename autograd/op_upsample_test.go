package autograd_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

func TestUpsampleNearest2x(t *testing.T) {
	rng := rand.New(rand.NewPCG(36, 37))
	const nb, c, h, w = 2, 2, 3, 2
	x := randTensor(rng, 1, nb, c, h, w)
	checkTape(t, tapeCase{Name: "upsample_nearest2x", Inputs: []*tensor.Tensor{x},
		Build: func(_ *Tape, v []*Var) *Var { return UpsampleNearest2x(v[0]) },
		Ref: func(in [][]float64) []float64 {
			y := make([]float64, 0, 4*len(in[0]))
			for p := range nb * c {
				for i := range 2 * h {
					for j := range 2 * w {
						y = append(y, in[0][(p*h+i/2)*w+j/2])
					}
				}
			}
			return y
		}})
}
