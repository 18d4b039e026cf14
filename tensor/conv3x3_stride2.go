package tensor

import (
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// Stride-2 3×3 convolutions with padding 1 (the U-Nets' down-sampling
// layers) as one GEMM per image over phase planes. Tap (kh, kw) of output
// (i, j) reads input pixel (2i+kh−1, 2j+kw−1), which is pixel
// (i + kh/2, j + kw/2) of phase (kh%2, kw%2), phase (a, b) of a channel
// being the pixels (2r+a−1, 2s+b−1), zero outside the image. The products
// are formed on an output grid one column wider than the output, so that
// every row of the im2col matrix (a channel and tap) is one contiguous run
// of a phase plane: the GEMM packs it with plain copies, where the generic
// source gathered at stride 2 once per output row and tap (the tc-unet's
// 32→32 down-sampling on 28×28 ran at 28 GFLOP/s). The extra column is
// computed from in-plane values and dropped.

// stride2Phases reports a geometry this path takes.
func (g convGeom) stride2Phases() bool {
	return g.kh == 3 && g.kw == 3 && g.stride == 2 && g.pad == 1
}

// phaseGrid is the layout of one image's phase planes: ci channels, grid
// width wg (the output width plus one) and plane size. The last tap reads
// up to (ho+1)·wg floats into a plane, so a plane has ho+2 rows.
type phaseGrid struct{ ci, wg, plane int }

func (g convGeom) phaseGrid() phaseGrid {
	wg := g.wo + 1
	return phaseGrid{ci: g.ci, wg: wg, plane: (g.ho + 2) * wg}
}

// size is the floats of one image's four phase planes.
func (pg phaseGrid) size() int { return 4 * pg.ci * pg.plane }

// start is the offset in an image's phase planes of row k = c·9 + kh·3 + kw
// of its im2col matrix on the grid: tap (kh, kw) of channel c reads phase
// (kh%2, kw%2) from row kh/2, column kw/2 on.
func (pg phaseGrid) start(k int) int {
	c, t := k/9, k%9
	kh, kw := t/3, t%3
	return ((2*(kh%2)+kw%2)*pg.ci+c)*pg.plane + kh/2*pg.wg + kw/2
}

// phaseGridDy writes one image's dy [co,ho,wo] onto the phase grid, the
// extra column zero, so that the products of that column add nothing.
func (g convGeom) phaseGridDy(dst, dy []float32, pg phaseGrid) {
	simd.CopyRows(dst, dy, g.co*g.ho, g.wo, pg.wg, g.wo)
	for r := 0; r < g.co*g.ho; r++ {
		dst[r*pg.wg+g.wo] = 0
	}
}

// forPhaseRows calls f for each channel c and row parity a of one image
// [ci,h,w] and its phase planes q: image rows y ≡ 1−a (mod 2), from y0 = 1−a,
// are rows r0 = (y0+1)/2 on of the phases (a, ·); their even columns are
// phase (a, 1) from column 0, their odd ones phase (a, 0) from column 1.
// f gets the image from row y0 and the two phase planes from row r0.
func (g convGeom) forPhaseRows(img, q []float32, pg phaseGrid, f func(img, even, odd []float32, rows int)) {
	for c := 0; c < g.ci; c++ {
		for a := 0; a < 2; a++ {
			y0 := 1 - a
			if y0 >= g.h {
				continue
			}
			r0 := (y0 + 1) / 2
			plane := func(b int) []float32 { return q[((2*a+b)*g.ci+c)*pg.plane+r0*pg.wg:] }
			f(img[c*g.h*g.w+y0*g.w:], plane(1), plane(0)[1:], (g.h-y0+1)/2)
		}
	}
}

// fillPhases writes the four phase planes of each channel of one image x
// [ci,h,w] into q, phase (a, b) of channel c at q[((2a+b)·ci + c)·plane:].
func (g convGeom) fillPhases(q, x []float32, pg phaseGrid) {
	clear(q[:pg.size()])
	g.forPhaseRows(x, q, pg, func(img, even, odd []float32, rows int) {
		simd.DeinterleaveRows(even, odd, img, rows, g.w, pg.wg, pg.wg, 2*g.w)
	})
}

// mergePhases is the inverse of fillPhases: it writes image x [ci,h,w] from
// its phase planes q (their padding is ignored).
func (g convGeom) mergePhases(x, q []float32, pg phaseGrid) {
	g.forPhaseRows(x, q, pg, func(img, even, odd []float32, rows int) {
		simd.InterleaveRows(img, even, odd, rows, g.w, 2*g.w, pg.wg, pg.wg)
	})
}

// phaseB is the im2col matrix of one image on the phase grid: row k,
// column q of the grid, is q[pg.start(k) + q].
type phaseB struct {
	q  []float32
	pg phaseGrid
}

func (s phaseB) packB(dst []float32, k0, kc, j0, nc, nr int) {
	for kk := 0; kk < kc; kk++ {
		row := s.q[s.pg.start(k0+kk)+j0:]
		for p := 0; p*nr < nc; p++ {
			cols := min(nr, nc-p*nr)
			out := dst[p*nr*kc+kk*nr : p*nr*kc+kk*nr+nr]
			copy(out[:cols], row[p*nr:p*nr+cols])
			clear(out[cols:])
		}
	}
}

// convStride2Forward is convGenericForward for stride2Phases geometries.
func convStride2Forward(g convGeom, y, x, w []float32) {
	pg := g.phaseGrid()
	k, n := g.ci*9, g.ho*pg.wg
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	forEachImage(g.b, func(b, threads int) {
		q, c := getBuf(pg.size()), getBuf(g.co*n)
		defer putBuf(q)
		defer putBuf(c)
		g.fillPhases(q, x[b*inSize:(b+1)*inSize], pg)
		a := cachedA{denseA{data: w, ld: k}, w, useConvForward}
		gemmPacked(g.co, n, k, 1, a, phaseB{q: q, pg: pg}, 0, c, n, threads)
		simd.CopyRows(y[b*outSize:(b+1)*outSize], c, g.co*g.ho, g.wo, g.wo, pg.wg)
	})
}

// convStride2BackwardWeight is convGenericBackwardWeight for stride2Phases
// geometries: dw[o, k] = Σ_b Σ_q dyg[b, o, q] · phases_b[start(k) + q] over
// the grid positions q, with dy moved onto the grid (zero in the extra
// column, so the extra column adds nothing). The phases of the whole batch
// are 1.15 times the input's size.
func convStride2BackwardWeight(g convGeom, dw, x, dy []float32) {
	pg := g.phaseGrid()
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	pix := g.ho * pg.wg
	qSize, dSize := pg.size(), g.co*pix
	q, dyg := getBuf(g.b*qSize), getBuf(g.b*dSize)
	defer putBuf(q)
	defer putBuf(dyg)
	parallel.For(g.b, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			g.fillPhases(q[b*qSize:(b+1)*qSize], x[b*inSize:(b+1)*inSize], pg)
			g.phaseGridDy(dyg[b*dSize:(b+1)*dSize], dy[b*outSize:], pg)
		}
	})
	a := batchRowsA{data: dyg, m: g.co, p: pix}
	src := phaseBatchT{q: q, pg: pg, pix: pix}
	gemmPacked(g.co, 9*g.ci, g.b*pix, 1, a, src, 0, dw, 9*g.ci, Threads())
}

// phaseBatchT is the transposed im2col matrix of a batch on the phase grid:
// row (depth) d = b·pix + q, column k = c·9 + tap, entry
// q[b·pg.size() + pg.start(k) + q]. A column is a few contiguous runs (one
// per image), copied into a slab that the vector packing turns into panels.
type phaseBatchT struct {
	q   []float32
	pg  phaseGrid
	pix int
}

func (s phaseBatchT) packB(dst []float32, k0, kc, j0, nc, nr int) {
	slab := getBuf(nc * kc)
	defer putBuf(slab)
	size := s.pg.size()
	for col := range nc {
		row := slab[col*kc : (col+1)*kc]
		start := s.pg.start(j0 + col)
		for at := 0; at < kc; {
			img, q := (k0+at)/s.pix, (k0+at)%s.pix
			n := min(kc-at, s.pix-q)
			copy(row[at:at+n], s.q[img*size+start+q:])
			at += n
		}
	}
	matrix{data: slab, rs: 1, cs: kc}.packB(dst, 0, kc, 0, nc, nr) // element (d, k) at slab[k·kc + d]
}

// convStride2BackwardInput is convStridedBackwardInput for stride2Phases
// geometries: the columns Wᵀ·dy are formed on the grid (dy moved onto it
// with a zero extra column, so the columns' extra column is zero), each
// column row is added, as one contiguous run, into the phase plane its tap
// reads, and the phases are merged into dx. Each dx element sums its taps in
// the order of col2im's (tap by tap, the same float32 additions).
func convStride2BackwardInput(g convGeom, dx, dy, w []float32) {
	pg := g.phaseGrid()
	m, pix := g.ci*9, g.ho*pg.wg
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	forEachImage(g.b, func(b, threads int) {
		dyg, cols, dq := getBuf(g.co*pix), getBuf(m*pix), getBuf(pg.size())
		defer putBuf(dyg)
		defer putBuf(cols)
		defer putBuf(dq)
		g.phaseGridDy(dyg, dy[b*outSize:], pg)
		a := cachedA{matrix{data: w, rs: 1, cs: m}, w, useConvColumns} // Wᵀ, read in place
		gemmPacked(m, pix, g.co, 1, a, denseB{data: dyg, ld: pix}, 0, cols, pix, threads)
		clear(dq)
		for k := 0; k < m; k++ {
			s := dq[pg.start(k):][:pix]
			simd.Add(s, s, cols[k*pix:(k+1)*pix])
		}
		g.mergePhases(dx[b*inSize:(b+1)*inSize], dq, pg)
	})
}
