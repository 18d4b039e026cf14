package autograd

import (
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
)

// Conv2d records the bias-free convolution of x [B,Ci,H,W] with
// w [Co,Ci,kh,kw] (zero padding pad, stride stride).
//
// The recording keeps a tensor.Snapshot of w, the values the convolution
// used, for its JVPs and VJPs (as PyTorch saves tensors for backward): a
// snapshot spares every later convolution with it the check that cached
// packed weights are still current.
func Conv2d(x, w *Var, stride, pad int) *Var {
	return x.tape.record([]*Var{x, w}, func() (*tensor.Tensor, op, error) {
		ws := tensor.Snapshot(w.Value)
		y, err := tensor.Conv2d(x.Value, ws, stride, pad)
		if err != nil {
			return nil, nil, err
		}
		return y, convOp{stride: stride, pad: pad, w: ws}, nil
	})
}

type convOp struct {
	stride, pad int
	w           *tensor.Tensor // snapshot of the weight
}

func (convOp) name() string { return "conv2d" }

// jvp: the convolution is bilinear, d(x∗w) = dx∗w + x∗dw. A block of input
// tangents [k·B,...] is itself a batch, so dx∗w is one convolution; the
// weight tangents need one convolution of x per vector.
func (o convOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	x, w := out.inputs[0].Value, o.w
	var y *tensor.Tensor
	if tin[0] != nil {
		y = must(tensor.Conv2d(tin[0], w, o.stride, o.pad))
	} else {
		y = tensor.New(blockShape(out.Value, k)...)
	}
	if tin[1] != nil {
		for j := range k {
			part := must(tensor.Conv2d(x, block(tin[1], w, j), o.stride, o.pad))
			addInto(block(y, out.Value, j).Data(), part.Data())
		}
	}
	return y
}

func (o convOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	x, w := out.inputs[0].Value, o.w
	res := make([]*tensor.Tensor, 2)
	if need[0] {
		res[0] = must(tensor.Conv2dBackwardInput(g, w, x.Dim(2), x.Dim(3), o.stride, o.pad))
	}
	if need[1] {
		res[1] = perVector(w, k, func(j int) *tensor.Tensor {
			return must(tensor.Conv2dBackwardWeight(x, block(g, out.Value, j), w.Dim(2), w.Dim(3), o.stride, o.pad))
		})
	}
	return res
}

// Conv2dBias records Conv2d(x, w, stride, pad) plus b[c] on every pixel of
// output channel c (b [Co]), as one op: the bias is added in place into the
// convolution's output, so the pair costs no second output tensor and no
// extra pass allocating one.
func Conv2dBias(x, w, b *Var, stride, pad int) *Var {
	return x.tape.record([]*Var{x, w, b}, func() (*tensor.Tensor, op, error) {
		ws := tensor.Snapshot(w.Value)
		y, err := tensor.Conv2dBias(x.Value, ws, b.Value, stride, pad)
		if err != nil {
			return nil, nil, err
		}
		o := convBiasOp{conv: convOp{stride: stride, pad: pad, w: ws},
			bias: chanBiasOp{b: y.Dim(0), c: y.Dim(1), hw: y.Dim(2) * y.Dim(3)}}
		return y, o, nil
	})
}

type convBiasOp struct {
	conv convOp
	bias chanBiasOp
}

func (convBiasOp) name() string { return "conv2d_bias" }

// jvp: the convolution's JVP plus the bias tangent, added in place.
func (o convBiasOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	var y *tensor.Tensor
	if tin[0] != nil || tin[1] != nil {
		y = o.conv.jvp(out, tin[:2], k)
	} else {
		y = tensor.New(blockShape(out.Value, k)...)
	}
	if tin[2] != nil {
		o.bias.add(y.Data(), y.Data(), tin[2].Data(), k)
	}
	return y
}

func (o convBiasOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	res := append(o.conv.vjp(out, g, need[:2], k), nil)
	if need[2] {
		res[2] = o.bias.biasGrad(g, k)
	}
	return res
}

// ConvTranspose2x2 records the bias-free transposed convolution with kernel
// 2 and stride 2 of x [B,Ci,H,W] with w [Ci,Co,2,2] (PyTorch layout).
// It keeps a snapshot of w, as Conv2d.
func ConvTranspose2x2(x, w *Var) *Var {
	return x.tape.record([]*Var{x, w}, func() (*tensor.Tensor, op, error) {
		ws := tensor.Snapshot(w.Value)
		y, err := tensor.ConvTranspose2x2(x.Value, ws)
		if err != nil {
			return nil, nil, err
		}
		return y, convTOp{w: ws}, nil
	})
}

type convTOp struct {
	w *tensor.Tensor // snapshot of the weight
}

func (convTOp) name() string { return "conv_transpose2x2" }

// jvp: bilinear as Conv2d.
func (o convTOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	x, w := out.inputs[0].Value, o.w
	var y *tensor.Tensor
	if tin[0] != nil {
		y = must(tensor.ConvTranspose2x2(tin[0], w))
	} else {
		y = tensor.New(blockShape(out.Value, k)...)
	}
	if tin[1] != nil {
		for j := range k {
			part := must(tensor.ConvTranspose2x2(x, block(tin[1], w, j)))
			addInto(block(y, out.Value, j).Data(), part.Data())
		}
	}
	return y
}

func (o convTOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	x, w := out.inputs[0].Value, o.w
	res := make([]*tensor.Tensor, 2)
	if need[0] {
		res[0] = must(tensor.ConvTranspose2x2BackwardInput(g, w))
	}
	if need[1] {
		res[1] = perVector(w, k, func(j int) *tensor.Tensor {
			return must(tensor.ConvTranspose2x2BackwardWeight(x, block(g, out.Value, j)))
		})
	}
	return res
}

// perVector assembles a block for value from one tensor per vector (k = 1
// returns that tensor without copying).
func perVector(value *tensor.Tensor, k int, f func(j int) *tensor.Tensor) *tensor.Tensor {
	if k == 1 {
		return f(0)
	}
	r := tensor.New(blockShape(value, k)...)
	for j := range k {
		copy(block(r, value, j).Data(), f(j).Data())
	}
	return r
}

// must unwraps a tensor routine's result inside a derivative, where the
// shapes were validated by the forward pass: an error there is an engine bug.
func must(t *tensor.Tensor, err error) *tensor.Tensor {
	if err != nil {
		panic(fmt.Sprintf("autograd: derivative of a recorded op failed: %v", err))
	}
	return t
}
