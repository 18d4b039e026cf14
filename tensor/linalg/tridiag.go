package linalg

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// TridiagEig computes the eigenvalues, and if wantVectors the eigenvectors, of
// the symmetric tridiagonal matrix with diagonal alpha (length n) and
// off-diagonal beta (length n-1, beta[i] = T[i][i+1] = T[i+1][i]).
//
// Values are in ascending order. Vectors (nil unless wantVectors) is n×n
// row-major with row k the unit eigenvector of values[k]; each vector's entry
// of largest magnitude is positive, which makes the signs reproducible.
//
// Values come from implicit QL with Wilkinson shifts (EISPACK tql2 / LAPACK
// dsteqr, O(n²)); vectors from QL with accumulated rotations for n ≤ 64 and
// from divide and conquer above (dstedc). alpha and beta are not modified.
// Errors: length mismatch, NaN/Inf, or no convergence (never observed).
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
	if wantVectors && n > eigDCMin {
		z, err := tridiagDC(d, beta)
		if err != nil {
			return nil, nil, err
		}
		eigTransposeSquare(z, n) // rows become eigenvectors
		eigFixSigns(z, n, n)
		return d, z, nil
	}
	e := make([]float64, n)
	copy(e, beta)
	var w []float64
	if wantVectors {
		w = make([]float64, n*n)
		for i := 0; i < n; i++ {
			w[i*n+i] = 1
		}
	}
	if err := tridiagQL(d, e, w); err != nil {
		return nil, nil, err
	}
	eigTransposeSquare(w, n) // rows become eigenvectors
	eigSortRows(d, w, n)
	if wantVectors {
		eigFixSigns(w, n, n)
	}
	return d, w, nil
}

// tridiagQL overwrites d (diagonal, length n) with the eigenvalues of the
// symmetric tridiagonal matrix (d, e), where e[i] couples i and i+1 and
// e[n-1] is workspace; e is destroyed. Every plane rotation of the iteration
// is also applied to columns i, i+1 of w (row-major, rows of length n, any
// number of rows) so that, starting from w = X, w ends as X·Z with Z the
// eigenvectors of the tridiagonal: column k of w belongs to d[k]. w may be
// nil (values only) or hold only some rows (e.g. the last row of Z alone,
// for Ritz estimates: start it as the last row of the identity).
//
// The input is scaled by a power of two to unit size first (exact), so the
// shift and rotation arithmetic never overflows, then scaled back.
func tridiagQL(d, e, w []float64) error {
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
				rot.apply(w, n)
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

// apply applies the recorded rotations, in order, to every row of w (rows
// of length n; len(w) a multiple of n): rotation (i, c, s) maps columns
// (i, i+1) of a row, (x, y), to (c·x − s·y, s·x + c·y). With w = Z stored
// row-major (row k = component k of every eigenvector) a sweep walks each
// row contiguously. Rows are independent, so they are spread over
// goroutines; every entry sees the same operations in the same order
// whatever the thread count.
func (r *tridiagRotations) apply(w []float64, n int) {
	if len(r.idx) == 0 {
		return
	}
	nrows := len(w) / n
	groups := (nrows + 3) / 4
	body := func(lo, hi int) {
		r.applyRows(w, n, 4*lo, min(4*hi, nrows))
	}
	// Fan out only when the work dwarfs goroutine start-up (~µs).
	if len(r.idx)*nrows < 1<<15 {
		body(0, groups)
		return
	}
	parallel.For(groups, body)
}

// applyRows applies the sweep to rows r0..r1 of w. A QL sweep's rotations
// touch consecutive columns from the right (i = m-1, m-2, ..., l), so entry
// i+1 is final after rotation i while the new entry i feeds rotation i-1.
// Carrying that value in a register loads and stores each entry once per
// sweep; four rows run side by side so their dependency chains overlap in
// the pipeline.
func (r *tridiagRotations) applyRows(w []float64, n, r0, r1 int) {
	lo, hi := r.idx[len(r.idx)-1], r.idx[0]+1 // columns lo..hi are touched
	cs, ss := r.c, r.s[:len(r.c)]
	L := hi - lo + 1
	row := r0
	for ; row+4 <= r1; row += 4 {
		a0 := w[row*n+lo : row*n+lo+L]
		a1 := w[(row+1)*n+lo : (row+1)*n+lo+L]
		a2 := w[(row+2)*n+lo : (row+2)*n+lo+L]
		a3 := w[(row+3)*n+lo : (row+3)*n+lo+L]
		h0, h1, h2, h3 := a0[L-1], a1[L-1], a2[L-1], a3[L-1]
		for k, c := range cs {
			s := ss[k]
			i := L - 2 - k
			x0, x1, x2, x3 := a0[i], a1[i], a2[i], a3[i]
			a0[i+1] = s*x0 + c*h0
			a1[i+1] = s*x1 + c*h1
			a2[i+1] = s*x2 + c*h2
			a3[i+1] = s*x3 + c*h3
			h0 = c*x0 - s*h0
			h1 = c*x1 - s*h1
			h2 = c*x2 - s*h2
			h3 = c*x3 - s*h3
		}
		a0[0], a1[0], a2[0], a3[0] = h0, h1, h2, h3
	}
	for ; row < r1; row++ {
		a := w[row*n+lo : row*n+lo+L]
		h := a[L-1]
		for k, c := range cs {
			s := ss[k]
			i := L - 2 - k
			x := a[i]
			a[i+1] = s*x + c*h
			h = c*x - s*h
		}
		a[0] = h
	}
}
