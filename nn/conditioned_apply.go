package nn

import (
	"fmt"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// ApplyAt returns net(x, t) for a batch x [B,C,H,W] at one time value for
// every image, with constant weights (evaluation).
func ApplyAt(net Conditioned, x *tensor.Tensor, t float32) (*tensor.Tensor, error) {
	if err := net.CheckInput(x.Shape()); err != nil {
		return nil, err
	}
	return applyChunks(net, x.Contiguous(), tensor.Full(t, x.Dim(0)))
}

// LinearizeAt records x ↦ net(x, t) at x with constant weights; the
// Linearization's JVP and VJP are then the Jacobian of the raw network
// with respect to its image input at the fixed time t (what
// torch_reference.py's jvp and vjp compute for a tc-unet).
func LinearizeAt(net Conditioned, x *tensor.Tensor, t float32) (*Linearization, error) {
	if err := net.CheckInput(x.Shape()); err != nil {
		return nil, err
	}
	tp := autograd.NewTape()
	in := tp.Leaf(x.Contiguous(), true)
	out := net.Forward(tp, in, tensor.Full(t, x.Dim(0)), false)
	if err := tp.Err(); err != nil {
		return nil, err
	}
	return &Linearization{tp: tp, in: in, out: out}, nil
}

// ApplyTimes returns net(x, t) for a batch x [B,C,H,W] with its own time
// value per image (t [B]), with constant weights (evaluation).
func ApplyTimes(net Conditioned, x *tensor.Tensor, t *tensor.Tensor) (*tensor.Tensor, error) {
	if err := net.CheckInput(x.Shape()); err != nil {
		return nil, err
	}
	if t == nil || t.Rank() != 1 || t.Dim(0) != x.Dim(0) {
		var s []int
		if t != nil {
			s = t.Shape()
		}
		return nil, fmt.Errorf("nn: time values of shape %v for a batch of %d images", s, x.Dim(0))
	}
	return applyChunks(net, x.Contiguous(), t.Contiguous())
}

// evalChunkBytes bounds one full-resolution activation of an evaluation
// chunk (base channels × H × W floats per image): a batch is evaluated a
// few images at a time, so that each layer's activations stay nearer the
// core than a whole batch's. Measured on the 28×28 tc-unet forward of 128
// images (base 32, chunks of 41; Zen 4, 2026-12-07, `harmonic bench`, three
// interleaved rounds against a build without chunks): one thread, medians
// 315-342 ms against 367-405 and minima 300-302 against 311-324, the
// whole-batch runs having the slow outliers (up to 1176 ms); an A/B inside
// one process showed no difference in medians, and none was measured on
// the 32×32×3 net (base 64, batch 64). The gain is small and uncertain;
// the results are the same bits either way.
var evalChunkBytes = 4 << 20 // a variable so that tests can force small chunks

// applyChunks returns net(x, t) with constant weights, evaluated in chunks
// of images (evalChunkBytes), each on a tape released after it. Every layer
// treats the images of a batch independently (GroupNorm per image; the
// convolutions and matrix products sum each output in an order fixed by
// the layer's shape, not the batch), so the result has the bits of one pass
// over the whole batch, which TestApplyChunksBits checks.
func applyChunks(net Conditioned, x, t *tensor.Tensor) (*tensor.Tensor, error) {
	b := x.Dim(0)
	per := 4 * max(1, net.Config().Base) * x.Dim(2) * x.Dim(3)
	chunk := max(1, evalChunkBytes/per)
	var out *tensor.Tensor
	tp := autograd.NewTape()
	for lo := 0; lo < b; lo += chunk {
		hi := min(b, lo+chunk)
		xs, err := x.Slice(0, lo, hi)
		if err != nil {
			return nil, err
		}
		ts, err := t.Slice(0, lo, hi)
		if err != nil {
			return nil, err
		}
		tp.Reset()
		y := net.Forward(tp, tp.Leaf(xs.Contiguous(), false), ts.Contiguous(), false)
		if err := tp.Err(); err != nil {
			return nil, err
		}
		if lo == 0 && hi == b {
			tp.Release(y.Value)
			return y.Value, nil
		}
		if out == nil {
			out = tensor.Empty(append([]int{b}, y.Value.Shape()[1:]...)...)
		}
		n := y.Value.Numel() / (hi - lo)
		copy(out.Data()[lo*n:hi*n], y.Value.Contiguous().Data())
		tp.Release()
	}
	return out, nil
}
