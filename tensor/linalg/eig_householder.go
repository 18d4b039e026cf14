package linalg

import (
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// Householder reduction of a dense symmetric matrix to tridiagonal form,
// T = Qᵀ·A·Q with Q = H_0·H_1⋯H_{n-3}, H_k = I − τ_k v_k v_kᵀ (LAPACK dsytd2).
//
// This unblocked code runs the last columns, once the trailing block is
// below eigTridiagPanelMin (all of them for small n); the blocked panels
// (eig_householder_blocked.go) do the rest on one triangle. Here both
// triangles are kept and updated, so every row of the trailing block is a
// contiguous slice and the matrix–vector product p = A₂₂·v needs no column
// walks: rows are independent, so the work splits over goroutines with
// bit-identical results, and the rank-2 update of step k-1 is fused with
// the product of step k in a single pass over the trailing block.

// eigTridiagonalize overwrites the n×n row-major symmetric matrix a (both
// triangles) and returns the diagonal d, the off-diagonal e (e[k] = T[k][k+1],
// len n with e[n-1] = 0) and the reflector scalars tau. The reflector v_k is
// left in row k, columns k+1..n-1, with v_k[0] = 1 stored explicitly.
func eigTridiagonalize(a []float64, n int) (d, e, tau []float64) {
	d = make([]float64, n)
	e = make([]float64, n)
	tau = make([]float64, n)
	if n == 1 {
		d[0] = a[0]
		return d, e, tau
	}
	// Most columns go in blocked panels; the last ones (where the trailing
	// block is too small for matrix products to pay) one at a time.
	kStart := eigTridiagPanels(a, n, d, e, tau)
	p := make([]float64, n) // p[i] for i > k: (A₂₂·v_k)_i, then w_k
	var pendV, pendW []float64
	for k := kStart; k < n-2; k++ {
		row := a[k*n : (k+1)*n]
		if pendV != nil {
			eigRank2Row(row[k:], pendV[k], pendW[k], pendV[k:], pendW[k:])
		}
		d[k] = row[k]
		v := row[k+1:]
		e[k], tau[k] = eigHouseholder(v)
		if tau[k] == 0 {
			// H_k = I; still owe the trailing rows the previous update.
			eigTrailingPass(a, n, k, pendV, pendW, nil, nil)
			pendV, pendW = nil, nil
			continue
		}
		eigTrailingPass(a, n, k, pendV, pendW, v, p)
		// w = τp − (τ²/2)(pᵀv)v, so that H A₂₂ H = A₂₂ − v wᵀ − w vᵀ.
		t := tau[k]
		pk := p[k+1:]
		for i := range pk {
			pk[i] *= t
		}
		kk := 0.5 * t * laDot(pk, v)
		laAxpy(-kk, v, pk)
		// Row k now stores v (absolute column index j ↔ row[j]), and p
		// stores w; both are read by the fused pass of step k+1.
		pendV, pendW = row, p
		p = make([]float64, n)
	}
	for i := n - 2; i < n; i++ {
		if pendV != nil {
			r := a[i*n : (i+1)*n]
			eigRank2Row(r[n-2:], pendV[i], pendW[i], pendV[n-2:], pendW[n-2:])
		}
	}
	d[n-2] = a[(n-2)*n+n-2]
	e[n-2] = a[(n-2)*n+n-1]
	d[n-1] = a[(n-1)*n+n-1]
	return d, e, tau
}

// eigTrailingPass walks rows i = k+1..n-1 of the trailing block once: it
// applies the pending rank-2 update of step k-1 (if pendV != nil) to columns
// k+1..n-1 and then, if v != nil, stores p[i] = Σ_j a[i][j]·v[j]. Column k of
// those rows is never read again (row k holds the same values), so it is
// left stale. Each row is independent: parallel and deterministic.
func eigTrailingPass(a []float64, n, k int, pendV, pendW, v, p []float64) {
	if pendV == nil && v == nil {
		return
	}
	body := func(lo, hi int) {
		// Four rows at a time: their pending update, then their products
		// with v, which are half of the reduction's flops and stream the
		// trailing block from memory (simd.DdotRows: the same bits at every
		// simd level, about 3x laDot's speed).
		for i0 := k + 1 + lo; i0 < k+1+hi; i0 += 4 {
			i1 := min(i0+4, k+1+hi)
			if pendV != nil {
				for i := i0; i < i1; i++ {
					eigRank2Row(a[i*n+k+1:(i+1)*n], pendV[i], pendW[i], pendV[k+1:], pendW[k+1:])
				}
			}
			if v != nil {
				simd.DdotRows(a[i0*n+k+1:], n, v[:n-k-1], p[i0:i1])
			}
		}
	}
	rows := n - k - 1
	if rows*rows < 1<<14 {
		body(0, rows)
		return
	}
	parallel.For(rows, body)
}

// eigRank2Row computes r[j] −= vi·w[j] + wi·v[j]. Writing the update as one
// subtraction of the sum (rather than two subtractions) keeps the matrix
// exactly symmetric: entry (j,i) gets the same two products added in the
// other order, and IEEE addition is commutative.
func eigRank2Row(r []float64, vi, wi float64, v, w []float64) {
	v = v[:len(r)]
	w = w[:len(r)]
	for j := range r {
		r[j] -= vi*w[j] + wi*v[j]
	}
}

// eigHouseholder turns x into the Householder vector v (v[0] = 1) with
// (I − τvvᵀ)x = βe₁ and returns β, τ (LAPACK dlarfg). A negligible tail
// (below safmin/ε, only possible after the caller's unit scaling for entries
// ~1e-292 times smaller than the largest) gives τ = 0, H = I.
func eigHouseholder(x []float64) (beta, tau float64) {
	alpha := x[0]
	xnorm := laNorm(x[1:])
	if xnorm < laSafeMin/laEps {
		x[0] = 1
		for i := 1; i < len(x); i++ {
			x[i] = 0
		}
		return alpha, 0
	}
	beta = -math.Copysign(math.Hypot(alpha, xnorm), alpha)
	tau = (beta - alpha) / beta
	scal := 1 / (alpha - beta)
	for i := 1; i < len(x); i++ {
		x[i] *= scal
	}
	x[0] = 1
	return beta, tau
}
