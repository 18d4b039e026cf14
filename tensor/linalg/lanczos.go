package linalg

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/rng"
)

// LanczosEnd selects which end of the spectrum Lanczos reports.
type LanczosEnd int

const (
	// LanczosLargest asks for the algebraically largest eigenvalues.
	LanczosLargest LanczosEnd = iota
	// LanczosSmallest asks for the algebraically smallest eigenvalues.
	LanczosSmallest
	// LanczosBoth asks for Wanted pairs at each end.
	LanczosBoth
)

// LanczosOptions configures Lanczos. The zero value asks for the single
// largest eigenpair with block size 1 and the default number of steps.
type LanczosOptions struct {
	// Wanted is the number of eigenpairs at each requested end (0 means 1).
	Wanted int
	// Which end(s) of the spectrum to report.
	Which LanczosEnd
	// MaxSteps bounds the number of operator calls; the Krylov basis grows
	// by BlockSize vectors per call and is capped at Dim() vectors.
	// 0 means enough steps for a basis of max(50, 3·pairs) vectors.
	MaxSteps int
	// BlockSize is the number of vectors per operator call (0 means 1).
	// b > 1 runs block Lanczos: per product it converges somewhat slower
	// on isolated eigenvalues than b = 1, but the b products come in one
	// call (a block of JVPs is a GEMM in the network, so much cheaper than b
	// calls) and eigenvalues of multiplicity up to b are all found.
	BlockSize int
	// Tol, if positive, stops early once every wanted pair's residual
	// estimate is at most Tol·‖T‖ (‖T‖ = largest |Ritz value|, a lower bound
	// on ‖A‖). Zero runs all MaxSteps steps.
	Tol float64
	// Seed makes the random start block (and any restart after an
	// invariant subspace) reproducible.
	Seed uint64
	// SkipVectors omits the Ritz vectors (values and residuals only).
	SkipVectors bool
}

// LanczosResult holds the Ritz approximations to the wanted eigenpairs.
type LanczosResult struct {
	// Values are the wanted Ritz values in descending order: for
	// LanczosBoth the top Wanted first, then the bottom Wanted (all Ritz
	// values, once each, if the basis is too small to separate the ends).
	Values []float64
	// Vectors holds len(Values) unit Ritz vectors of length Dim(), row k
	// for Values[k], each with its largest-magnitude entry positive; nil
	// with SkipVectors.
	Vectors []float64
	// Residuals are the Ritz estimates ‖A·y_k − θ_k·y_k‖ = ‖B·s_k‖ (|β·s_mk|
	// for block size 1) from the last residual block B and the trailing
	// entries of the eigenvector s_k of T. Eigenvalue errors are about
	// residual²/gap, or at most residual.
	Residuals []float64
	// Steps is the number of operator calls made; Basis the Krylov basis
	// size (Steps·BlockSize).
	Steps, Basis int
	// Restarts counts invariant subspaces found (breakdown: the new block
	// was in the span of the basis), each continued with a random vector
	// orthogonal to the basis.
	Restarts int
	// Converged reports, when Tol > 0, that all wanted residuals met Tol.
	Converged bool
}

// Vector returns Ritz vector k (a view into Vectors), or nil without vectors.
func (r *LanczosResult) Vector(k int) []float64 {
	if r.Vectors == nil {
		return nil
	}
	n := len(r.Vectors) / len(r.Values)
	return r.Vectors[k*n : (k+1)*n]
}

// lanczosBreakdown is the relative norm (to the largest ‖A·v‖ seen) below
// which a new Krylov vector counts as lying in the span of the basis.
// Roundoff after two Gram–Schmidt passes is ~1e-15, and a float32 operator
// leaves ~1e-7 noise, which is a legitimate (if useless) direction.
const lanczosBreakdown = 1e-12

// Lanczos approximates extreme eigenpairs of the symmetric operator op with
// the (block) Lanczos method and full reorthogonalization: every new
// vector is orthogonalized against the whole basis (classical Gram–Schmidt,
// twice), so no spurious copies of converged eigenvalues appear and the
// Ritz vectors are orthonormal to roundoff. Memory is Basis·Dim() float64s.
//
// Start: a Gaussian block from Seed. Deterministic: the same operator, options
// and seed give bit-identical results for any parallel.Workers().
//
// Multiplicity: a Krylov space holds one direction per eigenspace per start
// vector, so an exactly repeated eigenvalue is found at most BlockSize times
// (more only through restarts). Nearly repeated eigenvalues, as in network
// Jacobians, are resolved like any others, just more slowly.
//
// Cost per step: one operator call on BlockSize vectors, plus 8·Basis·Dim
// flops of reorthogonalization; for block size 1 the projected problem is
// O(Basis²) per convergence check.
//
// Errors: bad options, an operator error (returned wrapped), NaN/Inf from
// the operator, or a failing projected eigenproblem.
func Lanczos(op SymOperator, opt LanczosOptions) (*LanczosResult, error) {
	lz, err := newLanczosRun(op, opt)
	if err != nil {
		return nil, err
	}
	if err := lz.run(); err != nil {
		return nil, err
	}
	return lz.result()
}

// lanczosRun is the state of one Lanczos run: the basis, the blocks of the
// block-tridiagonal T = VᵀAV (diagonal blocks A_j, upper-triangular
// subdiagonal blocks B_j from the QR of each new block) and counters.
type lanczosRun struct {
	op       SymOperator
	opt      LanczosOptions
	n, b     int
	steps    int // maximum number of steps
	wanted   int // pairs per end
	basis    *lanczosBasis
	diag     [][]float64     // A_j, b×b row-major
	sub      [][]float64     // B_j, b×b upper triangular: A V_j = … + V_{j+1} B_j
	gauss    *rng.SplitMix64 // start and restart vectors; its own stream, so results depend only on opt.Seed
	anorm    float64         // largest ‖A v‖ seen
	done     int             // steps completed
	restarts int
	conv     bool
}

func newLanczosRun(op SymOperator, opt LanczosOptions) (*lanczosRun, error) {
	if op == nil {
		return nil, fmt.Errorf("lanczos: nil operator")
	}
	n := op.Dim()
	if n <= 0 {
		return nil, fmt.Errorf("lanczos: operator dimension %d", n)
	}
	b := opt.BlockSize
	if b == 0 {
		b = 1
	}
	wanted := opt.Wanted
	if wanted == 0 {
		wanted = 1
	}
	ends := 1
	if opt.Which == LanczosBoth {
		ends = 2
	}
	switch {
	case b < 0 || b > n:
		return nil, fmt.Errorf("lanczos: block size %d for dimension %d", opt.BlockSize, n)
	case wanted < 0:
		return nil, fmt.Errorf("lanczos: %d wanted pairs", opt.Wanted)
	case opt.Which < LanczosLargest || opt.Which > LanczosBoth:
		return nil, fmt.Errorf("lanczos: unknown end %d", opt.Which)
	case opt.MaxSteps < 0:
		return nil, fmt.Errorf("lanczos: %d steps", opt.MaxSteps)
	case opt.Tol < 0 || math.IsNaN(opt.Tol):
		return nil, fmt.Errorf("lanczos: tolerance %v", opt.Tol)
	}
	steps := opt.MaxSteps
	if steps == 0 {
		steps = (max(50, 3*wanted*ends) + b - 1) / b
	}
	steps = min(steps, n/b)
	if wanted*ends > steps*b && wanted*ends <= n {
		return nil, fmt.Errorf("lanczos: %d steps of block size %d give %d Ritz pairs, fewer than the %d wanted", steps, b, steps*b, wanted*ends)
	}
	if wanted*ends > n {
		return nil, fmt.Errorf("lanczos: %d pairs wanted from a %d-dimensional operator", wanted*ends, n)
	}
	return &lanczosRun{
		op: op, opt: opt, n: n, b: b, steps: steps, wanted: wanted,
		// One extra block holds the last residual block's QR.
		basis: newLanczosBasis(n, steps*b+b),
		gauss: rng.NewSplitMix64(opt.Seed),
	}, nil
}

// run performs the Lanczos steps, stopping early on convergence (Tol > 0)
// or when the basis spans the whole space.
func (lz *lanczosRun) run() error {
	n, b := lz.n, lz.b
	w := make([]float64, b*n)
	// Start block: Gaussian vectors orthonormalized among themselves.
	for c := 0; c < b; c++ {
		v := w[c*n : (c+1)*n]
		if !lz.basis.randomUnit(v, c, lz.gauss) {
			return fmt.Errorf("lanczos: cannot draw a start block of %d vectors in dimension %d", b, n)
		}
		lz.basis.push(v)
	}
	for j := 0; j < lz.steps; j++ {
		x := lz.basis.vecs[j*b*n : (j+1)*b*n]
		if err := lz.op.Apply(w, x, b); err != nil {
			return fmt.Errorf("lanczos: step %d: %w", j, err)
		}
		if err := laCheckFinite(fmt.Sprintf("lanczos: step %d: operator output", j), w); err != nil {
			return err
		}
		last := j == lz.steps-1 || (j+2)*b > n
		lz.extend(j, w, last)
		lz.done = j + 1
		if last {
			break
		}
		if lz.opt.Tol > 0 && (j+1)*b >= lz.wanted {
			ok, err := lz.converged()
			if err != nil {
				return err
			}
			if ok {
				lz.conv = true
				break
			}
		}
	}
	if lz.opt.Tol > 0 && !lz.conv {
		ok, err := lz.converged()
		if err != nil {
			return err
		}
		lz.conv = ok
	}
	return nil
}

// extend orthogonalizes the block w = A·V_j against the basis, records
// A_j = V_jᵀAV_j (symmetrized) and the QR factor B_j of the remainder, and
// appends the new orthonormal block V_{j+1}. A column whose remainder is
// negligible (an invariant subspace) gets B's diagonal entry 0 and, unless
// this is the last step, a fresh random vector orthogonal to the basis, so
// the run continues in a new Krylov space. In the last step the block is
// still appended (its vectors are never used) so B_j is complete.
func (lz *lanczosRun) extend(j int, w []float64, last bool) {
	n, b := lz.n, lz.b
	m := (j + 1) * b // basis size before this block
	aj := make([]float64, b*b)
	bj := make([]float64, b*b)
	coef := make([]float64, m+b)
	for c := 0; c < b; c++ {
		wc := w[c*n : (c+1)*n]
		lz.anorm = math.Max(lz.anorm, laNorm(wc))
		for i := range coef {
			coef[i] = 0
		}
		k := m + c // basis size including earlier columns of this block
		lz.basis.orthogonalize(wc, k, coef)
		for r := 0; r < b; r++ {
			aj[r*b+c] = coef[j*b+r]
		}
		for r := 0; r < c; r++ {
			bj[r*b+c] = coef[m+r]
		}
		nrm := laNorm(wc)
		if nrm > lanczosBreakdown*lz.anorm {
			bj[c*b+c] = nrm
			inv := 1 / nrm
			for i := range wc {
				wc[i] *= inv
			}
		} else {
			if !last {
				lz.restarts++
			}
			if last || !lz.basis.randomUnit(wc, k, lz.gauss) {
				for i := range wc {
					wc[i] = 0
				}
			}
		}
		lz.basis.push(wc)
	}
	for r := 0; r < b; r++ {
		for c := 0; c < r; c++ {
			s := (aj[r*b+c] + aj[c*b+r]) / 2
			aj[r*b+c], aj[c*b+r] = s, s
		}
	}
	lz.diag = append(lz.diag, aj)
	lz.sub = append(lz.sub, bj)
}
