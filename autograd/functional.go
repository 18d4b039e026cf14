package autograd

import "github.com/harmonic-go/harmonic/tensor"

// Func is a differentiable function of one tensor, recorded on a tape.
type Func func(tp *Tape, x *Var) *Var

// JVP evaluates f at x and returns f(x) and the block J·V, where V holds k
// tangents in block layout ([k·B,...] for x [B,...]). To apply the same
// Jacobian many times, record f once and call Tape.JVP repeatedly instead.
func JVP(f Func, x, v *tensor.Tensor) (fx, jv *tensor.Tensor, err error) {
	tp := NewTape()
	in := tp.Leaf(x.Contiguous(), true)
	out := f(tp, in)
	if err := tp.Err(); err != nil {
		return nil, nil, err
	}
	jv, err = tp.JVP(out, []*Var{in}, []*tensor.Tensor{v.Contiguous()})
	return out.Value, jv, err
}

// VJP evaluates f at x and returns f(x) and the block Jᵀ·U for k
// cotangents U in block layout of f(x).
func VJP(f Func, x, u *tensor.Tensor) (fx, jtu *tensor.Tensor, err error) {
	tp := NewTape()
	in := tp.Leaf(x.Contiguous(), true)
	out := f(tp, in)
	if err := tp.Err(); err != nil {
		return nil, nil, err
	}
	g, err := tp.VJP(out, u.Contiguous(), []*Var{in})
	if err != nil {
		return nil, nil, err
	}
	return out.Value, g[0], nil
}
