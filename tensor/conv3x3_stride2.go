package tensor

import "github.com/harmonic-go/harmonic/simd"

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

// phaseGrid is the layout of one image's phase planes: grid width wg (the
// output width plus one) and plane size. The last tap reads up to
// (ho+1)·wg floats into a plane, so a plane has ho+2 rows.
type phaseGrid struct{ wg, plane int }

func (g convGeom) phaseGrid() phaseGrid {
	wg := g.wo + 1
	return phaseGrid{wg: wg, plane: (g.ho + 2) * wg}
}

// fillPhases writes the four phase planes of each channel of one image x
// [ci,h,w] into q, phase (a, b) of channel c at q[((2a+b)·ci + c)·plane:].
// Image row y is row (y+1)/2 of the phases a = (y+1)%2; its even columns
// are phase b = 1 from column 0, its odd ones phase b = 0 from column 1.
func (g convGeom) fillPhases(q, x []float32, pg phaseGrid) {
	clear(q[:4*g.ci*pg.plane])
	for c := 0; c < g.ci; c++ {
		img := x[c*g.h*g.w : (c+1)*g.h*g.w]
		for a := 0; a < 2; a++ {
			y0 := 1 - a // the first image row of phase row parity a
			if y0 >= g.h {
				continue
			}
			r0 := (y0 + 1) / 2
			plane := func(b int) []float32 { return q[((2*a+b)*g.ci+c)*pg.plane+r0*pg.wg:] }
			simd.DeinterleaveRows(plane(1), plane(0)[1:], img[y0*g.w:], (g.h-y0+1)/2, g.w, pg.wg, pg.wg, 2*g.w)
		}
	}
}

// phaseB is the im2col matrix of one image on the phase grid: row
// k = c·9 + kh·3 + kw, column q of the grid, is q[start(k) + q].
type phaseB struct {
	q  []float32
	ci int
	pg phaseGrid
}

func (s phaseB) start(k int) int {
	c, t := k/9, k%9
	kh, kw := t/3, t%3
	return ((2*(kh%2)+kw%2)*s.ci+c)*s.pg.plane + kh/2*s.pg.wg + kw/2
}

func (s phaseB) packB(dst []float32, k0, kc, j0, nc, nr int) {
	for kk := 0; kk < kc; kk++ {
		row := s.q[s.start(k0+kk)+j0:]
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
		q, c := getBuf(4*g.ci*pg.plane), getBuf(g.co*n)
		defer putBuf(q)
		defer putBuf(c)
		g.fillPhases(q, x[b*inSize:(b+1)*inSize], pg)
		a := cachedA{denseA{data: w, ld: k}, w, useConvForward}
		gemmPacked(g.co, n, k, 1, a, phaseB{q: q, ci: g.ci, pg: pg}, 0, c, n, threads)
		simd.CopyRows(y[b*outSize:(b+1)*outSize], c, g.co*g.ho, g.wo, g.wo, pg.wg)
	})
}
