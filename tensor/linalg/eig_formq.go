package linalg

import (
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// Using Q = H_0·H_1⋯H_{n-3} from the reflectors of eigTridiagonalize:
// applied to divide-and-conquer eigenvectors (large n), or formed as Qᵀ for
// QL to rotate (small n).

// eigFormQBlock is the number of reflectors applied together as one block
// reflector I − V·T·Vᵀ. Each block reads and writes the trailing rows of z
// once, so deeper blocks mean fewer passes: at n = 1600 on one worker, 64
// measured 18% faster than 32 and 128 another 10% faster than 64 (once the
// GEMM kernels were in assembly); 192 and 256 were slower again (medians
// 193, 216 and 228 ms for 128, 192 and 256 at n = 1600).
const eigFormQBlock = 128

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
		if i > 0 { // col[p] = v_pᵀ·v_i, over the columns from i on (v_i is zero before i)
			simd.DdotRows(vt[i:], m, vi[i:], col[:i])
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

// eigFormQT returns Qᵀ (n×n row-major) from the reflectors eigTridiagonalize
// left in a. Accumulating backwards, M ← M·H_k for k = n-3..0 starting from
// I, gives M = H_{n-3}⋯H_0 = Qᵀ and touches only the trailing block
// M[k+1:, k+1:] at step k. Rows are independent, so the 4/3·n³ flops split
// over goroutines deterministically. Rows of Qᵀ are the columns of Q, which
// is the layout the QL rotations need (they combine rows).
func eigFormQT(a []float64, n int, tau []float64) []float64 {
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
			parallel.For(rows, body)
		}
	}
	return qt
}

// eigApplyQ overwrites z (n×n row-major) with Q·z for Q = H_0⋯H_{n-3}
// from the reflectors in a (LAPACK dormtr): blocks of reflectors, last block
// first, each applied as z ← (I − V·T·Vᵀ)·z = z − V·(T·(Vᵀ·z)) on rows
// k0+1..n-1, i.e. two matrix products per block and 2n³ flops in all.
// Eigenvectors from divide and conquer come back this way without ever
// forming Q.
func eigApplyQ(a []float64, n int, tau []float64, z []float64) {
	nref := n - 2
	if nref <= 0 {
		return
	}
	nb := eigFormQBlock
	vt := make([]float64, nb*n)
	t := make([]float64, nb*nb)
	w := make([]float64, nb*n)
	tw := make([]float64, nb*n)
	for k0 := (nref - 1) / nb * nb; k0 >= 0; k0 -= nb {
		kb := min(nb, nref-k0)
		m := n - k0 - 1
		vtb := vt[:kb*m]
		for i := range vtb {
			vtb[i] = 0
		}
		for p := 0; p < kb; p++ {
			k := k0 + p
			copy(vtb[p*m+p:(p+1)*m], a[k*n+k+1:(k+1)*n])
		}
		eigBlockReflectorT(vtb, m, kb, tau[k0:k0+kb], t)
		region := z[(k0+1)*n:]
		wb := w[:kb*n]
		for i := range wb {
			wb[i] = 0
		}
		laGemm(false, false, kb, n, m, 1, vtb, m, region, n, wb, n) // W = Vᵀ·z
		// TW = T·W as a full product: T's zeros below the diagonal add
		// exact zeros, and the micro-kernel does twice the triangular
		// product's flops in a tenth of the time of row updates.
		twb := tw[:kb*n]
		Dgemm(false, false, kb, n, kb, 1, t, kb, wb, n, 0, twb, n)
		laGemm(true, false, m, n, kb, -1, vtb, m, twb, n, region, n) // z −= V·TW
	}
}
