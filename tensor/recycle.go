package tensor

import (
	"sync"
	"unsafe"
)

// Recycled buffers. A network pass creates and drops many large tensors of a
// few repeating sizes (activations, tangents, cotangents). Fresh Go memory
// must be zeroed and later collected: 7–8% of a batched JVP pass. Autograd
// hands the buffers it drops back with Recycle, and routines that overwrite
// every element of their result take them again through Empty.

const (
	recycleMinFloats = 1 << 12  // below this the allocator is cheap enough
	recycleMaxFloats = 64 << 20 // at most 256 MB wait for reuse
)

var recycled = struct {
	sync.Mutex
	bySize map[int][][]float32
	queued map[*float32]bool // buffers waiting, so that none is queued twice
	floats int
}{bySize: map[int][][]float32{}, queued: map[*float32]bool{}}

// Empty returns a contiguous tensor whose elements are unspecified: a
// recycled buffer of that size when one is waiting, zeros otherwise. It is
// meant for results that are overwritten entirely. It panics on a negative
// size, like New.
func Empty(shape ...int) *Tensor {
	t, err := emptyChecked(shape...)
	if err != nil {
		panic(err)
	}
	return t
}

// emptyChecked is Empty that reports bad sizes as an error (as NewChecked).
func emptyChecked(shape ...int) (*Tensor, error) {
	n, err := numel(shape)
	if err != nil || n < recycleMinFloats {
		return NewChecked(shape...)
	}
	recycled.Lock()
	var data []float32
	if list := recycled.bySize[n]; len(list) > 0 {
		data = list[len(list)-1]
		recycled.bySize[n] = list[:len(list)-1]
		delete(recycled.queued, unsafe.SliceData(data))
		recycled.floats -= n
	}
	recycled.Unlock()
	if data == nil {
		return NewChecked(shape...)
	}
	return &Tensor{shape: clone(shape), strides: contiguousStrides(shape), data: data, owned: true}, nil
}

// Recycle hands t's buffer back for reuse by Empty. The caller promises that
// neither t nor any view of it is read or written afterwards. Tensors that do
// not own their whole buffer (views, FromSlice wrappers), small ones, and a
// buffer already waiting are ignored.
func Recycle(t *Tensor) {
	if t == nil || !t.owned || len(t.data) < recycleMinFloats {
		return
	}
	n := len(t.data)
	recycled.Lock()
	defer recycled.Unlock()
	p := unsafe.SliceData(t.data)
	if recycled.queued[p] || recycled.floats+n > recycleMaxFloats {
		return
	}
	recycled.queued[p] = true
	recycled.bySize[n] = append(recycled.bySize[n], t.data)
	recycled.floats += n
}

// BufferID identifies the buffer t views: t and its views (Reshape, Slice,
// Transpose, ...) have the same ID, tensors from distinct New calls differ.
// FromSlice wrappers of overlapping slices may differ.
func (t *Tensor) BufferID() uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(t.data))) }
