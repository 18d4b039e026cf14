// Package spectral analyses a denoiser f through its Jacobian ∇f(y) at one
// noisy image (docs/study.md, study A, claim 3): the exact Jacobian from
// blocks of JVPs, the top and bottom eigenpairs of its symmetric part
// (J+Jᵀ)/2 by Lanczos, the dense eigendecomposition for small images, the
// asymmetry ‖J−Jᵀ‖_F/‖J‖_F, the effective dimension tr∇f (exact, or
// Hutchinson's estimate), and the SURE estimate of the denoising error.
//
// The analysis takes any denoise.Denoiser that can be differentiated, and
// everything below it works on a denoise.Linear: a map linearized at one
// point that applies J and Jᵀ to blocks of k vectors at once (for a
// network, k tangents pushed through the linearized graph as one batch, so
// each convolution is a GEMM with k times more columns).
package spectral

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

// AtImage linearizes the denoiser den at one noisy image y ([1,C,H,W], or
// [H,W] for one channel) of noise level sigma: its output and Jacobian. den
// must be a denoise.Differentiable (networks get theirs from autograd,
// analytic models in closed form).
func AtImage(ctx context.Context, den denoise.Denoiser, y *tensor.Tensor, sigma float64) (denoise.Linearization, error) {
	lin, err := denoise.Linearize(ctx, den, y, sigma)
	if err != nil {
		return nil, fmt.Errorf("spectral: %w", err)
	}
	return lin, nil
}

// Matrix is a dense d×d row-major float64 matrix as a denoise.Linear
// (tests, and linear denoisers such as a Wiener filter).
type Matrix struct {
	A []float64
	N int
}

// Dim is N.
func (m *Matrix) Dim() int { return m.N }

// JVP computes A·v for each vector.
func (m *Matrix) JVP(dst, src []float32, k int) error { return m.mul(dst, src, k, false) }

// VJP computes Aᵀ·u for each vector.
func (m *Matrix) VJP(dst, src []float32, k int) error { return m.mul(dst, src, k, true) }

func (m *Matrix) mul(dst, src []float32, k int, trans bool) error {
	n := m.N
	if len(m.A) != n*n || len(src) != k*n || len(dst) != k*n {
		return fmt.Errorf("spectral: matrix %d values for %d×%d, %d vectors: src %d, dst %d", len(m.A), n, n, k, len(src), len(dst))
	}
	for c := 0; c < k; c++ {
		x, y := src[c*n:(c+1)*n], dst[c*n:(c+1)*n]
		for i := 0; i < n; i++ {
			var s float64
			for j := 0; j < n; j++ {
				a := m.A[i*n+j]
				if trans {
					a = m.A[j*n+i]
				}
				s += a * float64(x[j])
			}
			y[i] = float32(s)
		}
	}
	return nil
}
