package tensor

import "github.com/harmonic-go/harmonic/simd"

// Weight gradient of the 3×3 stride-1 convolution on the padded grid:
// dw[o,c,kh,kw] = Σ_b Σ_q dyg[b,o,q] · xp[b,c,kh·wp + kw + q], where dyg is
// dy laid out on the grid with zeros in the dropped columns. Work is split
// over (4-channel output block, input channel) pairs; every thread walks the
// images in order, so each sum has the same order for any thread count.

// wgradGroupFloats bounds the images packed at once (padded x plus grid dy)
// to about 4 MB. Each kernel call sweeps the whole group, so the group's dy
// rows of one output block must stay in L2 while the input channels stream
// past; measured on the 16×64×40×40 workload, groups of ~4 images beat both
// 2 and 8 (and 16 was 75% slower).
const wgradGroupFloats = 1 << 20

func conv3x3BackwardWeight(g convGeom, dw, x, dy []float32) {
	gr := newGrid3x3(g.ci, g.co, g.h, g.w, g.pad)
	tco, lanes := simd.Conv3x3WeightGradTile()
	nvec := (gr.ho*gr.wp + lanes - 1) / lanes
	ldg := nvec * lanes
	blocks := (g.co + tco - 1) / tco
	coPad := blocks * tco
	per := gr.padded + coPad*ldg
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
		// Consecutive tasks share an output block, so its dy rows of all the
		// group's images stay in L2 while the input channels stream past.
		parallelFor(blocks*g.ci, func(lo, hi int) {
			for t := lo; t < hi; t++ {
				ob, c := t/g.ci, t%g.ci
				for kh := 0; kh < 3; kh++ {
					simd.Conv3x3WeightGrad(buf[gr.padded+ob*tco*ldg:], buf[c*gr.plane+kh*gr.wp:], acc[ob*tco*ldw+c*9+kh*3:], ldg, nvec, n, per, ldw)
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
		simd.CopyRows(row, dy[o*gr.ho*gr.wo:], gr.ho, gr.wo, gr.wp, gr.wo)
		for r := 0; r < gr.ho; r++ {
			clear(row[r*gr.wp+gr.wo : (r+1)*gr.wp])
		}
		clear(row[gr.ho*gr.wp:])
	}
}
