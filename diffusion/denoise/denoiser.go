package denoise

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/harmonic-go/harmonic/tensor"
)

// Denoiser estimates clean images from noisy ones in σ-space.
type Denoiser interface {
	// Denoise returns x̂ for y = x + σz, z ~ N(0, I): y is [B,C,H,W],
	// sigma holds one noise level per image (in the units of Range), the
	// result has y's shape. Each output image depends on its own input
	// image only. y is not modified.
	Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error)
	// Range is the pixel range of the images the denoiser works on.
	Range() Range
}

// Check validates the arguments of Denoise: y a batch [B,C,H,W] and one
// finite σ ≥ 0 per image. Implementations call it first.
func Check(y *tensor.Tensor, sigma []float64) error {
	if y == nil {
		return fmt.Errorf("denoise: no images")
	}
	if y.Rank() != 4 {
		return fmt.Errorf("denoise: images of shape %v: want [B,C,H,W]", y.Shape())
	}
	if len(sigma) != y.Dim(0) {
		return fmt.Errorf("denoise: %d noise levels for a batch of %d images %v", len(sigma), y.Dim(0), y.Shape())
	}
	return checkSigmas(sigma)
}

func checkSigmas(sigma []float64) error {
	for i, s := range sigma {
		if !(s >= 0) || math.IsInf(s, 0) {
			return fmt.Errorf("denoise: noise level σ = %v of image %d must be a finite number >= 0", s, i)
		}
	}
	return nil
}

// checkSame says whether out, returned for in, has in's shape.
func checkSame(what string, out, in *tensor.Tensor) error {
	if out == nil || !slices.Equal(out.Shape(), in.Shape()) {
		var s []int
		if out != nil {
			s = out.Shape()
		}
		return fmt.Errorf("denoise: %s returned %v for input %v", what, s, in.Shape())
	}
	return nil
}

// Same gives every image of a batch of b the noise level sigma.
func Same(sigma float64, b int) []float64 {
	s := make([]float64, b)
	for i := range s {
		s[i] = sigma
	}
	return s
}

// Func is a Denoiser from a function (tests, quick experiments): F gets
// arguments that passed Check, and its result's shape is checked.
type Func struct {
	F func(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error)
	R Range
}

// Denoise checks the arguments and calls F.
func (f Func) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := Check(y, sigma); err != nil {
		return nil, err
	}
	if f.F == nil {
		return nil, fmt.Errorf("denoise: Func without a function")
	}
	out, err := f.F(ctx, y, sigma)
	if err != nil {
		return nil, err
	}
	return out, checkSame("denoiser", out, y)
}

// Range is R.
func (f Func) Range() Range { return f.R }
