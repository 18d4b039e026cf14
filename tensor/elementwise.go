package tensor

import (
	"fmt"
	"slices"

	"github.com/harmonic-go/harmonic/simd"
)

// binOp names an elementwise binary operation.
type binOp int

const (
	opAdd binOp = iota
	opSub
	opMul
	opDiv
)

var binOpNames = [...]string{"add", "sub", "mul", "div"}

// Add returns a + b with numpy broadcasting.
func Add(a, b *Tensor) (*Tensor, error) { return binaryNew(opAdd, a, b) }

// Sub returns a - b with numpy broadcasting.
func Sub(a, b *Tensor) (*Tensor, error) { return binaryNew(opSub, a, b) }

// Mul returns a * b (elementwise) with numpy broadcasting.
func Mul(a, b *Tensor) (*Tensor, error) { return binaryNew(opMul, a, b) }

// Div returns a / b (elementwise, IEEE: x/0 is ±Inf or NaN) with numpy broadcasting.
func Div(a, b *Tensor) (*Tensor, error) { return binaryNew(opDiv, a, b) }

// AddInto stores a + b in dst, whose shape must be the broadcast shape. dst
// may be a or b (or share their buffer element for element); other partial
// overlaps give unspecified results.
func AddInto(dst, a, b *Tensor) error { return binaryInto(opAdd, dst, a, b) }

// SubInto stores a - b in dst (see AddInto).
func SubInto(dst, a, b *Tensor) error { return binaryInto(opSub, dst, a, b) }

// MulInto stores a * b in dst (see AddInto).
func MulInto(dst, a, b *Tensor) error { return binaryInto(opMul, dst, a, b) }

// DivInto stores a / b in dst (see AddInto).
func DivInto(dst, a, b *Tensor) error { return binaryInto(opDiv, dst, a, b) }

// AddInPlace computes t += b; b must broadcast to t's shape (t never grows).
func (t *Tensor) AddInPlace(b *Tensor) error { return binaryInto(opAdd, t, t, b) }

// SubInPlace computes t -= b (see AddInPlace).
func (t *Tensor) SubInPlace(b *Tensor) error { return binaryInto(opSub, t, t, b) }

// MulInPlace computes t *= b (see AddInPlace).
func (t *Tensor) MulInPlace(b *Tensor) error { return binaryInto(opMul, t, t, b) }

// DivInPlace computes t /= b (see AddInPlace).
func (t *Tensor) DivInPlace(b *Tensor) error { return binaryInto(opDiv, t, t, b) }

func binaryNew(op binOp, a, b *Tensor) (*Tensor, error) {
	shape, err := BroadcastShapes(a.shape, b.shape)
	if err != nil {
		return nil, fmt.Errorf("tensor: %s: %w", binOpNames[op], unwrapPrefix(err))
	}
	out, err := emptyChecked(shape...)
	if err != nil {
		return nil, err
	}
	applyBinary(op, out, a, b)
	return out, nil
}

func binaryInto(op binOp, dst, a, b *Tensor) error {
	shape, err := BroadcastShapes(a.shape, b.shape)
	if err != nil {
		return fmt.Errorf("tensor: %s: %w", binOpNames[op], unwrapPrefix(err))
	}
	if !slices.Equal(shape, dst.shape) {
		return fmt.Errorf("tensor: %s: result of shapes %v and %v has shape %v, destination has %v",
			binOpNames[op], a.shape, b.shape, shape, dst.shape)
	}
	applyBinary(op, dst, a, b)
	return nil
}

// unwrapPrefix drops the "tensor: " prefix of an inner error so wrapped
// messages read "tensor: add: cannot broadcast ...".
func unwrapPrefix(err error) error {
	const p = "tensor: "
	if s := err.Error(); len(s) > len(p) && s[:len(p)] == p {
		return fmt.Errorf("%s", s[len(p):])
	}
	return err
}

// applyBinary computes dst = a op b; dst has the broadcast shape.
func applyBinary(op binOp, dst, a, b *Tensor) {
	if dst.IsContiguous() && a.IsContiguous() && b.IsContiguous() &&
		slices.Equal(a.shape, dst.shape) && slices.Equal(b.shape, dst.shape) {
		binaryRow(op, dst.Data(), a.Data(), 1, b.Data(), 1)
		return
	}
	// Like numpy, an operand that overlaps dst other than element for element
	// (t.AddInPlace(transposed t)) is copied first, so no input is read after
	// it has been overwritten.
	a, b = unaliased(dst, a), unaliased(dst, b)
	it := newStridedIter(dst.shape, dst.strides, broadcastStrides(a, dst.shape), broadcastStrides(b, dst.shape))
	n := it.rowLen
	sd, sa, sb := it.inner[0], it.inner[1], it.inner[2]
	var tmp []float32
	if sd != 1 {
		// A strided destination (an in-place op on a transposed view) goes
		// through a row buffer so the row kernels stay simple.
		tmp = make([]float32, n)
	}
	it.rows([]int{dst.offset, a.offset, b.offset}, func(o []int) {
		if sd == 1 {
			binaryRow(op, dst.data[o[0]:o[0]+n], a.data[o[1]:], sa, b.data[o[2]:], sb)
			return
		}
		binaryRow(op, tmp, a.data[o[1]:], sa, b.data[o[2]:], sb)
		for i, v := range tmp {
			dst.data[o[0]+i*sd] = v
		}
	})
}

// unaliased returns src, or a copy of it when it shares dst's buffer with a
// different layout.
func unaliased(dst, src *Tensor) *Tensor {
	if !sameBuffer(dst.data, src.data) {
		return src
	}
	if src.offset == dst.offset && slices.Equal(src.shape, dst.shape) && slices.Equal(src.strides, dst.strides) {
		return src
	}
	return src.Clone()
}

// sameBuffer reports whether two slices share a backing array (their last
// element by capacity is the same), without package unsafe.
func sameBuffer(x, y []float32) bool {
	if cap(x) == 0 || cap(y) == 0 {
		return false
	}
	return &x[:cap(x)][cap(x)-1] == &y[:cap(y)][cap(y)-1]
}

// binaryRow computes dst[i] = x[i·sx] op y[i·sy] for i < len(dst); strides
// are 0 (a broadcast scalar) or positive. Equal unit strides go to the simd
// kernels, which round exactly like the loops below.
func binaryRow(op binOp, dst, x []float32, sx int, y []float32, sy int) {
	n := len(dst)
	if sx == 1 && sy == 1 {
		x, y = x[:n], y[:n]
		switch op {
		case opAdd:
			simd.Add(dst, x, y)
		case opSub:
			simd.Sub(dst, x, y)
		case opMul:
			simd.Mul(dst, x, y)
		case opDiv:
			for i := range dst {
				dst[i] = x[i] / y[i]
			}
		}
		return
	}
	if op == opMul && sx == 1 && sy == 0 && n > 0 {
		// Per-channel scaling (batch norm): a simd Scale of the row.
		if &dst[0] != &x[0] {
			copy(dst, x[:n])
		}
		simd.Scale(y[0], dst)
		return
	}
	switch op {
	case opAdd:
		for i := range dst {
			dst[i] = x[i*sx] + y[i*sy]
		}
	case opSub:
		for i := range dst {
			dst[i] = x[i*sx] - y[i*sy]
		}
	case opMul:
		for i := range dst {
			dst[i] = x[i*sx] * y[i*sy]
		}
	case opDiv:
		for i := range dst {
			dst[i] = x[i*sx] / y[i*sy]
		}
	}
}

// Scale returns s·a as a new contiguous tensor.
func Scale(a *Tensor, s float32) *Tensor {
	out := a.Clone()
	simd.Scale(s, out.data)
	return out
}

// ScaleInPlace computes t *= s.
func (t *Tensor) ScaleInPlace(s float32) {
	if t.IsContiguous() {
		simd.Scale(s, t.Data())
		return
	}
	t.eachRun(func(off, stride, n int) {
		for i := 0; i < n; i++ {
			t.data[off+i*stride] *= s
		}
	})
}

// AddScaledInPlace computes t += alpha·b (axpy), with b broadcast to t's shape.
// The contiguous same-shape case runs the simd Axpy kernel; like the other
// elementwise kernels it rounds the product and the sum separately.
func (t *Tensor) AddScaledInPlace(alpha float32, b *Tensor) error {
	if t.IsContiguous() && b.IsContiguous() && slices.Equal(t.shape, b.shape) {
		simd.Axpy(alpha, b.Data(), t.Data())
		return nil
	}
	shape, err := BroadcastShapes(t.shape, b.shape)
	if err != nil {
		return fmt.Errorf("tensor: add scaled: %w", unwrapPrefix(err))
	}
	if !slices.Equal(shape, t.shape) {
		return fmt.Errorf("tensor: add scaled: %v does not broadcast to the receiver's shape %v", b.shape, t.shape)
	}
	it := newStridedIter(t.shape, t.strides, broadcastStrides(b, t.shape))
	n, st, sb := it.rowLen, it.inner[0], it.inner[1]
	it.rows([]int{t.offset, b.offset}, func(o []int) {
		for i := 0; i < n; i++ {
			// The conversion forbids fusing into an FMA (Go spec), matching simd.Axpy.
			t.data[o[0]+i*st] += float32(alpha * b.data[o[1]+i*sb])
		}
	})
	return nil
}

// Map returns f applied to every element of a, as a new contiguous tensor.
func Map(a *Tensor, f func(float32) float32) *Tensor {
	out := a.Clone()
	for i, v := range out.data {
		out.data[i] = f(v)
	}
	return out
}
