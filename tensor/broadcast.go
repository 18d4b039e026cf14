package tensor

import "fmt"

// numpy broadcasting lives in this file only: shapes are aligned at their
// trailing axes, and two sizes are compatible when equal or when one is 1.
// Operands are then iterated with stride 0 along their broadcast axes.

// BroadcastShapes returns the shape numpy would give a binary operation on
// operands of shapes a and b.
func BroadcastShapes(a, b []int) ([]int, error) {
	r := max(len(a), len(b))
	out := make([]int, r)
	for i := 1; i <= r; i++ {
		da, db := dimFromEnd(a, i), dimFromEnd(b, i)
		switch {
		case da == db || db == 1:
			out[r-i] = da
		case da == 1:
			out[r-i] = db
		default:
			return nil, fmt.Errorf("tensor: cannot broadcast shapes %v and %v (axis %d: %d vs %d)", a, b, -i, da, db)
		}
	}
	return out, nil
}

// dimFromEnd is shape[len-i], or 1 past the front (missing leading axes).
func dimFromEnd(shape []int, i int) int {
	if i > len(shape) {
		return 1
	}
	return shape[len(shape)-i]
}

// broadcastStrides gives t's strides for iterating over shape out, which t
// broadcasts to: 0 on new leading axes and on axes where t has size 1.
func broadcastStrides(t *Tensor, out []int) []int {
	st := make([]int, len(out))
	lead := len(out) - len(t.shape)
	for k := range t.shape {
		if t.shape[k] != 1 {
			st[lead+k] = t.strides[k]
		}
	}
	return st
}

// stridedIter walks n operands that share one shape, each with its own strides
// and offset, handing out rows: runs along the last (coalesced) axis, where
// operand j starts at offs[j] and advances by inner[j] per element.
type stridedIter struct {
	shape   []int   // coalesced shape, at least rank 1
	strides [][]int // per operand, over the coalesced shape
	inner   []int   // per operand, stride of the last axis
	rowLen  int
}

// newStridedIter coalesces axes: it drops size-1 axes and merges neighbours
// that are contiguous with each other in every operand, so common cases such as
// [B,C,H,W] + [1,C,1,1] become a few long rows with a scalar operand.
func newStridedIter(shape []int, strides ...[]int) *stridedIter {
	it := &stridedIter{strides: make([][]int, len(strides))}
	for k, s := range shape {
		if s == 1 {
			continue
		}
		n := len(it.shape)
		if n > 0 && mergeable(it.strides, strides, k, s) {
			it.shape[n-1] *= s
			for j := range strides {
				it.strides[j][n-1] = strides[j][k]
			}
			continue
		}
		it.shape = append(it.shape, s)
		for j := range strides {
			it.strides[j] = append(it.strides[j], strides[j][k])
		}
	}
	if len(it.shape) == 0 { // a single element
		it.shape = []int{1}
		for j := range strides {
			it.strides[j] = []int{0}
		}
	}
	last := len(it.shape) - 1
	it.rowLen = it.shape[last]
	it.inner = make([]int, len(strides))
	for j := range strides {
		it.inner[j] = it.strides[j][last]
	}
	return it
}

// mergeable reports whether the previous coalesced axis (with strides prev)
// and original axis k of size s are one axis in every operand.
func mergeable(prev, orig [][]int, k, s int) bool {
	n := len(prev[0]) - 1
	for j := range orig {
		if prev[j][n] != orig[j][k]*s {
			return false
		}
	}
	return true
}

// rows calls f once per row with each operand's starting offset (base offsets
// added), in row-major order. offs is reused between calls.
func (it *stridedIter) rows(base []int, f func(offs []int)) {
	for _, s := range it.shape {
		if s == 0 {
			return
		}
	}
	outer := it.shape[:len(it.shape)-1]
	idx := make([]int, len(outer))
	offs := append([]int(nil), base...)
	for {
		f(offs)
		k := len(outer) - 1
		for ; k >= 0; k-- {
			idx[k]++
			for j := range offs {
				offs[j] += it.strides[j][k]
			}
			if idx[k] < outer[k] {
				break
			}
			for j := range offs {
				offs[j] -= idx[k] * it.strides[j][k]
			}
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}
