package nn

import (
	"math"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// TestApplyChunksBits checks that evaluating a batch in chunks of images
// gives the bits of one forward pass over the whole batch, with chunks that
// do and do not divide the batch, and of a pass per image.
func TestApplyChunksBits(t *testing.T) {
	rng := tensor.NewRNG(3)
	net, err := NewTCUNet(1, 32, []int{1, 2}, 1, 8, rng) // wide enough for the Winograd convolutions
	if err != nil {
		t.Fatal(err)
	}
	const batch = 7
	x := tensor.New(batch, 1, 16, 16)
	rng.FillNormal(x.Data(), 0, 1)
	times := tensor.New(batch)
	for i := range times.Data() {
		times.Data()[i] = float32(100 * i)
	}
	whole := func(x, times *tensor.Tensor) *tensor.Tensor {
		tp := autograd.NewTape()
		y := net.Forward(tp, tp.Leaf(x, false), times, false)
		if err := tp.Err(); err != nil {
			t.Fatal(err)
		}
		return y.Value
	}
	want := whole(x, times)
	per := 4 * 32 * 16 * 16 // bytes of one image's full-resolution activation
	defer func(v int) { evalChunkBytes = v }(evalChunkBytes)
	for _, chunk := range []int{1, 3, 7, 100} {
		evalChunkBytes = chunk * per
		got, err := ApplyTimes(net, x, times)
		if err != nil {
			t.Fatal(err)
		}
		if !bitsEqual(got.Data(), want.Data()) {
			t.Fatalf("chunks of %d images: not the bits of one pass over the batch", chunk)
		}
	}
	xs, _ := x.Slice(0, 4, 5)
	ts, _ := times.Slice(0, 4, 5)
	one := whole(xs.Contiguous(), ts.Contiguous())
	if n := one.Numel(); !bitsEqual(one.Data(), want.Data()[4*n:5*n]) {
		t.Fatal("image 4 alone: not the bits of the batch pass")
	}
}

func bitsEqual(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}
