package tensor

import (
	"fmt"
	"slices"
)

// Reshape returns t with a new shape holding the same elements in row-major
// order. One size may be -1; it is inferred from the others, as in numpy.
//
// Like numpy.reshape, the result is a view sharing t's buffer when t is
// contiguous, and a contiguous copy otherwise (a transposed or sliced view
// generally cannot be re-strided). Callers that write through the result and
// need the writes to reach t must pass a contiguous t.
func (t *Tensor) Reshape(shape ...int) (*Tensor, error) {
	want, err := resolveReshape(t.shape, shape)
	if err != nil {
		return nil, err
	}
	src := t.Contiguous()
	return &Tensor{shape: want, strides: contiguousStrides(want), offset: src.offset, data: src.data}, nil
}

// resolveReshape checks that shape has as many elements as from, filling in a
// single -1.
func resolveReshape(from, shape []int) ([]int, error) {
	n := 1
	for _, s := range from {
		n *= s
	}
	want := clone(shape)
	infer := -1
	known := 1
	for i, s := range want {
		switch {
		case s == -1 && infer < 0:
			infer = i
		case s < 0:
			return nil, fmt.Errorf("tensor: cannot reshape %v to %v: bad size %d", from, shape, s)
		default:
			// Division first: known*s may overflow int before any comparison.
			if s != 0 && known > maxElements/s {
				return nil, fmt.Errorf("tensor: cannot reshape %v: %s", from, tooManyElements(shape))
			}
			known *= s
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			return nil, fmt.Errorf("tensor: cannot reshape %v (%d elements) to %v", from, n, shape)
		}
		want[infer] = n / known
		known = n
	}
	if known != n {
		return nil, fmt.Errorf("tensor: cannot reshape %v (%d elements) to %v (%d elements)", from, n, shape, known)
	}
	return want, nil
}

// Slice returns the view of elements lo <= i < hi along axis (no copy).
func (t *Tensor) Slice(axis, lo, hi int) (*Tensor, error) {
	if axis < 0 || axis >= len(t.shape) {
		return nil, fmt.Errorf("tensor: slice axis %d out of range for shape %v", axis, t.shape)
	}
	if lo < 0 || hi < lo || hi > t.shape[axis] {
		return nil, fmt.Errorf("tensor: slice [%d, %d) out of range for axis %d of shape %v", lo, hi, axis, t.shape)
	}
	v := t.view()
	v.shape[axis] = hi - lo
	if hi > lo {
		// An empty slice keeps the old offset so it never points past the buffer.
		v.offset += lo * t.strides[axis]
	}
	return v, nil
}

// Transpose returns the view with axes a and b swapped (no copy).
func (t *Tensor) Transpose(a, b int) (*Tensor, error) {
	r := len(t.shape)
	if a < 0 || a >= r || b < 0 || b >= r {
		return nil, fmt.Errorf("tensor: transpose axes (%d, %d) out of range for shape %v", a, b, t.shape)
	}
	v := t.view()
	v.shape[a], v.shape[b] = v.shape[b], v.shape[a]
	v.strides[a], v.strides[b] = v.strides[b], v.strides[a]
	return v, nil
}

// Permute returns the view whose axis i is t's axis axes[i] (numpy.transpose
// with an axes argument; no copy). axes must be a permutation of 0..Rank()-1.
func (t *Tensor) Permute(axes ...int) (*Tensor, error) {
	r := len(t.shape)
	if len(axes) != r {
		return nil, fmt.Errorf("tensor: permutation %v has %d axes, shape %v has %d", axes, len(axes), t.shape, r)
	}
	seen := make([]bool, r)
	v := &Tensor{shape: make([]int, r), strides: make([]int, r), offset: t.offset, data: t.data}
	for i, a := range axes {
		if a < 0 || a >= r || seen[a] {
			return nil, fmt.Errorf("tensor: %v is not a permutation of the axes of shape %v", axes, t.shape)
		}
		seen[a] = true
		v.shape[i] = t.shape[a]
		v.strides[i] = t.strides[a]
	}
	return v, nil
}

// view is a shallow copy with its own shape and strides slices.
func (t *Tensor) view() *Tensor {
	return &Tensor{shape: clone(t.shape), strides: clone(t.strides), offset: t.offset, data: t.data}
}

// CopyFrom copies src's values into t (any layouts; shapes must be equal), so
// a buffer can be reused across steps instead of allocating a Clone.
func (t *Tensor) CopyFrom(src *Tensor) error {
	if !slices.Equal(t.shape, src.shape) {
		return fmt.Errorf("tensor: copy from %v into %v: shapes differ", src.shape, t.shape)
	}
	if t.IsContiguous() && !sameBuffer(t.data, src.data) {
		copyInto(t.Data(), src)
		return nil
	}
	// A strided destination, or one sharing src's buffer: go through a copy
	// in row-major order.
	vals := src.Clone().data
	i := 0
	t.eachRun(func(off, stride, n int) {
		for k := 0; k < n; k++ {
			t.data[off+k*stride] = vals[i+k]
		}
		i += n
	})
	return nil
}
