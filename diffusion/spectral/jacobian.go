package spectral

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/tensor/linalg"
)

// DefaultBlock is the number of tangents per batched JVP when none is given:
// large enough that the network's convolutions become GEMMs with a useful
// number of columns, small enough to keep the block's activations in cache.
const DefaultBlock = 32

// Full returns the exact Jacobian J (d×d row-major float64, J[i·d+j] =
// ∂f_i/∂y_j) from d JVPs with the unit vectors, block at a time. With
// parallel.Workers() > 1 the blocks are shared among that many workers (JVPs on one
// linearization only read it); each column is computed the same way
// whichever worker takes it, so J does not depend on the thread count.
func Full(lin denoise.Linear, block int) ([]float64, error) {
	d := lin.Dim()
	if block < 1 {
		block = DefaultBlock
	}
	block = min(block, d)
	J := make([]float64, d*d)
	nblocks := (d + block - 1) / block
	workers := min(parallel.Workers(), nblocks)
	errs := make([]error, workers)
	src := make([][]float32, workers)
	dst := make([][]float32, workers)
	parallel.ForEachWorker(workers, nblocks, func(w, b int) {
		if errs[w] != nil {
			return
		}
		if src[w] == nil {
			src[w] = make([]float32, block*d)
			dst[w] = make([]float32, block*d)
		}
		errs[w] = fullBlock(lin, J, src[w], dst[w], b*block, min(block, d-b*block))
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return J, nil
}

// fullBlock fills columns j0..j0+k-1 of J.
func fullBlock(lin denoise.Linear, J []float64, src, dst []float32, j0, k int) error {
	d := lin.Dim()
	clear(src[:k*d])
	for c := 0; c < k; c++ {
		src[c*d+j0+c] = 1
	}
	if err := lin.JVP(dst[:k*d], src[:k*d], k); err != nil {
		return fmt.Errorf("spectral: Jacobian columns %d..%d: %w", j0, j0+k-1, err)
	}
	for c := 0; c < k; c++ {
		for i, v := range dst[c*d : (c+1)*d] {
			J[i*d+j0+c] = float64(v)
		}
	}
	return nil
}

// Trace is tr J of a d×d matrix: the effective dimension tr∇f.
func Trace(J []float64, d int) float64 {
	var t float64
	for i := 0; i < d; i++ {
		t += J[i*d+i]
	}
	return t
}

// Asymmetry is ‖J − Jᵀ‖_F / ‖J‖_F (0 for a symmetric Jacobian, i.e. a
// gradient field: how far the denoiser is from being a conservative score).
func Asymmetry(J []float64, d int) float64 {
	var num, den float64
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			a := J[i*d+j]
			den += a * a
			if j > i {
				e := a - J[j*d+i]
				num += 2 * e * e
			}
		}
	}
	if den == 0 {
		return 0
	}
	return math.Sqrt(num / den)
}

// Eigen is an eigendecomposition of (J+Jᵀ)/2: values in descending order and
// the unit eigenvectors (row k for Values[k], d values each).
type Eigen struct {
	Values  []float64
	Vectors []float64
	D       int
}

// Vector k as float32 (an image of the eigenvector).
func (e *Eigen) Vector(k int) []float32 {
	out := make([]float32, e.D)
	for i, v := range e.Vectors[k*e.D : (k+1)*e.D] {
		out[i] = float32(v)
	}
	return out
}

// DenseEigen diagonalizes the symmetric part of the exact Jacobian with
// linalg.EigSym (float64, all d pairs) and returns them largest first.
func DenseEigen(J []float64, d int) (*Eigen, error) {
	vals, vecs, err := linalg.EigSym(J, d)
	if err != nil {
		return nil, fmt.Errorf("spectral: dense eigendecomposition of a %d×%d Jacobian: %w", d, d, err)
	}
	e := &Eigen{Values: make([]float64, d), Vectors: make([]float64, d*d), D: d}
	for k := 0; k < d; k++ {
		src := d - 1 - k
		e.Values[k] = vals[src]
		copy(e.Vectors[k*d:(k+1)*d], vecs[src*d:(src+1)*d])
	}
	return e, nil
}

// Coefficients are ⟨x, e_k⟩ of a clean image x in the eigenbasis (the first
// n vectors): how the signal's energy is spread over the adaptive basis.
func (e *Eigen) Coefficients(x []float32, n int) []float64 {
	n = min(n, len(e.Values))
	out := make([]float64, n)
	for k := 0; k < n; k++ {
		var s float64
		for i, v := range e.Vectors[k*e.D : (k+1)*e.D] {
			s += v * float64(x[i])
		}
		out[k] = s
	}
	return out
}
