package autograd

import "github.com/harmonic-go/harmonic/tensor"

// ConcatChannels records the channel concatenation of a [B,C1,H,W] and
// b [B,C2,H,W] (a U-Net skip connection).
func ConcatChannels(a, b *Var) *Var {
	return a.tape.record([]*Var{a, b}, func() (*tensor.Tensor, op, error) {
		y, err := tensor.ConcatChannels(a.Value, b.Value)
		if err != nil {
			return nil, nil, err
		}
		return y, concatOp{}, nil
	})
}

type concatOp struct{}

func (concatOp) name() string { return "concat_channels" }

// Blocks of a and b have the same leading size k·B, so their
// concatenation is the block of the output; a missing tangent is zero.
func (concatOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	for i, t := range tin {
		if t == nil {
			tin[i] = tensor.New(blockShape(out.inputs[i].Value, k)...)
		}
	}
	return must(tensor.ConcatChannels(tin[0], tin[1]))
}

func (concatOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	ga, gb, err := tensor.SplitChannels(g, out.inputs[0].Value.Dim(1))
	return []*tensor.Tensor{must(ga, err), gb}
}
