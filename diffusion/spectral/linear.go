// Package spectral analyses a denoiser f through its Jacobian ∇f(y) at one
// noisy image (docs/study.md, study A, claim 3): the exact Jacobian from
// blocks of JVPs, the top and bottom eigenpairs of its symmetric part
// (J+Jᵀ)/2 by Lanczos, the dense eigendecomposition for small images, the
// asymmetry ‖J−Jᵀ‖_F/‖J‖_F, the effective dimension tr∇f (exact, or
// Hutchinson's estimate), and the SURE estimate of the denoising error.
//
// Everything works on a Linear: a map linearized at one point that applies
// J and Jᵀ to blocks of k vectors at once (for a network, k tangents pushed
// through the linearized graph as one batch, so each convolution is a GEMM
// with k times more columns).
package spectral

import (
	"fmt"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// Linear is a linear map on R^d applied to blocks of k vectors stored back
// to back: dst[j·d:(j+1)·d] = J·src[j·d:(j+1)·d] (or Jᵀ for VJP).
type Linear interface {
	Dim() int
	JVP(dst, src []float32, k int) error
	VJP(dst, src []float32, k int) error
}

// NetJacobian is the Jacobian of the denoiser f(y) = y − net(y) at one
// image y [1,1,H,W], in evaluation mode (running batch-norm statistics, so
// each output depends on its own image only).
type NetJacobian struct {
	lin  *nn.Linearization
	h, w int
}

// AtImage linearizes net's denoiser at y ([1,1,H,W] or [H,W]).
func AtImage(net nn.Net, y *tensor.Tensor) (*NetJacobian, error) {
	s := y.Shape()
	var h, w int
	switch {
	case len(s) == 2:
		h, w = s[0], s[1]
	case len(s) == 4 && s[0] == 1 && s[1] == 1:
		h, w = s[2], s[3]
	default:
		return nil, fmt.Errorf("spectral: image of shape %v: want [H,W] or [1,1,H,W]", s)
	}
	img, err := tensor.FromSlice(append([]float32(nil), y.Contiguous().Data()...), 1, 1, h, w)
	if err != nil {
		return nil, err
	}
	lin, err := nn.Linearize(net, img, false)
	if err != nil {
		return nil, err
	}
	return &NetJacobian{lin: lin, h: h, w: w}, nil
}

// Output is f(y).
func (n *NetJacobian) Output() []float32 { return n.lin.Output().Data() }

// Dim is the number of pixels.
func (n *NetJacobian) Dim() int { return n.h * n.w }

// JVP applies J to k tangents as one batched pass.
func (n *NetJacobian) JVP(dst, src []float32, k int) error {
	return n.apply(dst, src, k, n.lin.JVP)
}

// VJP applies Jᵀ to k cotangents as one batched pass.
func (n *NetJacobian) VJP(dst, src []float32, k int) error {
	return n.apply(dst, src, k, n.lin.VJP)
}

func (n *NetJacobian) apply(dst, src []float32, k int, f func(*tensor.Tensor) (*tensor.Tensor, error)) error {
	d := n.Dim()
	if k < 1 || len(src) != k*d || len(dst) != k*d {
		return fmt.Errorf("spectral: %d vectors of %d pixels need %d values, got src %d, dst %d", k, d, k*d, len(src), len(dst))
	}
	v, err := tensor.FromSlice(src, k, 1, n.h, n.w)
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

// Matrix is a dense d×d row-major float64 matrix as a Linear (tests, and
// linear denoisers such as a Wiener filter).
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
