package autograd

import "github.com/harmonic-go/harmonic/tensor"

// AvgPool2x2 records 2×2 average pooling of x [B,C,H,W] (H, W even).
func AvgPool2x2(x *Var) *Var {
	return x.tape.record([]*Var{x}, func() (*tensor.Tensor, op, error) {
		y, err := tensor.AvgPool2x2(x.Value)
		if err != nil {
			return nil, nil, err
		}
		return y, poolOp{}, nil
	})
}

type poolOp struct{}

func (poolOp) name() string { return "avgpool2x2" }

// Pooling is linear and acts on each image of a batch alone, so a block of
// k·B tangents is pooled as one batch, and the VJP is the adjoint.
func (poolOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	return must(tensor.AvgPool2x2(tin[0]))
}

func (poolOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	return []*tensor.Tensor{must(tensor.AvgPool2x2Backward(g))}
}
