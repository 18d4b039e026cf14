// Package tensor holds strided float32 arrays and the numerical routines the
// engine is built from. A Tensor is a view (shape, strides, offset) of a
// buffer, so Slice, Transpose and Permute copy nothing (nor does Reshape of a
// contiguous tensor); elementwise operations broadcast as numpy does. Beside them: reductions, the packed
// GEMM (MatMul, Gemm), 3×3 convolutions (direct, implicit GEMM and
// Winograd), the 2×2 transposed convolution, 2×2 average pooling, buffer
// recycling (Empty, Recycle), weight snapshots and a seeded RNG. Images are
// [B,C,H,W]; errors name the shapes.
//
// float64 linear algebra lives in tensor/linalg, file formats in
// tensor/codec, transforms in tensor/dsp.
package tensor

import (
	"fmt"
	"strings"
)

// Tensor is a strided view of a float32 buffer. Several tensors may share one
// buffer (views from Reshape, Slice, Transpose); element (i0, i1, ...) lives at
// data[offset + Σ i_k·strides[k]].
type Tensor struct {
	shape   []int
	strides []int
	offset  int
	data    []float32
	owned   bool // data is a whole buffer from New or Empty (see Recycle)
}

// New returns a zero-filled contiguous tensor. It panics on a negative size
// (a programmer error); use NewChecked where sizes come from a user.
func New(shape ...int) *Tensor {
	t, err := NewChecked(shape...)
	if err != nil {
		panic(err)
	}
	return t
}

// NewChecked is New that reports bad sizes as an error.
func NewChecked(shape ...int) (*Tensor, error) {
	n, err := numel(shape)
	if err != nil {
		return nil, err
	}
	return &Tensor{shape: clone(shape), strides: contiguousStrides(shape), data: make([]float32, n), owned: true}, nil
}

// FromSlice wraps data (not copied) as a contiguous tensor of the given shape.
func FromSlice(data []float32, shape ...int) (*Tensor, error) {
	n, err := numel(shape)
	if err != nil {
		return nil, err
	}
	if n != len(data) {
		return nil, fmt.Errorf("tensor: %d values cannot have shape %v (%d elements)", len(data), shape, n)
	}
	return &Tensor{shape: clone(shape), strides: contiguousStrides(shape), data: data}, nil
}

// Shape returns a copy of the shape.
func (t *Tensor) Shape() []int { return clone(t.shape) }

// Dim returns the size of axis i.
func (t *Tensor) Dim(i int) int { return t.shape[i] }

// Rank is the number of axes.
func (t *Tensor) Rank() int { return len(t.shape) }

// Strides returns a copy of the strides (in elements).
func (t *Tensor) Strides() []int { return clone(t.strides) }

// Numel is the number of elements.
func (t *Tensor) Numel() int {
	n := 1
	for _, s := range t.shape {
		n *= s
	}
	return n
}

// IsContiguous reports whether the elements are laid out densely in row-major order.
func (t *Tensor) IsContiguous() bool {
	want := 1
	for i := len(t.shape) - 1; i >= 0; i-- {
		if t.shape[i] != 1 && t.strides[i] != want {
			return false
		}
		want *= t.shape[i]
	}
	return true
}

// Data returns the elements of a contiguous tensor as a slice sharing its
// buffer. It panics on a non-contiguous view (call Contiguous first).
func (t *Tensor) Data() []float32 {
	if !t.IsContiguous() {
		panic("tensor: Data on a non-contiguous view; call Contiguous first")
	}
	return t.data[t.offset : t.offset+t.Numel()]
}

func contiguousStrides(shape []int) []int {
	st := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= shape[i]
	}
	return st
}

func clone(s []int) []int { return append([]int(nil), s...) }

// Zeros is New under the name numpy users look for.
func Zeros(shape ...int) *Tensor { return New(shape...) }

// Ones returns a contiguous tensor filled with 1.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// Full returns a contiguous tensor filled with v. Like New it panics on a
// negative size.
func Full(v float32, shape ...int) *Tensor {
	t := New(shape...)
	t.Fill(v)
	return t
}

// Fill sets every element of the view to v (only the view's elements; a view
// of a larger buffer leaves the rest untouched).
func (t *Tensor) Fill(v float32) {
	if t.IsContiguous() {
		d := t.Data()
		for i := range d {
			d[i] = v
		}
		return
	}
	t.eachRun(func(off, stride, n int) {
		for i := 0; i < n; i++ {
			t.data[off+i*stride] = v
		}
	})
}

// At returns the element at idx. Wrong index counts or out-of-range indices
// are programmer errors and panic with the shape in the message.
func (t *Tensor) At(idx ...int) float32 { return t.data[t.index(idx)] }

// Set stores v at idx; it panics like At on a bad index.
func (t *Tensor) Set(v float32, idx ...int) { t.data[t.index(idx)] = v }

func (t *Tensor) index(idx []int) int {
	if len(idx) != len(t.shape) {
		panic(fmt.Sprintf("tensor: %d indices for shape %v", len(idx), t.shape))
	}
	o := t.offset
	for k, i := range idx {
		if i < 0 || i >= t.shape[k] {
			panic(fmt.Sprintf("tensor: index %v out of range for shape %v", idx, t.shape))
		}
		o += i * t.strides[k]
	}
	return o
}

// Clone returns a contiguous copy that shares nothing with t.
func (t *Tensor) Clone() *Tensor {
	out := Empty(t.shape...)
	copyInto(out.data, t)
	return out
}

// Contiguous returns t itself when it is already contiguous (no copy, shared
// buffer) and a contiguous copy otherwise; use Clone to always copy.
func (t *Tensor) Contiguous() *Tensor {
	if t.IsContiguous() {
		return t
	}
	return t.Clone()
}

// copyInto writes the elements of t in row-major order into dst
// (len(dst) == t.Numel()).
func copyInto(dst []float32, t *Tensor) {
	if t.IsContiguous() {
		copy(dst, t.Data())
		return
	}
	i := 0
	t.eachRun(func(off, stride, n int) {
		if stride == 1 { // a slice's runs (Split, channel views): one memmove each
			copy(dst[i:i+n], t.data[off:off+n])
		} else {
			for k := 0; k < n; k++ {
				dst[i+k] = t.data[off+k*stride]
			}
		}
		i += n
	})
}

// eachRun calls f for the runs of t's elements along its last coalesced
// axis, in row-major order: elements data[off], data[off+stride], ...,
// n of them. Loops over runs keep per-element work free of closure calls.
func (t *Tensor) eachRun(f func(off, stride, n int)) {
	it := newStridedIter(t.shape, t.strides)
	n, st := it.rowLen, it.inner[0]
	it.rows([]int{t.offset}, func(o []int) { f(o[0], st, n) })
}

// String prints the shape and, for small tensors, the values (at most 8,
// then "..."); it is meant for debugging and error messages, not for output.
func (t *Tensor) String() string {
	if t == nil {
		return "Tensor(nil)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%v[", t.shape)
	i := 0
	t.eachRun(func(off, stride, n int) {
		for k := 0; k < n; k++ {
			if i < 8 {
				if i > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%g", t.data[off+k*stride])
			} else if i == 8 {
				b.WriteString(" ...")
			}
			i++
		}
	})
	b.WriteByte(']')
	return b.String()
}
