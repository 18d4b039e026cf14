// Package tensor holds dense float32 arrays and the numerical routines the
// engine is built from: GEMM, convolution, pooling, reductions, RNG and I/O.
package tensor

import (
	"fmt"
)

// Tensor is a strided view of a float32 buffer. Several tensors may share one
// buffer (views from Reshape, Slice, Transpose); element (i0, i1, ...) lives at
// data[offset + Σ i_k·strides[k]].
type Tensor struct {
	shape   []int
	strides []int
	offset  int
	data    []float32
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
	return &Tensor{shape: clone(shape), strides: contiguousStrides(shape), data: make([]float32, n)}, nil
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

func numel(shape []int) (int, error) {
	n := 1
	for _, s := range shape {
		if s < 0 {
			return 0, fmt.Errorf("tensor: negative size in shape %v", shape)
		}
		n *= s
	}
	return n, nil
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
