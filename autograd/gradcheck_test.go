package autograd_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/internal/gradcheck"
	"github.com/harmonic-go/harmonic/tensor"
)

// tapeCase is one op (or composition) to check. Build records it on a tape
// from leaves holding Inputs; Ref computes the same function in float64.
type tapeCase struct {
	Name   string
	Inputs []*tensor.Tensor
	Build  func(tp *Tape, in []*Var) *Var
	Ref    func(in [][]float64) []float64
	// Tol and FwdTol are gradcheck.Func's (defaults 1e-3 and 1e-5).
	Tol, FwdTol float64
}

// checkTape records c once and hands its forward value, Tape.JVP, Tape.VJP
// and (for a scalar output) Backward to gradcheck.Check as plain slices.
func checkTape(t testing.TB, c tapeCase) {
	t.Helper()
	tp := NewTape()
	leaves := make([]*Var, len(c.Inputs))
	xs := make([][]float32, len(c.Inputs))
	for i, x := range c.Inputs {
		leaves[i] = tp.Leaf(x, true)
		xs[i] = x.Data()
	}
	out := c.Build(tp, leaves)
	if err := tp.Err(); err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	f := gradcheck.Func{Name: c.Name, X: xs, Value: out.Value.Data(), Ref: c.Ref, Tol: c.Tol, FwdTol: c.FwdTol,
		JVP: func(inputs []int, tangents [][]float32, k int) ([]float32, error) {
			ls := make([]*Var, len(inputs))
			ts := make([]*tensor.Tensor, len(inputs))
			for p, i := range inputs {
				ls[p] = leaves[i]
				ts[p] = blockOf(t, tangents[p], c.Inputs[i], k)
			}
			jv, err := tp.JVP(out, ls, ts)
			if err != nil {
				return nil, err
			}
			return jv.Data(), nil
		},
		VJP: func(u []float32, k int) ([][]float32, error) {
			grads, err := tp.VJP(out, blockOf(t, u, out.Value, k), leaves)
			if err != nil {
				return nil, err
			}
			r := make([][]float32, len(grads))
			for i, g := range grads {
				r[i] = g.Data()
			}
			return r, nil
		},
	}
	if out.Value.Rank() == 0 {
		f.Grad = func() ([][]float32, error) {
			if err := tp.Backward(out); err != nil {
				return nil, err
			}
			r := make([][]float32, len(leaves))
			for i, l := range leaves {
				r[i] = l.Grad.Data()
			}
			return r, nil
		}
	}
	gradcheck.Check(t, f)
}

// blockOf wraps a flat block of k vectors for value as a tensor of
// BlockShape(value, k).
func blockOf(t testing.TB, data []float32, value *tensor.Tensor, k int) *tensor.Tensor {
	b, err := tensor.FromSlice(data, BlockShape(value, k)...)
	if err != nil {
		t.Fatal(err)
	}
	return b
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
