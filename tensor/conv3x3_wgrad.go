package tensor

import "github.com/harmonic-go/harmonic/simd"

// Weight gradient of the 3×3 stride-1 convolution on the padded grid:
// dw[o,c,kh,kw] = Σ_b Σ_q dyg[b,o,q] · xp[b,c,kh·wp + kw + q], where dyg is
// dy laid out on the grid with zeros in the dropped columns. Work is split
// over (4-channel output block, input channel) pairs; every thread walks the
// images in order, so each sum has the same order for any thread count.

// wgradGroup bounds the images packed at once (padded x plus grid dy) to
// about 32 MB, so huge batches do not need huge scratch.
const wgradGroupFloats = 8 << 20

func conv3x3BackwardWeight(g convGeom, dw, x, dy []float32) {
	gr := newGrid3x3(g.ci, g.co, g.h, g.w, g.pad)
	lanes := simd.Conv3x3Lanes()
	nvec := (gr.ho*gr.wp + lanes - 1) / lanes
	ldg := nvec * lanes
	coPad := (g.co + 3) / 4 * 4
	dyLen := coPad * ldg
	per := gr.padded + dyLen
	group := max(1, min(g.b, wgradGroupFloats/per))
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	ldw := g.ci * 9
	acc := make([]float32, coPad*ldw)
	buf := getBuf(group * per)
	defer putBuf(buf)

	for b0 := 0; b0 < g.b; b0 += group {
		n := min(group, g.b-b0)
		parallelFor(n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				b := b0 + i
				gr.padImage(buf[i*per:i*per+gr.padded], x[b*inSize:(b+1)*inSize])
				gridDy(buf[i*per+gr.padded:(i+1)*per], dy[b*outSize:(b+1)*outSize], gr, coPad, ldg)
			}
		})
		tasks := coPad / 4 * g.ci
		parallelFor(tasks, func(lo, hi int) {
			for i := 0; i < n; i++ {
				xp, dyg := buf[i*per:i*per+gr.padded], buf[i*per+gr.padded:(i+1)*per]
				for t := lo; t < hi; t++ {
					ob, c := t/g.ci, t%g.ci
					for kh := 0; kh < 3; kh++ {
						simd.Conv3x3WeightGrad(dyg[ob*4*ldg:], xp[c*gr.plane+kh*gr.wp:], acc[ob*4*ldw+c*9+kh*3:], ldg, ldw, nvec)
					}
				}
			}
		})
	}
	copy(dw, acc[:g.co*ldw])
}

// gridDy writes one image's dy [co,ho,wo] as [coPad][ldg] on the grid of gr:
// row r of channel o at o·ldg + r·wp, zeros in the dropped columns, in the
// tail, and in the padding channels.
func gridDy(dst, dy []float32, gr grid3x3, coPad, ldg int) {
	for o := 0; o < coPad; o++ {
		row := dst[o*ldg : (o+1)*ldg]
		if o >= gr.co {
			clear(row)
			continue
		}
		for r := 0; r < gr.ho; r++ {
			seg := row[r*gr.wp : (r+1)*gr.wp]
			copy(seg, dy[(o*gr.ho+r)*gr.wo:(o*gr.ho+r+1)*gr.wo])
			clear(seg[gr.wo:])
		}
		clear(row[gr.ho*gr.wp:])
	}
}
