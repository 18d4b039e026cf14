package analytic

import (
	"context"
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

// Predictor predicts x̂0 from VP-noised images x_t [B,C,H,W] at one ᾱ in
// (0, 1], everything in [−1,1].
type Predictor interface {
	PredictVP(ctx context.Context, xt *tensor.Tensor, alphabar float64) (*tensor.Tensor, error)
}

// sigmaSpace makes a Predictor a denoise.Denoiser in σ-space on [−1,1]:
// y = x + σz is the VP image x_t = √ᾱ y with ᾱ = 1/(1+σ²). Images that
// share a σ are predicted as one batch.
type sigmaSpace struct{ p Predictor }

func (s sigmaSpace) Range() denoise.Range { return denoise.Signed }

func (s sigmaSpace) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	if err := denoise.Check(y, sigma); err != nil {
		return nil, err
	}
	y = y.Contiguous()
	b := y.Dim(0)
	d := y.Numel() / max(b, 1)
	out := tensor.New(y.Shape()...)
	done := make([]bool, b)
	for i := range b {
		if done[i] {
			continue
		}
		var idx []int
		for j := i; j < b; j++ {
			if !done[j] && sigma[j] == sigma[i] {
				idx = append(idx, j)
				done[j] = true
			}
		}
		a := 1 / (1 + sigma[i]*sigma[i])
		ra := float32(math.Sqrt(a))
		xt := tensor.New(len(idx), y.Dim(1), y.Dim(2), y.Dim(3))
		for r, j := range idx {
			src := y.Data()[j*d : (j+1)*d]
			dst := xt.Data()[r*d : (r+1)*d]
			for q, v := range src {
				dst[q] = ra * v
			}
		}
		x0, err := s.p.PredictVP(ctx, xt, a)
		if err != nil {
			return nil, err
		}
		for r, j := range idx {
			copy(out.Data()[j*d:(j+1)*d], x0.Data()[r*d:(r+1)*d])
		}
	}
	return out, nil
}

// checkInput validates x_t against the training images' [C,H,W] and ᾱ.
func checkInput(xt *tensor.Tensor, c, h, w int, alphabar float64) error {
	if err := checkAlphabar(alphabar); err != nil {
		return err
	}
	if xt == nil || xt.Rank() != 4 || xt.Dim(1) != c || xt.Dim(2) != h || xt.Dim(3) != w {
		var s []int
		if xt != nil {
			s = xt.Shape()
		}
		return fmt.Errorf("analytic: input of shape %v does not match the training images [N,%d,%d,%d]", s, c, h, w)
	}
	return checkFinite("input", xt.Contiguous().Data())
}

// checkTrain validates training images [N,C,H,W] with at least one image.
func checkTrain(x *tensor.Tensor) error {
	if x == nil || x.Rank() != 4 {
		var s []int
		if x != nil {
			s = x.Shape()
		}
		return fmt.Errorf("analytic: training images of shape %v: want [N,C,H,W]", s)
	}
	if x.Dim(0) < 1 || x.Numel() == 0 {
		return fmt.Errorf("analytic: no training images (shape %v)", x.Shape())
	}
	return checkFinite("training images", x.Contiguous().Data())
}
