package tensor

import (
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// Weight gradient of the 3×3 stride-1 convolution on the padded grid:
// dw[o,c,kh,kw] = Σ_b Σ_q dyg[b,o,q] · xp[b,c,kh·wp + kw + q], where dyg is
// dy laid out on the grid with zeros in the dropped columns. Work is split
// over (output block, input channel) pairs, each one kernel call for the
// nine taps that sums over all images of a group in a fixed order, so each
// sum has the same order for any thread count.
//
// A group is stored channel-major, x as [ci][image][plane] and dy as
// [co][image][grid], so a task reads one contiguous run of x (its three
// kernel rows are that run at three offsets) and its output block's dy rows
// stay in cache while channels stream past.

// wgradGroupFloats bounds the images packed at once (padded x plus grid dy)
// to about 4 MB: on 16×64×40×40, groups of 4 images ran in 22 ms CPU, groups
// of 16 in 35 ms (the output block's dy rows no longer stay in L2).
const wgradGroupFloats = 1 << 20

func conv3x3BackwardWeight(g convGeom, dw, x, dy []float32) {
	gr := newGrid3x3(g.ci, g.co, g.h, g.w, g.pad)
	tco, lanes := simd.Conv3x3WeightGradTile()
	nvec := (gr.ho*gr.wp + lanes - 1) / lanes
	ldg := nvec * lanes
	blocks := (g.co + tco - 1) / tco
	coPad := blocks * tco
	per := g.ci*gr.plane + coPad*ldg
	// Groups are sized as for 4-row blocks whatever the kernel's tile, so a
	// sum splits into the same groups (and rounds alike) for every tile.
	group := max(1, min(g.b, wgradGroupFloats/(g.ci*gr.plane+(g.co+3)/4*4*ldg)))
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	ldw := g.ci * 9
	acc := getBuf(coPad * ldw)
	defer putBuf(acc)
	clear(acc)
	buf := getBuf(group*per + 64)
	defer putBuf(buf)

	for b0 := 0; b0 < g.b; b0 += group {
		n := min(group, g.b-b0)
		xs, dys := buf[:g.ci*n*gr.plane+64], buf[g.ci*n*gr.plane+64:]
		clear(xs[g.ci*n*gr.plane:]) // slack read (times zero dy) past the last plane
		parallel.For(n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				b := b0 + i
				gr.padChannels(xs[i*gr.plane:], x[b*inSize:(b+1)*inSize], n*gr.plane, gr.ci)
				gridDy(dys[i*ldg:], dy[b*outSize:(b+1)*outSize], gr, coPad, ldg, n*ldg)
			}
		})
		parallel.For(blocks*g.ci, func(lo, hi int) {
			for t := lo; t < hi; t++ {
				ob, c := t/g.ci, t%g.ci
				simd.Conv3x3WeightGrad(dys[ob*tco*n*ldg:], xs[c*n*gr.plane:], acc[ob*tco*ldw+c*9:], n*ldg, nvec, n, ldg, gr.plane, ldw, gr.wp)
			}
		})
	}
	copy(dw, acc[:g.co*ldw])
}

// gridDy writes one image's dy [co,ho,wo] on the grid of gr, channel o at
// dst[o·stride : o·stride+ldg]: row r at r·wp, zeros in the dropped columns,
// in the tail, and in the padding channels.
func gridDy(dst, dy []float32, gr grid3x3, coPad, ldg, stride int) {
	for o := 0; o < coPad; o++ {
		row := dst[o*stride : o*stride+ldg]
		if o >= gr.co {
			clear(row)
			continue
		}
		simd.CopyRows(row, dy[o*gr.ho*gr.wo:], gr.ho, gr.wo, gr.wp, gr.wo)
		for r := 0; r < gr.ho; r++ {
			clearGap(row[r*gr.wp+gr.wo : (r+1)*gr.wp])
		}
		clear(row[gr.ho*gr.wp:])
	}
}
