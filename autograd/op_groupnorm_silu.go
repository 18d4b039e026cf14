package autograd

import (
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// GroupNormSiLU records SiLU(GroupNorm(x, weight, bias, groups)), the
// normalization–activation pair in front of every tc-unet convolution, as
// one op: the same values, derivatives and bits as the two ops, but each
// channel is normalized and activated while it is in L1, and the normalized
// values are never stored (the pullback recomputes them one group at a
// time). That saves a write and a read of the activations in the forward
// and three passes over memory in the backward.
func GroupNormSiLU(x, weight, bias *Var, groups int) *Var {
	return recordGroupNorm(x, weight, bias, groups, true)
}

// gnSiLUOp keeps GroupNorm's statistics and, like siluOp, the SiLU
// derivative at the normalized values once a JVP or a second VJP needs it.
type gnSiLUOp struct {
	*gnOp
	keptDerivative
}

func (*gnSiLUOp) name() string { return "groupnorm+silu" }

// derivative returns silu'(z) for the normalized input z, computed once.
func (o *gnSiLUOp) derivative(out *Var) []float32 {
	d := o.d
	return o.kept(d.b*d.c*d.hw, func(dv []float32) {
		x, w, b := out.inputs[0].Value.Data(), out.inputs[1].Value.Data(), out.inputs[2].Value.Data()
		d.eachGroup(1, func(n, q int) {
			for c := q * d.cg; c < (q+1)*d.cg; c++ {
				seg := dv[d.chanOff(n, c) : d.chanOff(n, c)+d.hw]
				o.normalize(seg, x, w, b, n, c)
				simd.SiLUDerivative(seg, seg)
			}
		})
	})
}

// jvp is GroupNorm's tangent times silu'(z), elementwise.
func (o *gnSiLUOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	o.uses.Add(1)
	t := o.gnOp.jvp(out, tin, k)
	y := scaleBlocks(t, o.derivative(out))
	tensor.Recycle(t)
	return y
}

// vjp passes g·silu'(z) to GroupNorm's pullback one group at a time. The
// first VJP of one vector (a training step's only one) recomputes z in the
// goroutine's scratch and multiplies as SiLU's backward does; later ones
// use the kept derivative. Both give the bits of siluOp's pullback.
func (o *gnSiLUOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	d, gd := o.d, g.Data()
	if o.uses.Add(1) == 1 && k == 1 {
		x, w, b := out.inputs[0].Value.Data(), out.inputs[1].Value.Data(), out.inputs[2].Value.Data()
		return o.vjpOf(out, g.Shape(), need, k, d.n(), func(r, q int, buf []float32) []float32 {
			for c := q * d.cg; c < (q+1)*d.cg; c++ {
				z := buf[(c-q*d.cg)*d.hw : (c-q*d.cg+1)*d.hw]
				o.normalize(z, x, w, b, r, c)
				simd.SiLUBackward(z, gd[d.chanOff(r, c):d.chanOff(r, c)+d.hw], z)
			}
			return buf
		})
	}
	f := o.derivative(out)
	return o.vjpOf(out, g.Shape(), need, k, d.n(), func(r, q int, buf []float32) []float32 {
		off, fo := d.groupOff(r, q), d.groupOff(r%d.b, q)
		simd.Mul(buf, gd[off:off+d.n()], f[fo:fo+d.n()])
		return buf
	})
}
