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
	tp := autograd.NewTape()
	y := net.Forward(tp, tp.Leaf(x.Contiguous(), false), tensor.Full(t, x.Dim(0)), false)
	if err := tp.Err(); err != nil {
		return nil, err
	}
	tp.Release(y.Value)
	return y.Value, nil
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
	tp := autograd.NewTape()
	y := net.Forward(tp, tp.Leaf(x.Contiguous(), false), t, false)
	if err := tp.Err(); err != nil {
		return nil, err
	}
	tp.Release(y.Value)
	return y.Value, nil
}
