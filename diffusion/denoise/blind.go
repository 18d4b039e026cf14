package denoise

import (
	"context"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// BlindNet is a bias-free noise-predicting network of study A used as a
// denoiser: x̂ = y − net(y) in evaluation mode (running batch-norm
// statistics, so each output depends on its own image only). The network is
// "universal blind": it estimates the noise level itself, and σ is checked
// but not used. It works on images in [0,1] (Unit), as it was trained.
type BlindNet struct {
	Net nn.Net
}

// Blind wraps a bias-free network as a Denoiser with a Jacobian.
func Blind(net nn.Net) *BlindNet { return &BlindNet{Net: net} }

// Range is Unit.
func (b *BlindNet) Range() Range { return Unit }

// Denoise returns y − net(y) for the batch y (nn.Denoise).
func (b *BlindNet) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := Check(y, sigma); err != nil {
		return nil, err
	}
	return nn.Denoise(b.Net, y)
}

// Linearize records y − net(y) at one image (nn.Linearize, evaluation
// mode) on a copy of y, so later changes to y do not reach the recording.
func (b *BlindNet) Linearize(ctx context.Context, y *tensor.Tensor, sigma float64) (Linearization, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkOne(y, sigma); err != nil {
		return nil, err
	}
	img, err := tensor.FromSlice(append([]float32(nil), y.Contiguous().Data()...), y.Shape()...)
	if err != nil {
		return nil, err
	}
	lin, err := nn.Linearize(b.Net, img, false)
	if err != nil {
		return nil, err
	}
	return &netLinearization{lin: lin, shape: img.Shape()}, nil
}

// netLinearization is an nn.Linearization at one image as a Linearization.
type netLinearization struct {
	lin   *nn.Linearization
	shape []int // [1,C,H,W]
}

func (n *netLinearization) Output() *tensor.Tensor { return n.lin.Output() }

func (n *netLinearization) Dim() int { return n.shape[1] * n.shape[2] * n.shape[3] }

// JVP applies J to k tangents as one batched pass.
func (n *netLinearization) JVP(dst, src []float32, k int) error {
	return n.apply(dst, src, k, n.lin.JVP)
}

// VJP applies Jᵀ to k cotangents as one batched pass.
func (n *netLinearization) VJP(dst, src []float32, k int) error {
	return n.apply(dst, src, k, n.lin.VJP)
}

func (n *netLinearization) apply(dst, src []float32, k int, f func(*tensor.Tensor) (*tensor.Tensor, error)) error {
	if err := checkBlock(n.Dim(), dst, src, k); err != nil {
		return err
	}
	v, err := tensor.FromSlice(src, k, n.shape[1], n.shape[2], n.shape[3])
	if err != nil {
		return err
	}
	r, err := f(v)
	if err != nil {
		return err
	}
	copy(dst, r.Contiguous().Data())
	return nil
}
