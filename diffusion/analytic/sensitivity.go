package analytic

import (
	"context"
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/tensor"
)

// Sensitivity fields (Lukoianov et al., claim B.1): the field of output
// pixel m of a denoiser at a noisy VP image x_t is row m of its Jacobian
// ∂x̂0/∂x_t, laid out like an image [C,H,W]: how x̂0[m] responds to each
// input value. For the Wiener filter it is row m of P/√ᾱ whatever x_t
// (Stats.Sensitivity); for a network it depends on x_t and is one VJP.

// WienerFields are the Wiener filter's fields of the given output pixels
// at ᾱ (Stats.Sensitivity for each).
func WienerFields(s *Stats, pixels []int, alphabar float64) ([][]float64, error) {
	if err := checkAlphabar(alphabar); err != nil {
		return nil, err
	}
	out := make([][]float64, len(pixels))
	for i, m := range pixels {
		f, err := s.Sensitivity(m, alphabar)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// DenoiserFields are the fields of den's output pixels at the VP image xt
// [1,C,H,W] of ᾱ: den is linearized in σ-space at y = x_t/√ᾱ, σ² = (1−ᾱ)/ᾱ
// (a denoiser of another pixel range is adapted; an affine change of range
// on both sides leaves the Jacobian as it is), every pixel's unit
// cotangent goes through one batched VJP, and ∂x̂0/∂x_t = (∂x̂/∂y)/√ᾱ. den
// must be a denoise.Differentiable (a network through autograd, the
// Wiener filter in closed form).
func DenoiserFields(ctx context.Context, den denoise.Denoiser, xt *tensor.Tensor, alphabar float64, pixels []int) ([][]float64, error) {
	if err := checkAlphabar(alphabar); err != nil {
		return nil, err
	}
	if err := checkFieldImage(xt, pixels); err != nil {
		return nil, err
	}
	inv := 1 / math.Sqrt(alphabar)
	y := tensor.New(xt.Shape()...)
	for i, v := range xt.Contiguous().Data() {
		y.Data()[i] = float32(inv * float64(v))
	}
	return fields(ctx, den, y, schedule.SigmaOfAlphaBar(alphabar), inv, pixels)
}

// DenoiserFieldsSigma are the σ-space fields ∂x̂[m]/∂y of den at the noisy
// image y [1,C,H,W] of noise level sigma (a blind network of study A, used
// without the VP scaling; the Wiener counterpart is Stats.SensitivitySigma
// with scale 1). y and σ are in [−1,1] units (a [0,1] denoiser is
// adapted); the fields differ from the VP ones only by the factor √ᾱ.
func DenoiserFieldsSigma(ctx context.Context, den denoise.Denoiser, y *tensor.Tensor, sigma float64, pixels []int) ([][]float64, error) {
	if !(sigma >= 0) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("analytic: noise level σ = %v must be a finite number >= 0", sigma)
	}
	if err := checkFieldImage(y, pixels); err != nil {
		return nil, err
	}
	return fields(ctx, den, y.Contiguous().Clone(), sigma, 1, pixels)
}

// checkFieldImage validates one finite image [1,C,H,W] and pixel indices
// into it.
func checkFieldImage(x *tensor.Tensor, pixels []int) error {
	if x == nil || x.Rank() != 4 || x.Dim(0) != 1 {
		var s []int
		if x != nil {
			s = x.Shape()
		}
		return fmt.Errorf("analytic: sensitivity fields at an image of shape %v: want one image [1,C,H,W]", s)
	}
	d := x.Numel()
	if len(pixels) == 0 {
		return fmt.Errorf("analytic: no output pixels for the sensitivity fields")
	}
	for _, m := range pixels {
		if m < 0 || m >= d {
			return fmt.Errorf("analytic: pixel index %d outside [0, %d)", m, d)
		}
	}
	return checkFinite("noisy image", x.Contiguous().Data())
}

// fields returns scale·(row m of ∂x̂/∂y) for each pixel m, den linearized
// in σ-space at y.
func fields(ctx context.Context, den denoise.Denoiser, y *tensor.Tensor, sigma, scale float64, pixels []int) ([][]float64, error) {
	f, err := denoise.In(denoise.Signed, den)
	if err != nil {
		return nil, fmt.Errorf("analytic: %w", err)
	}
	lin, err := denoise.Linearize(ctx, f, y, sigma)
	if err != nil {
		return nil, fmt.Errorf("analytic: %w", err)
	}
	d, k := y.Numel(), len(pixels)
	src := make([]float32, k*d)
	for i, m := range pixels {
		src[i*d+m] = 1
	}
	dst := make([]float32, k*d)
	if err := lin.VJP(dst, src, k); err != nil {
		return nil, fmt.Errorf("analytic: %w", err)
	}
	out := make([][]float64, k)
	for i := range out {
		out[i] = make([]float64, d)
		for q, v := range dst[i*d : (i+1)*d] {
			out[i][q] = scale * float64(v)
		}
	}
	return out, nil
}

// Cosine is the cosine similarity ⟨a,b⟩/(‖a‖‖b‖) of two fields: 1 for the
// same shape at any scale. Errors: different lengths, or a field that is
// zero (no direction to compare).
func Cosine(a, b []float64) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("analytic: cosine of fields of %d and %d values", len(a), len(b))
	}
	var ab, aa, bb float64
	for i, v := range a {
		ab += v * b[i]
		aa += v * v
		bb += b[i] * b[i]
	}
	if aa == 0 || bb == 0 {
		return 0, fmt.Errorf("analytic: cosine with a zero field (norms %g, %g)", math.Sqrt(aa), math.Sqrt(bb))
	}
	return ab / math.Sqrt(aa*bb), nil
}
