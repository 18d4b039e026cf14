package linalg

import "github.com/harmonic-go/harmonic/simd"

// Blocked Householder tridiagonalization (LAPACK dsytrd/dlatrd, lower,
// adapted to full row-major storage). A panel of nb reflectors is computed
// against the not-yet-updated trailing matrix, with the panel's pending
// rank-2 updates applied only where needed: to the row being reduced, and
// as O(m·nb) corrections to each product A₂₂·v. The trailing matrix then
// gets all nb rank-2 updates at once, A₂₂ −= V·Wᵀ + W·Vᵀ, as one matrix
// product of depth 2nb. Half of the flops (the products A₂₂·v) remain a
// read-only pass per column; the other half run at laGemm's register-tiled
// rate instead of the unblocked code's memory-bound read-modify-write.
//
// The panels keep only the upper triangle of the trailing block up to date
// (rows read from their diagonal on): the products A₂₂·v read it once per
// row for both halves (eigSymv), and the update computes it alone, a
// staircase of row blocks (dsyr2k's flops, not a full product's). The
// block left for the unblocked code is made symmetric again at the end.

// eigTridiagPanel is the panel width nb, eigTridiagPanelMin the smallest
// trailing block worth a panel (below it the unblocked code is faster), and
// eigTridiagStair the row block of the trailing update's staircase.
const (
	eigTridiagPanel    = 32
	eigTridiagPanelMin = 128
	eigTridiagStair    = 128
)

// eigTridiagPanels reduces columns 0..kEnd-1 of a (see eigTridiagonalize)
// in panels, filling d, e, tau for them, and returns kEnd; rows and columns
// ≥ kEnd are left fully updated (both triangles) for the unblocked code.
func eigTridiagPanels(a []float64, n int, d, e, tau []float64) int {
	nb := eigTridiagPanel
	// vw holds the panel's reflectors (row p: that of column k0+p, absolute
	// indices) above their w vectors; wv the same rows the other way round,
	// so that the trailing update is one product of depth 2nb.
	vw := make([]float64, 2*nb*n)
	wv := make([]float64, 2*nb*n)
	vp, wp := vw[:nb*n], vw[nb*n:]
	p := make([]float64, n)
	coefW := make([]float64, nb)
	coefV := make([]float64, nb)
	var symv eigSymv
	k0 := 0
	for ; n-k0 >= eigTridiagPanelMin; k0 += nb {
		for i := range vp {
			vp[i] = 0
			wp[i] = 0
		}
		for jj := 0; jj < nb; jj++ {
			j := k0 + jj
			row := a[j*n : (j+1)*n]
			// Row j gets the panel's earlier updates (columns j..n-1):
			// row −= Σ_q v_q[j]·w_q + w_q[j]·v_q.
			for q := 0; q < jj; q++ {
				coefW[q], coefV[q] = -vp[q*n+j], -wp[q*n+j]
			}
			simd.DaxpyRows(wp[j:], n, coefW[:jj], row[j:])
			simd.DaxpyRows(vp[j:], n, coefV[:jj], row[j:])
			d[j] = row[j]
			v := row[j+1:]
			e[j], tau[j] = eigHouseholder(v)
			copy(vp[jj*n+j+1:(jj+1)*n], v)
			if tau[j] == 0 {
				continue // w = 0
			}
			// p = (A₂₂ − V·Wᵀ − W·Vᵀ)·v over rows j+1..n-1, with A₂₂ as it
			// was before this panel.
			pj := p[j+1:]
			symv.upperProduct(a, n, j+1, v, pj)
			// p −= V·(Wᵀv) + W·(Vᵀv).
			if jj > 0 {
				simd.DdotRows(wp[j+1:], n, v, coefW[:jj])
				simd.DdotRows(vp[j+1:], n, v, coefV[:jj])
				for q := 0; q < jj; q++ {
					coefW[q], coefV[q] = -coefW[q], -coefV[q]
				}
				simd.DaxpyRows(vp[j+1:], n, coefW[:jj], pj)
				simd.DaxpyRows(wp[j+1:], n, coefV[:jj], pj)
			}
			// w = τp − (τ²/2)(pᵀv)v, as in the unblocked code.
			t := tau[j]
			for i := range pj {
				pj[i] *= t
			}
			laAxpy(-0.5*t*laDot(pj, v), v, pj)
			copy(wp[jj*n+j+1:(jj+1)*n], pj)
		}
		// Trailing block rows/columns ≥ t.
		t := k0 + nb
		m := n - t
		// A₂₂ −= [V W]·[W V]ᵀ: one pass over the trailing block instead of
		// two (it is read and written once per product; at depth nb = 32
		// that traffic, not the arithmetic, bounds the update), row block by
		// row block from the diagonal on.
		copy(wv[:nb*n], wp)
		copy(wv[nb*n:], vp)
		for r0 := 0; r0 < m; r0 += eigTridiagStair {
			rows := min(eigTridiagStair, m-r0)
			c := t + r0
			laGemm(true, false, rows, m-r0, 2*nb, -1, vw[c:], n, wv[c:], n, a[c*n+c:], n)
		}
	}
	if k0 > 0 {
		eigSymmetrizeFromUpper(a, n, k0)
	}
	return k0
}

// eigSymmetrizeFromUpper copies the upper triangle of the trailing block
// (rows and columns ≥ k0) onto its lower one.
func eigSymmetrizeFromUpper(a []float64, n, k0 int) {
	for i := k0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a[j*n+i] = a[i*n+j]
		}
	}
}
