package autograd

import (
	"fmt"
	"slices"

	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Add records a + b (equal shapes: the networks never broadcast here, and a
// shape mismatch is more likely a bug than an intended broadcast).
func Add(a, b *Var) *Var { return a.tape.linear2(a, b, 1, "add") }

// Sub records a − b (equal shapes).
func Sub(a, b *Var) *Var { return a.tape.linear2(a, b, -1, "sub") }

// linear2 records a + sb·b, the shared form of Add and Sub.
func (tp *Tape) linear2(a, b *Var, sb float32, name string) *Var {
	return tp.record([]*Var{a, b}, func() (*tensor.Tensor, op, error) {
		if !slices.Equal(a.Value.Shape(), b.Value.Shape()) {
			return nil, nil, fmt.Errorf("%s: shapes %v and %v differ", name, a.Value.Shape(), b.Value.Shape())
		}
		y := tensor.Empty(a.Value.Shape()...)
		axpby(y.Data(), 1, a.Value.Data(), sb, b.Value.Data())
		return y, addOp{label: name, sb: sb}, nil
	})
}

type addOp struct {
	label string
	sb    float32
}

func (o addOp) name() string { return o.label }

func (o addOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	ta, tb := tin[0], tin[1]
	switch {
	case tb == nil:
		return ta
	case ta == nil && o.sb == 1:
		return tb
	}
	y := tensor.Empty(tb.Shape()...)
	if ta == nil {
		axpby(y.Data(), 0, nil, o.sb, tb.Data())
	} else {
		axpby(y.Data(), 1, ta.Data(), o.sb, tb.Data())
	}
	return y
}

func (o addOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	res := []*tensor.Tensor{g, g}
	if need[1] && o.sb != 1 {
		res[1] = tensor.Empty(g.Shape()...)
		axpby(res[1].Data(), 0, nil, o.sb, g.Data())
	}
	return res
}

// axpby sets dst = a·x + b·y (x ignored when a == 0).
func axpby(dst []float32, a float32, x []float32, b float32, y []float32) {
	y = y[:len(dst)]
	switch {
	case a == 1 && b == 1:
		simd.Add(dst, x[:len(dst)], y)
		return
	case a == 1 && b == -1:
		simd.Sub(dst, x[:len(dst)], y)
		return
	}
	if a == 0 {
		for i, v := range y {
			dst[i] = b * v
		}
		return
	}
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = a*x[i] + b*y[i]
	}
}

// Scale records s·a for a constant s.
func Scale(a *Var, s float32) *Var {
	return a.tape.record([]*Var{a}, func() (*tensor.Tensor, op, error) {
		y := tensor.Empty(a.Value.Shape()...)
		axpby(y.Data(), 0, nil, s, a.Value.Data())
		return y, scaleOp{s}, nil
	})
}

type scaleOp struct{ s float32 }

func (scaleOp) name() string { return "scale" }

func (o scaleOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	y := tensor.Empty(tin[0].Shape()...)
	axpby(y.Data(), 0, nil, o.s, tin[0].Data())
	return y
}

func (o scaleOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	return []*tensor.Tensor{o.jvp(out, []*tensor.Tensor{g}, k)}
}

// Mul records the elementwise product a·b (equal shapes).
func Mul(a, b *Var) *Var {
	return a.tape.record([]*Var{a, b}, func() (*tensor.Tensor, op, error) {
		if !slices.Equal(a.Value.Shape(), b.Value.Shape()) {
			return nil, nil, fmt.Errorf("mul: shapes %v and %v differ", a.Value.Shape(), b.Value.Shape())
		}
		y := tensor.Empty(a.Value.Shape()...)
		ad, bd, yd := a.Value.Data(), b.Value.Data(), y.Data()
		for i := range yd {
			yd[i] = ad[i] * bd[i]
		}
		return y, mulOp{}, nil
	})
}

type mulOp struct{}

func (mulOp) name() string { return "mul" }

// jvp: d(a·b) = da·b + a·db, with the primal factors broadcast over the k
// vectors of the block.
func (mulOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	a, b := out.inputs[0].Value.Data(), out.inputs[1].Value.Data()
	y := tensor.New(blockShape(out.Value, k)...)
	mulAddBlocks(y.Data(), tin[0], b)
	mulAddBlocks(y.Data(), tin[1], a)
	return y
}

func (mulOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	res := make([]*tensor.Tensor, 2)
	for i := range res {
		if need[i] {
			res[i] = tensor.New(g.Shape()...)
			mulAddBlocks(res[i].Data(), g, out.inputs[1-i].Value.Data())
		}
	}
	return res
}

// mulAddBlocks adds t·f to dst, where t is a block of vectors of len(f) and f
// is repeated over the block; a nil t adds nothing.
func mulAddBlocks(dst []float32, t *tensor.Tensor, f []float32) {
	if t == nil {
		return
	}
	td, n := t.Data(), len(f)
	for j := 0; j < len(td); j += n {
		d, x := dst[j:j+n], td[j:j+n]
		for i, v := range f {
			d[i] += x[i] * v
		}
	}
}
