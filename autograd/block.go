package autograd

import (
	"fmt"

	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// blockShape is the shape of a block of k tangent (or cotangent) vectors for
// a value of the given shape: the leading axis is multiplied by k, so that for
// a batch-1 image the block is a batch of k images ([k] for a scalar).
func blockShape(value *tensor.Tensor, k int) []int {
	s := value.Shape()
	if len(s) == 0 {
		return []int{k}
	}
	s[0] *= k
	return s
}

// blockCount checks that t is a block for value and returns its size k.
func blockCount(value, t *tensor.Tensor) (int, error) {
	if t == nil {
		return 0, fmt.Errorf("nil tangent for a value of shape %v", value.Shape())
	}
	if !t.IsContiguous() {
		return 0, fmt.Errorf("tangent block of shape %v is not contiguous", t.Shape())
	}
	vs, ts := value.Shape(), t.Shape()
	n := value.Numel()
	ok := n > 0 && t.Numel()%n == 0
	if ok && len(vs) == 0 {
		ok = len(ts) == 1
	} else if ok {
		ok = len(ts) == len(vs) && ts[0]%vs[0] == 0
		for i := 1; ok && i < len(vs); i++ {
			ok = ts[i] == vs[i]
		}
	}
	if !ok {
		return 0, fmt.Errorf("block of shape %v does not fit a value of shape %v (want [k·%v ...])", ts, vs, firstDim(vs))
	}
	return t.Numel() / n, nil
}

func firstDim(s []int) int {
	if len(s) == 0 {
		return 1
	}
	return s[0]
}

// reshaped is a contiguous view of t's data with another shape.
func reshaped(t *tensor.Tensor, shape ...int) *tensor.Tensor {
	r, err := tensor.FromSlice(t.Data(), shape...)
	if err != nil {
		panic(fmt.Sprintf("autograd: reshape %v to %v: %v", t.Shape(), shape, err))
	}
	return r
}

// block returns vector j of a block whose vectors have the shape of value,
// as a view sharing the block's data.
func block(t *tensor.Tensor, value *tensor.Tensor, j int) *tensor.Tensor {
	n := value.Numel()
	return reshaped(wrap(t.Data()[j*n:(j+1)*n]), value.Shape()...)
}

func wrap(d []float32) *tensor.Tensor {
	t, _ := tensor.FromSlice(d, len(d))
	return t
}

func cloneTensor(t *tensor.Tensor) *tensor.Tensor {
	c := tensor.Empty(t.Shape()...)
	copy(c.Data(), t.Data())
	return c
}

// addInto adds x to dst elementwise (equal lengths).
func addInto(dst, x []float32) { simd.Add(dst, dst, x[:len(dst)]) }

// BlockShape is the shape of a block of k tangent or cotangent vectors for a
// value of the given shape (see the package comment).
func BlockShape(value *tensor.Tensor, k int) []int { return blockShape(value, k) }

// Block returns vector j of block t (vectors shaped like value) as a view.
func Block(t, value *tensor.Tensor, j int) *tensor.Tensor { return block(t, value, j) }
