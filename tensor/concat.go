package tensor

import "fmt"

// Concat joins tensors along axis; all other sizes must agree. The result is
// a new contiguous tensor.
func Concat(axis int, ts ...*Tensor) (*Tensor, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("tensor: concat of no tensors")
	}
	first := ts[0].shape
	if axis < 0 || axis >= len(first) {
		return nil, fmt.Errorf("tensor: concat axis %d out of range for shape %v", axis, first)
	}
	shape := clone(first)
	shape[axis] = 0
	for _, t := range ts {
		if !sameExcept(t.shape, first, axis) {
			return nil, fmt.Errorf("tensor: concat along axis %d: shapes %v and %v differ off that axis", axis, first, t.shape)
		}
		shape[axis] += t.shape[axis]
	}
	out, err := emptyChecked(shape...)
	if err != nil {
		return nil, err
	}
	// Each input fills a block of every "outer" slab of the output.
	outer := numelOf(shape[:axis])
	inner := numelOf(shape[axis+1:])
	slab := shape[axis] * inner
	pos := 0
	for _, t := range ts {
		src := t.Contiguous().Data()
		n := t.shape[axis] * inner
		for o := 0; o < outer; o++ {
			copy(out.data[o*slab+pos:o*slab+pos+n], src[o*n:(o+1)*n])
		}
		pos += n
	}
	return out, nil
}

// Split cuts t along axis into pieces of the given sizes (which must add up to
// t's size there). The pieces are contiguous copies, so their Data is usable
// directly; Split is the backward of Concat.
func Split(t *Tensor, axis int, sizes ...int) ([]*Tensor, error) {
	if axis < 0 || axis >= len(t.shape) {
		return nil, fmt.Errorf("tensor: split axis %d out of range for shape %v", axis, t.shape)
	}
	total := 0
	for _, s := range sizes {
		if s < 0 {
			return nil, fmt.Errorf("tensor: split sizes %v of axis %d (size %d) of shape %v: negative size", sizes, axis, t.shape[axis], t.shape)
		}
		total += s
	}
	if total != t.shape[axis] {
		return nil, fmt.Errorf("tensor: split sizes %v do not add up to axis %d (size %d) of shape %v", sizes, axis, t.shape[axis], t.shape)
	}
	out := make([]*Tensor, len(sizes))
	lo := 0
	for i, s := range sizes {
		v, err := t.Slice(axis, lo, lo+s)
		if err != nil {
			return nil, err
		}
		out[i] = v.Clone()
		lo += s
	}
	return out, nil
}

// ConcatChannels joins NCHW tensors a [B, C1, H, W] and b [B, C2, H, W] into
// [B, C1+C2, H, W] (a U-Net skip connection).
func ConcatChannels(a, b *Tensor) (*Tensor, error) {
	if a.Rank() != 4 || b.Rank() != 4 || !sameExcept(a.shape, b.shape, 1) {
		return nil, fmt.Errorf("tensor: concat channels: %v and %v must be NCHW with equal B, H, W", a.shape, b.shape)
	}
	return Concat(1, a, b)
}

// SplitChannels cuts t [B, C, H, W] into [B, c1, H, W] and [B, C-c1, H, W]
// (contiguous copies): the backward of ConcatChannels.
func SplitChannels(t *Tensor, c1 int) (a, b *Tensor, err error) {
	if t.Rank() != 4 || c1 < 0 || c1 > t.shape[1] {
		return nil, nil, fmt.Errorf("tensor: split channels: cannot take %d channels from %v (want NCHW)", c1, t.shape)
	}
	parts, err := Split(t, 1, c1, t.shape[1]-c1)
	if err != nil {
		return nil, nil, err
	}
	return parts[0], parts[1], nil
}

// sameExcept reports whether a and b have the same rank and sizes, except
// possibly on axis.
func sameExcept(a, b []int, axis int) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if k != axis && a[k] != b[k] {
			return false
		}
	}
	return true
}
