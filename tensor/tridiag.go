package tensor

import (
	"fmt"
	"math"
)

// TridiagEig computes the eigenvalues, and if wantVectors the eigenvectors, of
// the symmetric tridiagonal matrix with diagonal alpha (length n) and
// off-diagonal beta (length n-1, beta[i] = T[i][i+1] = T[i+1][i]).
//
// Values are in ascending order. Vectors (nil unless wantVectors) is n×n
// row-major with row k the unit eigenvector of values[k]; each vector's entry
// of largest magnitude is positive, which makes the signs reproducible.
//
// The method is implicit QL with Wilkinson shifts (EISPACK tql2 / LAPACK
// dsteqr), O(n²) for values and about 3n³ flops for vectors. alpha and beta
// are not modified. Errors: length mismatch, NaN/Inf, or no convergence
// within 30n QL sweeps (never observed in practice).
func TridiagEig(alpha, beta []float64, wantVectors bool) (values, vectors []float64, err error) {
	n := len(alpha)
	if n == 0 && len(beta) == 0 {
		return []float64{}, nil, nil
	}
	if len(beta) != n-1 {
		return nil, nil, fmt.Errorf("tridiag: %d diagonal entries need %d off-diagonal entries, got %d", n, n-1, len(beta))
	}
	if err := laCheckFinite("tridiag: diagonal", alpha); err != nil {
		return nil, nil, err
	}
	if err := laCheckFinite("tridiag: off-diagonal", beta); err != nil {
		return nil, nil, err
	}
	d := append([]float64(nil), alpha...)
	e := make([]float64, n)
	copy(e, beta)
	var w []float64
	if wantVectors {
		w = make([]float64, n*n)
		for i := 0; i < n; i++ {
			w[i*n+i] = 1
		}
	}
	if err := tridiagQL(d, e, w, n); err != nil {
		return nil, nil, err
	}
	eigSortRows(d, w, n)
	if wantVectors {
		eigFixSigns(w, n, n)
	}
	return d, w, nil
}

// tridiagQL overwrites d (diagonal, length n) with the eigenvalues of the
// symmetric tridiagonal matrix (d, e), where e[i] couples i and i+1 and
// e[n-1] is workspace; e is destroyed. Every plane rotation of the iteration
// is also applied to rows i, i+1 of w (n rows of ncols columns, row-major) so
// that, starting from w = Xᵀ, w ends as (X·Z)ᵀ with Z the eigenvectors of the
// tridiagonal: row k of w belongs to d[k]. w may be nil (values only) or have
// fewer columns than n (e.g. only the last rows of Z for Ritz estimates:
// start w with the corresponding columns of the identity).
//
// The input is scaled by a power of two to unit size first (exact), so the
// shift and rotation arithmetic never overflows, then scaled back.
func tridiagQL(d, e, w []float64, ncols int) error {
	n := len(d)
	if n == 0 {
		return nil
	}
	e[n-1] = 0
	scale := laPow2Scale(math.Max(laMaxAbs(d), laMaxAbs(e[:n-1])))
	if scale != 1 {
		for i := range d {
			d[i] *= scale
			e[i] *= scale
		}
	}
	rot := tridiagRotations{}
	maxSweeps := 30 * n
	sweeps := 0
	for l := 0; l < n; l++ {
		for {
			m := tridiagSplit(d, e, l)
			if m == l {
				break
			}
			if sweeps == maxSweeps {
				return fmt.Errorf("tridiag: QL iteration did not converge after %d sweeps (n=%d)", sweeps, n)
			}
			sweeps++
			tridiagQLSweep(d, e, l, m, &rot, w != nil)
			if w != nil {
				rot.apply(w, ncols)
			}
		}
	}
	if scale != 1 {
		for i := range d {
			d[i] /= scale
		}
	}
	return nil
}

// tridiagSplit returns the first m ≥ l where the matrix splits (e[m]
// negligible, then set to zero), or n-1. The test is LAPACK's relative one,
// |e_m| ≤ ε·sqrt(|d_m|·|d_m+1|), which keeps small eigenvalues of graded
// matrices accurate, with an absolute floor so exact zeros deflate.
func tridiagSplit(d, e []float64, l int) int {
	n := len(d)
	for m := l; m < n-1; m++ {
		t := math.Abs(e[m])
		if t == 0 {
			return m
		}
		if t <= math.Sqrt(math.Abs(d[m]))*math.Sqrt(math.Abs(d[m+1]))*laEps || t < laSafeMin {
			e[m] = 0
			return m
		}
	}
	return n - 1
}

// tridiagQLSweep performs one implicit QL sweep with Wilkinson shift on the
// unreduced block l..m, chasing the bulge from m-1 up to l. The rotations are
// recorded in rot (when record is set) so the caller can apply them to the
// eigenvector matrix in cache-friendly column blocks.
func tridiagQLSweep(d, e []float64, l, m int, rot *tridiagRotations, record bool) {
	rot.reset()
	// Wilkinson shift: the eigenvalue of the leading 2×2 closer to d[l].
	g := (d[l+1] - d[l]) / (2 * e[l])
	r := math.Hypot(g, 1)
	g = d[m] - d[l] + e[l]/(g+math.Copysign(r, g))
	s, c, p := 1.0, 1.0, 0.0
	for i := m - 1; i >= l; i-- {
		f := s * e[i]
		b := c * e[i]
		r = math.Hypot(f, g)
		e[i+1] = r
		if r == 0 {
			// The bulge vanished (underflow): the matrix has split at i+1.
			// Undo the pending shift and let the caller search again.
			d[i+1] -= p
			e[m] = 0
			return
		}
		s = f / r
		c = g / r
		g = d[i+1] - p
		r = (d[i]-g)*s + 2*c*b
		p = s * r
		d[i+1] = g + p
		g = c*r - b
		if record {
			rot.add(i, c, s)
		}
	}
	d[l] -= p
	e[l] = g
	e[m] = 0
}

// tridiagRotations holds the plane rotations of one QL sweep, in order.
type tridiagRotations struct {
	idx  []int
	c, s []float64
}

func (r *tridiagRotations) reset() {
	r.idx, r.c, r.s = r.idx[:0], r.c[:0], r.s[:0]
}

func (r *tridiagRotations) add(i int, c, s float64) {
	r.idx = append(r.idx, i)
	r.c = append(r.c, c)
	r.s = append(r.s, s)
}

// tridiagRotBlock is the column-block width for applying a sweep: 64 columns
// of the rows a sweep touches stay in L1/L2 while all its rotations pass over
// them (LAPACK dlasr applies rotations one at a time over whole rows, which
// streams the matrix from memory once per rotation).
const tridiagRotBlock = 64

// apply applies the recorded rotations, in order, to rows i, i+1 of w:
// (w_i, w_i+1) ← (c·w_i − s·w_i+1, s·w_i + c·w_i+1). Column blocks are
// independent, so they are spread over goroutines; every entry sees the same
// operations in the same order whatever the thread count.
func (r *tridiagRotations) apply(w []float64, ncols int) {
	if len(r.idx) == 0 {
		return
	}
	nblocks := (ncols + tridiagRotBlock - 1) / tridiagRotBlock
	body := func(lo, hi int) {
		for blk := lo; blk < hi; blk++ {
			c0 := blk * tridiagRotBlock
			c1 := min(c0+tridiagRotBlock, ncols)
			r.applyCols(w, ncols, c0, c1)
		}
	}
	// Fan out only when the work dwarfs goroutine start-up (~µs).
	if len(r.idx)*ncols < 1<<16 {
		body(0, nblocks)
		return
	}
	parallelFor(nblocks, body)
}

func (r *tridiagRotations) applyCols(w []float64, ncols, c0, c1 int) {
	for k, i := range r.idx {
		c, s := r.c[k], r.s[k]
		lo := w[i*ncols+c0 : i*ncols+c1]
		hi := w[(i+1)*ncols+c0 : (i+1)*ncols+c1]
		hi = hi[:len(lo)]
		for j, f := range hi {
			x := lo[j]
			hi[j] = s*x + c*f
			lo[j] = c*x - s*f
		}
	}
}
