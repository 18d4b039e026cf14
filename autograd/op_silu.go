package autograd

import (
	"sync"
	"sync/atomic"

	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// SiLU records x·sigmoid(x) (PyTorch's F.silu), elementwise (simd.SiLU:
// within a few ulp of the exact value, the same bits on every kernel set).
func SiLU(x *Var) *Var {
	return x.tape.record([]*Var{x}, func() (*tensor.Tensor, op, error) {
		y := tensor.Empty(x.Value.Shape()...)
		yd, xd := y.Data(), x.Value.Data()
		splitElements(len(xd), func(lo, hi int) { simd.SiLU(yd[lo:hi], xd[lo:hi]) })
		return y, &siluOp{}, nil
	})
}

// siluOp keeps the derivative silu'(x), computed on its second use and
// shared by every later JVP and VJP of the recording (a Jacobian spectrum
// applies it thousands of times; the exponential is the expensive part).
// The first use, when it is a VJP of one vector (a training step's only
// one), multiplies by the derivative as it computes it instead, without
// keeping it. Both paths give the same bits.
type siluOp struct{ keptDerivative }

func (*siluOp) name() string { return "silu" }

func (o *siluOp) derivative(x []float32) []float32 {
	return o.kept(len(x), func(d []float32) {
		splitElements(len(x), func(lo, hi int) { simd.SiLUDerivative(d[lo:hi], x[lo:hi]) })
	})
}

// keptDerivative is an elementwise derivative computed once, on first
// request, and the count of the op's uses that decides when to keep it.
type keptDerivative struct {
	once  sync.Once
	deriv *tensor.Tensor
	uses  atomic.Int32
}

// kept returns the n-value derivative, filling it on the first call.
func (k *keptDerivative) kept(n int, fill func(d []float32)) []float32 {
	k.once.Do(func() {
		k.deriv = tensor.Empty(n) // a recycled buffer when one is free
		fill(k.deriv.Data())
	})
	return k.deriv.Data()
}

// releaseBuffers recycles the derivative once the recording is released
// (a training step's tape would otherwise drop one such buffer per op).
func (k *keptDerivative) releaseBuffers() {
	if k.deriv != nil {
		tensor.Recycle(k.deriv)
		k.deriv = nil
	}
}

// The Jacobian is diagonal, the same for every vector of the block.
func (o *siluOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	o.uses.Add(1)
	return scaleBlocks(tin[0], o.derivative(out.inputs[0].Value.Data()))
}

func (o *siluOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	x := out.inputs[0].Value.Data()
	if o.uses.Add(1) == 1 && k == 1 {
		y := tensor.Empty(g.Shape()...)
		yd, gd := y.Data(), g.Data()
		splitElements(len(x), func(lo, hi int) { simd.SiLUBackward(yd[lo:hi], gd[lo:hi], x[lo:hi]) })
		return []*tensor.Tensor{y}
	}
	return []*tensor.Tensor{scaleBlocks(g, o.derivative(x))}
}

// scaleBlocks returns t·f elementwise, f repeated over the block's vectors.
func scaleBlocks(t *tensor.Tensor, f []float32) *tensor.Tensor {
	y := tensor.Empty(t.Shape()...)
	yd, td, n := y.Data(), t.Data(), len(f)
	for j := 0; j < len(td); j += n {
		yj, tj := yd[j:j+n], td[j:j+n]
		splitElements(n, func(lo, hi int) { simd.Mul(yj[lo:hi], tj[lo:hi], f[lo:hi]) })
	}
	return y
}
