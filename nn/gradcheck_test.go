package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/internal/gradcheck"
	"github.com/harmonic-go/harmonic/tensor"
)

// checkJacobian records f at y once and checks its forward value, Tape.JVP
// and Tape.VJP against the float64 reference ref with gradcheck.Check.
func checkJacobian(t testing.TB, name string, y *tensor.Tensor, fwdTol float64, f autograd.Func, ref func(y []float64) []float64) {
	t.Helper()
	tp := autograd.NewTape()
	in := tp.Leaf(y, true)
	out := f(tp, in)
	if err := tp.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	block := func(data []float32, value *tensor.Tensor, k int) (*tensor.Tensor, error) {
		return tensor.FromSlice(data, autograd.BlockShape(value, k)...)
	}
	gradcheck.Check(t, gradcheck.Func{Name: name, X: [][]float32{y.Data()}, Value: out.Value.Data(), FwdTol: fwdTol,
		Ref: func(x [][]float64) []float64 { return ref(x[0]) },
		JVP: func(_ []int, tangents [][]float32, k int) ([]float32, error) {
			v, err := block(tangents[0], y, k)
			if err != nil {
				return nil, err
			}
			jv, err := tp.JVP(out, []*autograd.Var{in}, []*tensor.Tensor{v})
			if err != nil {
				return nil, err
			}
			return jv.Data(), nil
		},
		VJP: func(u []float32, k int) ([][]float32, error) {
			ub, err := block(u, out.Value, k)
			if err != nil {
				return nil, err
			}
			g, err := tp.VJP(out, ub, []*autograd.Var{in})
			if err != nil {
				return nil, err
			}
			return [][]float32{g[0].Data()}, nil
		},
	})
}

// randTensor returns a tensor of normal values with standard deviation scale.
func randTensor(rng *rand.Rand, scale float64, shape ...int) *tensor.Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	x, err := tensor.FromSlice(gradcheck.Normal(rng, scale, n), shape...)
	if err != nil {
		panic(err)
	}
	return x
}

// to64 copies a tensor's values to float64.
func to64(x *tensor.Tensor) []float64 { return gradcheck.To64(x.Contiguous().Data()) }
