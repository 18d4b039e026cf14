package heat

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// Network is a time-conditioned network trained with the heat objective
// used as the sampler's Residual: f(u, k) = net(u, k) in eval mode, told
// the level k of every image as a float32, exactly as training tells it
// (diffusion/train's heat objective).
type Network struct {
	Net nn.Conditioned
}

// Residual evaluates the network on u at level k.
func (n Network) Residual(ctx context.Context, u *tensor.Tensor, k int) (*tensor.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := n.Net.CheckInput(u.Shape()); err != nil {
		return nil, fmt.Errorf("heat: %w", err)
	}
	times := tensor.New(u.Dim(0))
	for i := range times.Data() {
		times.Data()[i] = float32(k)
	}
	tp := autograd.NewTape()
	out := n.Net.Forward(tp, tp.Leaf(u, false), times, false)
	if err := tp.Err(); err != nil {
		return nil, err
	}
	tp.Release(out.Value)
	return out.Value, nil
}
