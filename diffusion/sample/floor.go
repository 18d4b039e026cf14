package sample

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

// ResidualFloor is the σ_t that Algorithm 1 reads at clean images x: the RMS
// of f(x) − x per pixel, over the images of x ([B,1,H,W] in [0,1]), computed
// batch images at a time. A chain that reaches the data cannot measure a
// noise level below this, so with σ∞ under a model's floor its chains stall
// and run on with h_t → 1, where the update becomes y ← f(y) + γz (the
// denoiser iterated); a bias-free network with gain above 1 along y then
// scales y up geometrically. (Chains can also turn above the floor, where
// the network is expansive away from the data: Result.Trace shows where.)
func ResidualFloor(ctx context.Context, den denoise.Denoiser, x *tensor.Tensor, batch int) (float64, error) {
	if x == nil || x.Rank() != 4 || x.Dim(0) < 1 || x.Dim(1) != 1 {
		return 0, fmt.Errorf("sample: residual floor needs clean images [B,1,H,W], B >= 1")
	}
	if batch < 1 {
		return 0, fmt.Errorf("sample: batch %d must be positive", batch)
	}
	f, err := denoise.In(denoise.Unit, den)
	if err != nil {
		return 0, fmt.Errorf("sample: %w", err)
	}
	x = x.Contiguous()
	b, d := x.Dim(0), x.Dim(2)*x.Dim(3)
	xd := x.Data()
	var ss float64
	for lo := 0; lo < b; lo += batch {
		hi := min(lo+batch, b)
		y := tensor.New(hi-lo, 1, x.Dim(2), x.Dim(3))
		copy(y.Data(), xd[lo*d:hi*d])
		fy, err := f.Denoise(ctx, y, make([]float64, hi-lo))
		if err != nil {
			return 0, err
		}
		if !slices.Equal(fy.Shape(), y.Shape()) {
			return 0, fmt.Errorf("sample: denoiser returned %v for input %v", fy.Shape(), y.Shape())
		}
		for p, v := range fy.Contiguous().Data() {
			r := float64(v) - float64(xd[lo*d+p])
			ss += r * r
		}
	}
	return math.Sqrt(ss / float64(b*d)), nil
}
