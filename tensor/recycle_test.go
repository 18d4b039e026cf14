package tensor

import (
	"slices"
	"testing"
	"unsafe"
)

// emptyPool forgets the buffers other tests recycled.
func emptyPool() {
	recycled.Lock()
	defer recycled.Unlock()
	clear(recycled.bySize)
	clear(recycled.queued)
	recycled.floats = 0
}

func TestEmptyReusesRecycledBuffers(t *testing.T) {
	emptyPool()
	a := New(2, recycleMinFloats)
	a.Data()[5] = 7
	Recycle(a)
	Recycle(a) // a second hand-back of the same buffer is ignored
	b := Empty(recycleMinFloats, 2)
	if unsafe.SliceData(b.data) != unsafe.SliceData(a.data) {
		t.Fatal("Empty did not reuse the recycled buffer of the same size")
	}
	if !slices.Equal(b.Shape(), []int{recycleMinFloats, 2}) || !b.IsContiguous() {
		t.Fatalf("Empty gave shape %v strides %v", b.Shape(), b.Strides())
	}
	c := Empty(recycleMinFloats, 2)
	if unsafe.SliceData(c.data) == unsafe.SliceData(a.data) {
		t.Fatal("one recycled buffer was handed out twice")
	}
	for i, v := range c.Data() {
		if v != 0 {
			t.Fatalf("a fresh Empty tensor is not zero at %d", i)
		}
	}
}

func TestRecycleIgnoresViewsAndSmallTensors(t *testing.T) {
	emptyPool()
	big := New(4, recycleMinFloats)
	view, err := big.Reshape(recycleMinFloats, 4)
	if err != nil {
		t.Fatal(err)
	}
	wrapped, _ := FromSlice(big.Data()[recycleMinFloats:], 3, recycleMinFloats)
	small := New(recycleMinFloats - 1)
	for _, x := range []*Tensor{view, wrapped, small, nil} {
		Recycle(x)
	}
	for _, shape := range [][]int{{4 * recycleMinFloats}, {3 * recycleMinFloats}, {recycleMinFloats - 1}} {
		e := Empty(shape...)
		if unsafe.SliceData(e.data) == unsafe.SliceData(big.data) || unsafe.SliceData(e.data) == unsafe.SliceData(wrapped.data) {
			t.Fatalf("Empty%v reused the buffer of a view or wrapper", shape)
		}
	}
}
