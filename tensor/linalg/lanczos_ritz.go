package linalg

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// Rayleigh–Ritz step of Lanczos: eigenpairs (θ_k, s_k) of the projected
// block-tridiagonal T give Ritz values θ_k and vectors y_k = V·s_k, with
// A·y_k − θ_k·y_k = V_{next}·B·(last block of s_k), hence the residual
// estimate ‖B·s_k,tail‖ without touching the operator again.

// lanczosProjected is the solved projected problem: ascending values, the
// trailing b components of each eigenvector (tails, m×b) and, when asked
// for, the full eigenvectors (m×m, row k for values[k]).
type lanczosProjected struct {
	values, tails, vecs []float64
	m                   int
}

// projected solves the eigenproblem of T for the completed steps. For block
// size 1, T is tridiagonal: values and tails cost O(m²) by running QL on the
// last row of Z only, so checking convergence after every step is cheap.
func (lz *lanczosRun) projected(full bool) (*lanczosProjected, error) {
	b, steps := lz.b, lz.done
	m := steps * b
	p := &lanczosProjected{m: m}
	if b == 1 {
		alpha := make([]float64, m)
		beta := make([]float64, m)
		for j := 0; j < m; j++ {
			alpha[j] = lz.diag[j][0]
			if j+1 < m {
				beta[j] = lz.sub[j][0]
			}
		}
		if full {
			values, vecs, err := TridiagEig(alpha, beta[:m-1], true)
			if err != nil {
				return nil, fmt.Errorf("lanczos: projected %d×%d problem: %w", m, m, err)
			}
			p.values, p.vecs = values, vecs
			p.tails = make([]float64, m)
			for k := range p.tails {
				p.tails[k] = vecs[k*m+m-1]
			}
			return p, nil
		}
		last := make([]float64, m) // row m-1 of Z, starting from I
		last[m-1] = 1
		if err := tridiagQL(alpha, beta, last); err != nil {
			return nil, fmt.Errorf("lanczos: projected %d×%d problem: %w", m, m, err)
		}
		eigSortRows(alpha, last, 1)
		p.values, p.tails = alpha, last
		return p, nil
	}
	t := make([]float64, m*m)
	for j := 0; j < steps; j++ {
		for r := 0; r < b; r++ {
			for c := 0; c < b; c++ {
				t[(j*b+r)*m+j*b+c] = lz.diag[j][r*b+c]
				if j+1 < steps {
					t[((j+1)*b+r)*m+j*b+c] = lz.sub[j][r*b+c]
					t[(j*b+c)*m+(j+1)*b+r] = lz.sub[j][r*b+c]
				}
			}
		}
	}
	values, vecs, err := EigSym(t, m)
	if err != nil {
		return nil, fmt.Errorf("lanczos: projected %d×%d problem: %w", m, m, err)
	}
	p.values, p.vecs = values, vecs
	p.tails = make([]float64, m*b)
	for k := 0; k < m; k++ {
		copy(p.tails[k*b:(k+1)*b], vecs[k*m+m-b:k*m+m])
	}
	return p, nil
}

// residual is ‖B·s_k,tail‖ for pair k, B the last step's QR factor.
func (lz *lanczosRun) residual(p *lanczosProjected, k int) float64 {
	b := lz.b
	bl := lz.sub[lz.done-1]
	tail := p.tails[k*b : (k+1)*b]
	s := 0.0
	for r := 0; r < b; r++ {
		x := 0.0
		for c := r; c < b; c++ {
			x += bl[r*b+c] * tail[c]
		}
		s += x * x
	}
	return math.Sqrt(s)
}

// selection returns the indices (into the ascending values) of the wanted
// pairs, in descending order of value.
func (lz *lanczosRun) selection(m int) []int {
	w := min(lz.wanted, m)
	var idx []int
	top := func(k int) {
		for i := m - 1; i >= m-k; i-- {
			idx = append(idx, i)
		}
	}
	bottom := func(k int) {
		for i := k - 1; i >= 0; i-- {
			idx = append(idx, i)
		}
	}
	switch lz.opt.Which {
	case LanczosLargest:
		top(w)
	case LanczosSmallest:
		bottom(w)
	default:
		if 2*w >= m {
			top(m)
		} else {
			top(w)
			bottom(w)
		}
	}
	return idx
}

// converged reports whether every wanted pair's residual estimate is at most
// Tol·max|θ|.
func (lz *lanczosRun) converged() (bool, error) {
	ends := 1
	if lz.opt.Which == LanczosBoth {
		ends = 2
	}
	if lz.done*lz.b < lz.wanted*ends {
		return false, nil
	}
	p, err := lz.projected(false)
	if err != nil {
		return false, err
	}
	tnorm := math.Max(math.Abs(p.values[0]), math.Abs(p.values[p.m-1]))
	for _, k := range lz.selection(p.m) {
		if lz.residual(p, k) > lz.opt.Tol*tnorm {
			return false, nil
		}
	}
	return true, nil
}

// result assembles values, residuals and (unless skipped) Ritz vectors.
func (lz *lanczosRun) result() (*LanczosResult, error) {
	p, err := lz.projected(!lz.opt.SkipVectors)
	if err != nil {
		return nil, err
	}
	sel := lz.selection(p.m)
	res := &LanczosResult{
		Values:    make([]float64, len(sel)),
		Residuals: make([]float64, len(sel)),
		Steps:     lz.done,
		Basis:     p.m,
		Restarts:  lz.restarts,
		Converged: lz.conv,
	}
	for i, k := range sel {
		res.Values[i] = p.values[k]
		res.Residuals[i] = lz.residual(p, k)
	}
	if lz.opt.SkipVectors {
		return res, nil
	}
	n, m := lz.n, p.m
	res.Vectors = make([]float64, len(sel)*n)
	// y_k = Σ_i s_k[i]·v_i; each Ritz vector is an independent output.
	parallel.For(len(sel), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			y := res.Vectors[i*n : (i+1)*n]
			s := p.vecs[sel[i]*m : (sel[i]+1)*m]
			for t := 0; t < m; t++ {
				laAxpy(s[t], lz.basis.vec(t), y)
			}
			if nrm := laNorm(y); nrm > 0 {
				inv := 1 / nrm
				for t := range y {
					y[t] *= inv
				}
			}
		}
	})
	eigFixSigns(res.Vectors, len(sel), n)
	return res, nil
}
