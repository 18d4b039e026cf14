package autograd

import "github.com/harmonic-go/harmonic/tensor"

// UpsampleNearest2x records nearest-neighbour ×2 upsampling of x
// [B,C,H,W] to [B,C,2H,2W] (the tc-unet decoder's upsampling).
func UpsampleNearest2x(x *Var) *Var {
	return x.tape.record([]*Var{x}, func() (*tensor.Tensor, op, error) {
		y, err := tensor.UpsampleNearest2x(x.Value)
		if err != nil {
			return nil, nil, err
		}
		return y, upsampleOp{}, nil
	})
}

type upsampleOp struct{}

func (upsampleOp) name() string { return "upsample_nearest2x" }

// Linear and per image, as pooling: a block of k·B tangents is upsampled as
// one batch, and the VJP is the adjoint (the sum of each 2×2 block).
func (upsampleOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	return must(tensor.UpsampleNearest2x(tin[0]))
}

func (upsampleOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	return []*tensor.Tensor{must(tensor.UpsampleNearest2xBackward(g))}
}
