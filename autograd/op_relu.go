package autograd

import (
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// ReLU records max(x, 0). Its derivative at 0 is taken as 0 (as PyTorch).
func ReLU(x *Var) *Var {
	return x.tape.record([]*Var{x}, func() (*tensor.Tensor, op, error) {
		y := tensor.Empty(x.Value.Shape()...)
		yd, xd := y.Data(), x.Value.Data()
		splitElements(len(xd), func(lo, hi int) { simd.ReLU(yd[lo:hi], xd[lo:hi]) })
		return y, reluOp{}, nil
	})
}

type reluOp struct{}

func (reluOp) name() string { return "relu" }

// The Jacobian is the diagonal mask x > 0, the same for every vector of the
// block, so JVP and VJP are one masked copy each.
func (reluOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	return maskBlocks(tin[0], out.inputs[0].Value.Data())
}

func (reluOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	return []*tensor.Tensor{maskBlocks(g, out.inputs[0].Value.Data())}
}

// maskBlocks returns t with the entries where x <= 0 zeroed, x repeated over
// the block's vectors.
func maskBlocks(t *tensor.Tensor, x []float32) *tensor.Tensor {
	y := tensor.Empty(t.Shape()...)
	yd, td, n := y.Data(), t.Data(), len(x)
	for j := 0; j < len(td); j += n {
		yj, tj := yd[j:j+n], td[j:j+n]
		splitElements(n, func(lo, hi int) { simd.ReLUBackward(yj[lo:hi], tj[lo:hi], x[lo:hi]) })
	}
	return y
}

// minParallelElements is the size below which an elementwise pass stays on
// the calling goroutine: starting a second one costs more than it saves.
const minParallelElements = 1 << 15

// splitElements runs body over [0, n) in one piece or split across threads;
// elementwise work gives the same bits either way.
func splitElements(n int, body func(lo, hi int)) {
	if n < minParallelElements {
		body(0, n)
		return
	}
	parallel.For(n, body)
}
