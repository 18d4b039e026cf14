package denoise

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// EpsNet is a time-conditioned network trained with the vp-eps objective
// (a tc-unet) as a DifferentiableConditioned: it is told the DDPM step t of
// each image as the raw time value float32(t), exactly as training fed it,
// and runs in evaluation mode. Use VP(EpsNet{net}, schedule.DDPM()) for a
// σ-space Denoiser.
type EpsNet struct {
	Net nn.Conditioned
}

// PredictNoise returns ε̂(x, t) for a batch x [B,C,H,W] and one step per
// image.
func (e EpsNet) PredictNoise(ctx context.Context, x *tensor.Tensor, t []int) (*tensor.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if x == nil {
		return nil, fmt.Errorf("denoise: no images for the noise prediction")
	}
	if err := e.Net.CheckInput(x.Shape()); err != nil {
		return nil, err
	}
	if len(t) != x.Dim(0) {
		return nil, fmt.Errorf("denoise: %d steps for a batch of %d images %v", len(t), x.Dim(0), x.Shape())
	}
	times := tensor.New(len(t))
	for i, s := range t {
		times.Data()[i] = float32(s)
	}
	return nn.ApplyTimes(e.Net, x, times)
}

// LinearizeNoise records ε̂(·, t) at one image x [1,C,H,W] on a copy of x
// (later changes to x do not reach the recording); its JVP and VJP are the
// Jacobian in x at the fixed step.
func (e EpsNet) LinearizeNoise(ctx context.Context, x *tensor.Tensor, t int) (Linearization, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkOne(x, 0); err != nil {
		return nil, err
	}
	img, err := tensor.FromSlice(append([]float32(nil), x.Contiguous().Data()...), x.Shape()...)
	if err != nil {
		return nil, err
	}
	lin, err := nn.LinearizeAt(e.Net, img, float32(t))
	if err != nil {
		return nil, err
	}
	return &netLinearization{lin: lin, shape: img.Shape()}, nil
}

var _ DifferentiableConditioned = EpsNet{}
