package denoise

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
)

// Linear is a linear map on R^d applied to blocks of k vectors stored back
// to back: dst[j·d:(j+1)·d] = J·src[j·d:(j+1)·d] (JVP) or Jᵀ·src[...]
// (VJP). Pushing k vectors at once lets a network run them as one batch
// (each convolution a GEMM with k times more columns). Implementations may
// be called from several goroutines at once.
type Linear interface {
	Dim() int
	JVP(dst, src []float32, k int) error
	VJP(dst, src []float32, k int) error
}

// Linearization is a denoiser linearized at one image y [1,C,H,W]: its
// output x̂(y) (same shape) and the Jacobian J = ∂x̂/∂y as a Linear on
// d = C·H·W values.
type Linearization interface {
	Linear
	Output() *tensor.Tensor
}

// Differentiable is a Denoiser whose Jacobian is available.
type Differentiable interface {
	Denoiser
	// Linearize records x̂ at one noisy image y [1,C,H,W] of noise level
	// sigma (σ is held fixed: J is the derivative in y only).
	Linearize(ctx context.Context, y *tensor.Tensor, sigma float64) (Linearization, error)
}

// Linearize linearizes den at y ([1,C,H,W], or [H,W] for one channel), or
// says that den has no Jacobian.
func Linearize(ctx context.Context, den Denoiser, y *tensor.Tensor, sigma float64) (Linearization, error) {
	d, ok := den.(Differentiable)
	if !ok {
		return nil, fmt.Errorf("denoise: the denoiser %T provides no Jacobian (it does not implement Linearize)", den)
	}
	if y == nil {
		return nil, fmt.Errorf("denoise: no image to linearize at")
	}
	if y.Rank() == 2 {
		var err error
		if y, err = y.Contiguous().Reshape(1, 1, y.Dim(0), y.Dim(1)); err != nil {
			return nil, err
		}
	}
	if err := checkOne(y, sigma); err != nil {
		return nil, err
	}
	return d.Linearize(ctx, y, sigma)
}

// checkOne validates the arguments of Linearize: one image [1,C,H,W] and
// a finite σ ≥ 0.
func checkOne(y *tensor.Tensor, sigma float64) error {
	if s := y.Shape(); len(s) != 4 || s[0] != 1 {
		return fmt.Errorf("denoise: linearize at an image of shape %v: want one image [1,C,H,W] (or [H,W])", s)
	}
	return checkSigmas([]float64{sigma})
}

// checkBlock validates the buffers of a JVP/VJP of k vectors of d values.
func checkBlock(d int, dst, src []float32, k int) error {
	if k < 1 || len(src) != k*d || len(dst) != k*d {
		return fmt.Errorf("denoise: %d vectors of %d values need %d values, got src %d, dst %d", k, d, k*d, len(src), len(dst))
	}
	return nil
}
