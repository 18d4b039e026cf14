package autograd

import (
	"fmt"
	"slices"

	"github.com/harmonic-go/harmonic/tensor"
)

// Sum records the sum of all elements of x as a scalar (shape []). The sum
// is accumulated in float64 so a large loss does not lose its small terms.
func Sum(x *Var) *Var {
	return x.tape.record([]*Var{x}, func() (*tensor.Tensor, op, error) {
		y := tensor.New()
		y.Data()[0] = float32(sum64(x.Value.Data()))
		return y, sumOp{}, nil
	})
}

type sumOp struct{}

func (sumOp) name() string { return "sum" }

func (sumOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	y := tensor.New(k)
	td, n := tin[0].Data(), out.inputs[0].Value.Numel()
	for j := range k {
		y.Data()[j] = float32(sum64(td[j*n : (j+1)*n]))
	}
	return y
}

// vjp broadcasts each vector's scalar cotangent over the input's shape.
func (sumOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	x := out.inputs[0].Value
	r := tensor.New(blockShape(x, k)...)
	rd, n := r.Data(), x.Numel()
	for j, gj := range g.Data() {
		d := rd[j*n : (j+1)*n]
		for i := range d {
			d[i] = gj
		}
	}
	return []*tensor.Tensor{r}
}

// SquaredError records Σ (a − b)² over all elements as a scalar (equal
// shapes); the training loss divides it by the batch size with Scale.
func SquaredError(a, b *Var) *Var {
	return a.tape.record([]*Var{a, b}, func() (*tensor.Tensor, op, error) {
		if !slices.Equal(a.Value.Shape(), b.Value.Shape()) {
			return nil, nil, fmt.Errorf("squared error: shapes %v and %v differ", a.Value.Shape(), b.Value.Shape())
		}
		diff := make([]float32, a.Value.Numel())
		axpby(diff, 1, a.Value.Data(), -1, b.Value.Data())
		var s float64
		for _, d := range diff {
			s += float64(d) * float64(d)
		}
		y := tensor.New()
		y.Data()[0] = float32(s)
		return y, sqErrOp{diff: diff}, nil
	})
}

// sqErrOp keeps a − b, the only thing both derivatives need.
type sqErrOp struct{ diff []float32 }

func (sqErrOp) name() string { return "squared_error" }

// jvp: d Σ(a−b)² = 2 Σ (a−b)(da − db), per vector of the block.
func (o sqErrOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	y := tensor.New(k)
	n := len(o.diff)
	for i, sign := range []float64{2, -2} {
		if tin[i] == nil {
			continue
		}
		td := tin[i].Data()
		for j := range k {
			var s float64
			for p, v := range td[j*n : (j+1)*n] {
				s += float64(v) * float64(o.diff[p])
			}
			y.Data()[j] += float32(sign * s)
		}
	}
	return y
}

func (o sqErrOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	res := make([]*tensor.Tensor, 2)
	n := len(o.diff)
	for i, sign := range []float32{2, -2} {
		if !need[i] {
			continue
		}
		r := tensor.New(blockShape(out.inputs[i].Value, k)...)
		rd := r.Data()
		for j, gj := range g.Data() {
			c := sign * gj
			for p, d := range o.diff {
				rd[j*n+p] = c * d
			}
		}
		res[i] = r
	}
	return res
}

func sum64(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s
}
