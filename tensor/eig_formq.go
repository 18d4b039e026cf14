package tensor

// Forming Qᵀ = H_{n-3}⋯H_1·H_0 from the reflectors of eigTridiagonalize.

// eigFormQBlock is the number of reflectors applied together as one block
// reflector I − V·T·Vᵀ. 32 makes the two GEMMs per block deep enough to run
// at laGemm's register-tiled rate while T stays tiny.
const eigFormQBlock = 32

// eigFormQT returns Qᵀ (n×n row-major). Blocks of reflectors, from the last
// to the first, are applied as M ← M·H_{k0+kb-1}⋯H_{k0} = M·(I − V·T·Vᵀ)ᵀ
// = M − (M·V)·Tᵀ·Vᵀ (LAPACK dorgtr via dlarft/dlarfb; the transpose because
// Qᵀ multiplies the reflectors in reverse order): the same 4/3·n³ flops as
// one reflector at a time, but as two matrix products instead of n
// memory-bound passes.
func eigFormQT(a []float64, n int, tau []float64) []float64 {
	nref := n - 2 // reflectors k = 0..n-3
	if n < 4*eigFormQBlock {
		return eigFormQTUnblocked(a, n, tau)
	}
	qt := make([]float64, n*n)
	for i := 0; i < n; i++ {
		qt[i*n+i] = 1
	}
	nb := eigFormQBlock
	vt := make([]float64, nb*n)
	t := make([]float64, nb*nb)
	w := make([]float64, n*nb)
	for k0 := (nref - 1) / nb * nb; k0 >= 0; k0 -= nb {
		kb := min(nb, nref-k0)
		m := n - k0 - 1 // the block acts on rows and columns k0+1..n-1
		// Vᵀ (kb×m): reflector k0+p starts at local column p with v[0] = 1.
		vtb := vt[:kb*m]
		for i := range vtb {
			vtb[i] = 0
		}
		for p := 0; p < kb; p++ {
			k := k0 + p
			copy(vtb[p*m+p:(p+1)*m], a[k*n+k+1:(k+1)*n])
		}
		eigBlockReflectorT(vtb, m, kb, tau[k0:k0+kb], t)
		region := qt[(k0+1)*n+k0+1:]
		wb := w[:m*kb]
		for i := range wb {
			wb[i] = 0
		}
		laGemm(false, true, m, kb, m, 1, region, n, vtb, m, wb, kb)   // W = M·V
		eigTimesUpperTransposed(wb, m, kb, t)                         // W = W·Tᵀ
		laGemm(false, false, m, m, kb, -1, wb, kb, vtb, m, region, n) // M −= W·Vᵀ
	}
	return qt
}

// eigBlockReflectorT fills the kb×kb upper-triangular T with
// H_0⋯H_{kb-1} = I − V·T·Vᵀ (LAPACK dlarft, forward, columnwise):
// T[i][i] = τ_i and T[0:i, i] = −τ_i·T[0:i, 0:i]·(Vᵀ_{0:i}·v_i).
func eigBlockReflectorT(vt []float64, m, kb int, tau, t []float64) {
	for i := range t[:kb*kb] {
		t[i] = 0
	}
	col := make([]float64, kb)
	for i := 0; i < kb; i++ {
		vi := vt[i*m : (i+1)*m]
		for p := 0; p < i; p++ {
			col[p] = laDot(vt[p*m+i:(p+1)*m], vi[i:]) // v_i is zero before i
		}
		for r := 0; r < i; r++ {
			s := 0.0
			for p := r; p < i; p++ {
				s += t[r*kb+p] * col[p]
			}
			t[r*kb+i] = -tau[i] * s
		}
		t[i*kb+i] = tau[i]
	}
}

// eigTimesUpperTransposed computes W ← W·Tᵀ for W m×kb and T kb×kb upper
// triangular, row by row: column c of the result needs columns ≥ c of W, so
// sweeping c upwards lets each row be overwritten in place.
func eigTimesUpperTransposed(w []float64, m, kb int, t []float64) {
	for i := 0; i < m; i++ {
		row := w[i*kb : (i+1)*kb]
		for c := 0; c < kb; c++ {
			s := 0.0
			for p := c; p < kb; p++ {
				s += row[p] * t[c*kb+p]
			}
			row[c] = s
		}
	}
}

// eigFormQTUnblocked returns Qᵀ (n×n row-major) from the reflectors eigTridiagonalize
// left in a. Accumulating backwards, M ← M·H_k for k = n-3..0 starting from
// I, gives M = H_{n-3}⋯H_0 = Qᵀ and touches only the trailing block
// M[k+1:, k+1:] at step k. Rows are independent, so the 4/3·n³ flops split
// over goroutines deterministically. Rows of Qᵀ are the columns of Q, which
// is the layout the QL rotations need (they combine rows).
func eigFormQTUnblocked(a []float64, n int, tau []float64) []float64 {
	qt := make([]float64, n*n)
	for i := 0; i < n; i++ {
		qt[i*n+i] = 1
	}
	for k := n - 3; k >= 0; k-- {
		t := tau[k]
		if t == 0 {
			continue
		}
		v := a[k*n+k+1 : (k+1)*n]
		body := func(lo, hi int) {
			for i := k + 1 + lo; i < k+1+hi; i++ {
				r := qt[i*n+k+1 : (i+1)*n]
				laAxpy(-t*laDot(r, v), v, r)
			}
		}
		rows := n - k - 1
		if rows*rows < 1<<14 {
			body(0, rows)
		} else {
			parallelFor(rows, body)
		}
	}
	return qt
}
