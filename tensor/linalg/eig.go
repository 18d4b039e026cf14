package linalg

import (
	"fmt"
	"math"
	"slices"
)

// EigSym computes all eigenvalues and eigenvectors of the symmetric part
// (A+Aᵀ)/2 of the n×n row-major matrix a, in float64. For a symmetric a
// that is a itself, exactly; for a Jacobian J it is the (J+Jᵀ)/2 whose
// spectrum the studies plot, with no separate symmetrization pass.
//
// Values are in ascending order. Vectors is n×n row-major with row k the
// unit eigenvector of values[k] (so vectors[k*n:(k+1)*n] can be viewed as an
// image directly); its entry of largest magnitude is positive, which fixes
// the sign reproducibly. a is not modified.
//
// Method: Householder tridiagonalization (LAPACK dsytrd), then for n > 64
// divide and conquer on the tridiagonal with Q applied to its eigenvectors
// by blocked reflectors (dstedc + dormtr, as in dsyevd), and for small n
// implicit QL with Wilkinson shifts accumulating rotations into Q (dsteqr).
// Backward stable: ‖AV − VΛ‖ and ‖VᵀV − I‖ are O(nε‖A‖). About 2n³ flops
// in the reduction plus at most 10/3·n³ in matrix products for the vectors
// (less when the spectrum is clustered, as deflation skips work); memory
// about 5n² float64s. Work splits over parallel.Workers() goroutines by independent
// rows or columns, so results do not depend on the thread count.
//
// Errors: n < 0, len(a) ≠ n², NaN or Inf in a, or an iteration that does
// not converge (QL or the secular equation; not seen in practice).
func EigSym(a []float64, n int) (values, vectors []float64, err error) {
	return eigSym(a, n, true)
}

// EigSymValues is EigSym without eigenvectors: O(n³) only for the
// tridiagonalization (2n³ flops), O(n²) after it.
func EigSymValues(a []float64, n int) ([]float64, error) {
	values, _, err := eigSym(a, n, false)
	return values, err
}

// eigDCMin is the order above which eigenvectors come from divide and
// conquer (about twice as fast as QL's rotations from a few hundred on, and
// much faster on clustered spectra); below it QL is as fast and simpler.
const eigDCMin = 2 * tridiagDCLeaf

func eigSym(a []float64, n int, wantVectors bool) (values, vectors []float64, err error) {
	if n < 0 {
		return nil, nil, fmt.Errorf("eigsym: negative size %d", n)
	}
	if len(a) != n*n {
		return nil, nil, fmt.Errorf("eigsym: %d values do not form a %d×%d matrix (%d values)", len(a), n, n, n*n)
	}
	if err := laCheckFinite(fmt.Sprintf("eigsym: %d×%d matrix", n, n), a); err != nil {
		return nil, nil, err
	}
	if n == 0 {
		return []float64{}, []float64{}, nil
	}
	// Work on s·(A+Aᵀ)/2 with s a power of two making the largest entry
	// ~1: exact, and it keeps Householder norms and QL shifts far from
	// overflow or underflow whatever the caller's units.
	s := laPow2Scale(laMaxAbs(a))
	work := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			x := (s*a[i*n+j] + s*a[j*n+i]) / 2
			work[i*n+j] = x
			work[j*n+i] = x
		}
	}
	d, e, tau := eigTridiagonalize(work, n)
	var w []float64
	switch {
	case !wantVectors:
		if err := tridiagQL(d, e, nil); err != nil {
			return nil, nil, fmt.Errorf("eigsym: %d×%d matrix: %w", n, n, err)
		}
	case n > eigDCMin:
		// Divide and conquer on T, then Q applied to its eigenvectors.
		if w, err = tridiagDC(d, e); err != nil {
			return nil, nil, fmt.Errorf("eigsym: %d×%d matrix: %w", n, n, err)
		}
		eigApplyQ(work, n, tau, w)
		eigTransposeSquare(w, n) // rows become eigenvectors
	default:
		// QL with the rotations accumulated into Q.
		w = eigFormQT(work, n, tau)
		eigTransposeSquare(w, n) // Q: the QL rotations combine its columns
		if err := tridiagQL(d, e, w); err != nil {
			return nil, nil, fmt.Errorf("eigsym: %d×%d matrix: %w", n, n, err)
		}
		eigTransposeSquare(w, n) // rows of (QZ)ᵀ are the eigenvectors
	}
	for i := range d {
		d[i] /= s
	}
	eigSortRows(d, w, n)
	if wantVectors {
		eigFixSigns(w, n, n)
	}
	return d, w, nil
}

// eigSortRows sorts d ascending and permutes the rows of w (len(d) rows of
// ncols, or nil) along. The sort is stable so ties keep QL's order.
func eigSortRows(d, w []float64, ncols int) {
	n := len(d)
	if slices.IsSorted(d) && !slices.ContainsFunc(d, math.IsNaN) {
		return // divide and conquer returns them sorted: the stable sort is the identity
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, func(i, j int) int {
		switch {
		case d[i] < d[j]:
			return -1
		case d[i] > d[j]:
			return 1
		}
		return 0
	})
	sorted := make([]float64, n)
	for k, p := range perm {
		sorted[k] = d[p]
	}
	copy(d, sorted)
	if w == nil {
		return
	}
	tmp := make([]float64, len(w))
	for k, p := range perm {
		copy(tmp[k*ncols:(k+1)*ncols], w[p*ncols:(p+1)*ncols])
	}
	copy(w, tmp)
}

// eigFixSigns flips each of the nrows rows of w so that its entry of
// largest magnitude (the first one on ties) is positive. Eigenvectors are
// only defined up to sign; a fixed rule makes saved eigenvector images and
// ⟨x, e_k⟩ coefficients comparable between runs and implementations.
func eigFixSigns(w []float64, nrows, ncols int) {
	for k := 0; k < nrows; k++ {
		r := w[k*ncols : (k+1)*ncols]
		best, big := 0, -1.0
		for j, v := range r {
			if a := math.Abs(v); a > big {
				best, big = j, a
			}
		}
		if r[best] < 0 {
			for j := range r {
				r[j] = -r[j]
			}
		}
	}
}

// eigTransposeSquare transposes the n×n row-major matrix w in place (no-op
// for nil), in 32×32 tiles so both sides of each swap stay in cache.
func eigTransposeSquare(w []float64, n int) {
	if w == nil {
		return
	}
	const tile = 32
	for i0 := 0; i0 < n; i0 += tile {
		for j0 := i0; j0 < n; j0 += tile {
			for i := i0; i < min(i0+tile, n); i++ {
				for j := max(j0, i+1); j < min(j0+tile, n); j++ {
					w[i*n+j], w[j*n+i] = w[j*n+i], w[i*n+j]
				}
			}
		}
	}
}
