package bench

import (
	"context"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/spectral"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/linalg"
)

// Jacobian workloads of torch_reference.py bench, on the 2-level U-Net
// (base 64) at one 40×40 image, each including the linearization (one
// forward pass):
//   - lanczos50: 50 Lanczos iterations (block size 1, as the reference) on
//     (J+Jᵀ)/2 applied as (JVP + VJP)/2, full reorthogonalization, then the
//     eigenvalues of the tridiagonal matrix;
//   - jacobian_full: all 1600 columns of J. The reference vectorizes 1600
//     reverse passes (jacrev); we push blocks of jacobianBlock tangents
//     through the linearized network, so every convolution is a GEMM with
//     that many more columns.

const jacobianBlock = 64

func spectralImage() (nn.Net, *tensor.Tensor, error) {
	rng := tensor.NewRNG(4)
	net, err := nn.NewBFUNet(2, 64, rng)
	if err != nil {
		return nil, nil, err
	}
	y := tensor.New(1, 1, 40, 40)
	rng.FillUniform(y.Data(), 0, 1)
	return net, y, nil
}

var _ = register(Workload{Name: "bf-unet L=2 40x40 Lanczos 50 iterations, (J+J^T)/2", Prepare: func() (func(), error) {
	net, y, err := spectralImage()
	if err != nil {
		return nil, err
	}
	return func() {
		lin, err := spectral.AtImage(context.Background(), denoise.Blind(net), y, 0)
		must(err)
		op := linalg.Float32Operator(&spectral.SymPart{Lin: lin})
		_, err = linalg.Lanczos(op, linalg.LanczosOptions{Wanted: 50, Which: linalg.LanczosLargest, MaxSteps: 50, BlockSize: 1, Seed: 1, SkipVectors: true})
		must(err)
	}, nil
}})

var _ = register(Workload{Name: "bf-unet L=2 40x40 full Jacobian 1600x1600", Prepare: func() (func(), error) {
	net, y, err := spectralImage()
	if err != nil {
		return nil, err
	}
	return func() {
		lin, err := spectral.AtImage(context.Background(), denoise.Blind(net), y, 0)
		must(err)
		_, err = spectral.Full(lin, jacobianBlock)
		must(err)
	}, nil
}})
