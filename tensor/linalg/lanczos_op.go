package linalg

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// SymOperator is a symmetric linear operator on Rⁿ, n = Dim(), applied to a
// block of k vectors per call so that an expensive operator (a network's
// Jacobian, where k JVPs push through the linearized network as one batch)
// can amortize its cost. The vectors are stored back to back:
// dst[j·n:(j+1)·n] = A·src[j·n:(j+1)·n] for j < k, len(src) = len(dst) = k·n.
// Apply must not keep src or dst. Lanczos assumes A = Aᵀ; for a Jacobian J
// the operator should apply (J+Jᵀ)/2, i.e. (Jv + Jᵀv)/2.
type SymOperator interface {
	Dim() int
	Apply(dst, src []float64, k int) error
}

// SymOperator32 is SymOperator with float32 vectors, the natural form for
// operators computed by the float32 network code. Float32Operator adapts it.
type SymOperator32 interface {
	Dim() int
	Apply(dst, src []float32, k int) error
}

// Float32Operator wraps a float32 operator for Lanczos, which keeps its
// Krylov basis and tridiagonal in float64: the basis stays orthogonal to
// float64 roundoff, and the only float32 error is the operator's own (about
// 1e-7·‖A‖ in each product, which bounds the attainable residuals). The
// conversion buffers are reused between calls, so the returned operator must
// not be applied from several goroutines at once.
func Float32Operator(op SymOperator32) SymOperator {
	return &float32Operator{op: op}
}

type float32Operator struct {
	op       SymOperator32
	src, dst []float32
}

func (o *float32Operator) Dim() int { return o.op.Dim() }

func (o *float32Operator) Apply(dst, src []float64, k int) error {
	if len(src) != len(dst) {
		return fmt.Errorf("lanczos: operator src has %d values, dst %d", len(src), len(dst))
	}
	if cap(o.src) < len(src) {
		o.src = make([]float32, len(src))
		o.dst = make([]float32, len(src))
	}
	s, d := o.src[:len(src)], o.dst[:len(src)]
	for i, v := range src {
		s[i] = float32(v)
	}
	if err := o.op.Apply(d, s, k); err != nil {
		return err
	}
	for i, v := range d {
		dst[i] = float64(v)
	}
	return nil
}

// DenseSymOperator applies a dense symmetric n×n row-major float64 matrix
// (e.g. a data covariance for the Wiener filter, or an exact Jacobian's
// symmetric part). The matrix is used in place, not copied.
type DenseSymOperator struct {
	a []float64
	n int
}

// NewDenseSymOperator checks that a holds n×n finite values. Symmetry is the
// caller's promise (checking it bit-exactly would reject matrices that are
// symmetric only up to rounding).
func NewDenseSymOperator(a []float64, n int) (*DenseSymOperator, error) {
	if n <= 0 || len(a) != n*n {
		return nil, fmt.Errorf("dense operator: %d values do not form a %d×%d matrix", len(a), n, n)
	}
	for i, v := range a {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("dense operator: non-finite value %v at row %d, column %d", v, i/n, i%n)
		}
	}
	return &DenseSymOperator{a: a, n: n}, nil
}

// Dim is n.
func (o *DenseSymOperator) Dim() int { return o.n }

// Apply computes the k products row by row: each matrix row is read once
// for all k vectors, and rows are independent outputs, so they split over
// goroutines with results independent of the thread count.
func (o *DenseSymOperator) Apply(dst, src []float64, k int) error {
	n := o.n
	if k < 0 || len(src) != k*n || len(dst) != k*n {
		return fmt.Errorf("dense operator: %d vectors of length %d need %d values, got src %d, dst %d", k, n, k*n, len(src), len(dst))
	}
	body := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := o.a[i*n : (i+1)*n]
			for c := 0; c < k; c++ {
				dst[c*n+i] = laDot(row, src[c*n:(c+1)*n])
			}
		}
	}
	if n*n*k < 1<<15 {
		body(0, n)
		return nil
	}
	parallel.For(n, body)
	return nil
}
