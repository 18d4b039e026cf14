package linalg

import (
	"fmt"
	"sync"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// laGemm is a float64 matrix product for the O(n³) parts of the symmetric
// eigensolvers: C += alpha·op(A)·op(B), row-major, with op(X) = X or Xᵀ.
// tensor.Sgemm is float32 and must not be used for these numerics.
//
// Rounding is fixed, whatever the CPU, simd level or thread count: for each
// entry, every laGemmKC-deep slab of the depth (from 0) sums its products
// from +0 in depth order, one fused multiply-add per step (simd.DgemmMadd),
// then C += round(alpha·slab). Every simd kernel (simd.DgemmMicro) computes
// exactly that.
//
// Structure (GotoBLAS/BLIS): columns of C in nc blocks, depth in kc slabs
// (the B block packed into nr-wide micro-panels), rows in mc blocks (the A
// block packed into mr-tall micro-panels), then micro-tiles. Goroutines own
// disjoint parts of C (gemm_parallel.go), so they never share a sum.
const laGemmKC = 256 // B micro-panel 256×8 doubles = 16 KB (AVX2), 256×24 = 48 KB (AVX-512)

// Dgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float64
// matrices, where op(X) is X or Xᵀ: op(A) is m×k, op(B) is k×n, C is m×n
// with row stride ldc. A is stored m×k with row stride lda (k×m when
// transA), B k×n with row stride ldb (n×k when transB). beta == 0 ignores
// C's old contents. The first depth slab gives fma(beta, C, round(alpha·sum)),
// later slabs add to C as laGemm does, so beta == 1 gives
// laGemm's bits. It panics on inconsistent sizes (a programmer error), like
// tensor.Sgemm, and runs on parallel.Workers() goroutines. C must not overlap A or B.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("linalg: Dgemm with negative size m=%d n=%d k=%d", m, n, k))
	}
	checkDgemmOperand("A", a, lda, m, k, transA)
	checkDgemmOperand("B", b, ldb, k, n, transB)
	if m > 0 && n > 0 && (ldc < n || len(c) < (m-1)*ldc+n) {
		panic(fmt.Sprintf("linalg: Dgemm C is %dx%d but ldc=%d and len(c)=%d", m, n, ldc, len(c)))
	}
	dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkDgemmOperand panics unless x holds a row-major rows×cols operand
// (stored cols×rows when trans) with row stride ld.
func checkDgemmOperand(name string, x []float64, ld, rows, cols int, trans bool) {
	if trans {
		rows, cols = cols, rows
	}
	if rows > 0 && cols > 0 && (ld < cols || len(x) < (rows-1)*ld+cols) {
		panic(fmt.Sprintf("linalg: Dgemm %s is stored %dx%d but ld=%d and len=%d", name, rows, cols, ld, len(x)))
	}
}

// laGemm computes C[m×n] += alpha·op(A)·op(B) where op(A) is m×k and op(B)
// is k×n; lda, ldb, ldc are row strides of the stored matrices.
func laGemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, 1, c, ldc)
}

func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	dgemmOn(parallel.Workers(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// dgemmOn is dgemm on at most workers goroutines (1: the caller alone), for
// callers that run several independent products in parallel themselves.
// The result does not depend on workers.
func dgemmOn(workers int, transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 || alpha == 0 {
		if beta != 1 {
			scaleRows64(m, n, beta, c, ldc)
		}
		return
	}
	g := laGemmJob{m: m, n: n, k: k, alpha: alpha, beta: beta, transA: transA, transB: transB,
		a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, micro: simd.DgemmKernel()}
	if laGemmTuning.micro != nil {
		g.micro = *laGemmTuning.micro
	}
	mr, nr := g.micro.MR, g.micro.NR
	g.workers = laGemmWorkers(m, n, k, workers)
	tm, tn := laGemmGrid(ceilDiv(m, mr), ceilDiv(n, nr), g.workers)
	g.mc, g.nc = laGemmBlocks(ceilDiv(m, tm), mr, nr)
	if laGemmTuning.mc > 0 {
		g.mc, g.nc = max(mr, laGemmTuning.mc/mr*mr), max(nr, laGemmTuning.nc/nr*nr)
	}
	g.parallel(tm, tn)
}

// scaleRows64 sets C = beta·C (beta == 0 clears C, NaNs included).
func scaleRows64(m, n int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// laGemmBlocks sizes the row and column blocks for a goroutine that
// computes mt rows: the packed A block (mc×kc) takes half of L2 and the
// packed B block (kc×nc) a quarter of L3. They change only speed, never
// rounding (kc alone does, and it is fixed).
func laGemmBlocks(mt, mr, nr int) (mc, nc int) {
	mc = max(mr, caches.L2/2/(8*laGemmKC)/mr*mr)
	if mr > 2*nr {
		// A tall kernel (24x8, chosen on Zen 4) reads a large A micro-panel
		// (48 KB at depth 256) per call: one A micro-panel per block, which
		// every B micro-panel then passes, was the fastest there (1024³,
		// one thread, 2026-12-07: 42.6-43.2 ms against 44.5-46.4 for blocks
		// of 2 to 10 micro-panels; TestLaGemmTune with DGEMM_BLOCKS).
		mc = mr
	}
	if mt > mc { // equal row blocks rather than a thin last one
		mc = ceilDiv(ceilDiv(mt, ceilDiv(mt, mc)), mr) * mr
	}
	nc = max(nr, caches.L3/4/(8*laGemmKC)/nr*nr)
	return mc, nc
}

// laGemmTuning overrides the kernel and blocks (tuning only).
var laGemmTuning struct {
	micro  *simd.DgemmMicro
	mc, nc int
}

type laGemmJob struct {
	m, n, k        int
	alpha, beta    float64
	transA, transB bool
	a, b, c        []float64
	lda, ldb, ldc  int
	micro          simd.DgemmMicro
	mc, nc         int
	workers        int
	sharedA        []float64 // all of op(A) packed once for every column chunk, or nil
}

// laGemmScratch holds one goroutine's packing buffers; pooled so that the
// eigensolvers' many panel updates do not allocate.
type laGemmScratch struct{ a, b, tile []float64 }

var laGemmScratchPool = sync.Pool{New: func() any { return new(laGemmScratch) }}

func growFloat64(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// run adds the product's rows [i0, i1) × columns [j0, j1) into C.
func (g *laGemmJob) run(i0, i1, j0, j1 int) {
	mr, nr, kc := g.micro.MR, g.micro.NR, laGemmKC
	mc := min(g.mc, ceilDiv(i1-i0, mr)*mr)
	nc := min(g.nc, ceilDiv(j1-j0, nr)*nr)
	s := laGemmScratchPool.Get().(*laGemmScratch)
	defer laGemmScratchPool.Put(s)
	if g.sharedA == nil {
		s.a = growFloat64(s.a, mc*kc)
	}
	s.b = growFloat64(s.b, nc*kc)
	s.tile = growFloat64(s.tile, mr*nr)
	for jc := j0; jc < j1; jc += nc {
		ncb := min(nc, j1-jc)
		for pc := 0; pc < g.k; pc += kc {
			kcb := min(kc, g.k-pc)
			pb := s.b[:ceilDiv(ncb, nr)*nr*kcb]
			laPackB(pb, g.transB, g.b, g.ldb, pc, kcb, jc, ncb, nr)
			beta := 1.0
			if pc == 0 {
				beta = g.beta
			}
			for ic := i0; ic < i1; ic += mc {
				mcb := min(mc, i1-ic)
				var pa []float64
				if g.sharedA != nil {
					// Slab pc holds all row panels, after the earlier slabs' rows.
					off := pc*ceilDiv(g.m, mr)*mr + ic*kcb
					pa = g.sharedA[off : off+ceilDiv(mcb, mr)*mr*kcb]
				} else {
					pa = s.a[:ceilDiv(mcb, mr)*mr*kcb]
					laPackA(pa, g.transA, g.a, g.lda, ic, mcb, pc, kcb, mr)
				}
				g.macroTile(pa, pb, s.tile, ic, mcb, jc, ncb, kcb, beta)
			}
		}
	}
}

// macroTile adds a packed mcb×kcb A block times a packed kcb×ncb B block
// into beta·C[ic:ic+mcb, jc:jc+ncb]. The B micro-panel is the outer loop: it
// stays in L1 while the A micro-panels stream past it from L2.
func (g *laGemmJob) macroTile(pa, pb, tile []float64, ic, mcb, jc, ncb, kcb int, beta float64) {
	mr, nr, ldc := g.micro.MR, g.micro.NR, g.ldc
	for jr := 0; jr < ncb; jr += nr {
		bp := pb[jr*kcb : (jr+nr)*kcb]
		cols := min(nr, ncb-jr)
		for ir := 0; ir < mcb; ir += mr {
			ap := pa[ir*kcb : (ir+mr)*kcb]
			rows := min(mr, mcb-ir)
			cOff := (ic+ir)*ldc + jc + jr
			if rows == mr && cols == nr {
				g.micro.Kernel(kcb, ap, bp, g.c[cOff:], ldc, g.alpha, beta)
				continue
			}
			// Edge tile: the kernel writes the slab sums (alpha 1 is
			// exact), then C is finished as the kernel would.
			g.micro.Kernel(kcb, ap, bp, tile, nr, 1, 0)
			for i := 0; i < rows; i++ {
				ci := g.c[cOff+i*ldc : cOff+i*ldc+cols]
				ti := tile[i*nr : i*nr+cols]
				for j := range ci {
					ci[j] = simd.DgemmFinish(float64(g.alpha*ti[j]), beta, ci[j])
				}
			}
		}
	}
}
