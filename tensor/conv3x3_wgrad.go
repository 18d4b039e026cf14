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
	tco, lanes := simd.Conv3x3WeightGradTile()
	nvec := (gr.ho*gr.wp + lanes - 1) / lanes
	ldg := nvec * lanes
	blocks := (g.co + tco - 1) / tco
	coPad := blocks * tco
	per := gr.padded + coPad*ldg
	group := max(1, min(g.b, wgradGroupFloats/per))
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	// per-lane partial sums [blocks][ci][3 kh][tco·3][lanes]
	unit := tco * 3 * lanes
	vacc := getBuf(blocks * g.ci * 3 * unit)
	defer putBuf(vacc)
	clear(vacc)
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
		parallelFor(blocks*g.ci, func(lo, hi int) {
			for i := 0; i < n; i++ {
				xp, dyg := buf[i*per:i*per+gr.padded], buf[i*per+gr.padded:(i+1)*per]
				for t := lo; t < hi; t++ {
					ob, c := t/g.ci, t%g.ci
					for kh := 0; kh < 3; kh++ {
						simd.Conv3x3WeightGrad(dyg[ob*tco*ldg:], xp[c*gr.plane+kh*gr.wp:], vacc[(t*3+kh)*unit:], ldg, nvec)
					}
				}
			}
		})
	}
	var tmp [64]float32
	for t := 0; t < blocks*g.ci; t++ {
		ob, c := t/g.ci, t%g.ci
		for kh := 0; kh < 3; kh++ {
			for r := 0; r < tco && ob*tco+r < g.co; r++ {
				for kw := 0; kw < 3; kw++ {
					part := vacc[(t*3+kh)*unit+(r*3+kw)*lanes:][:lanes]
					dw[((ob*tco+r)*g.ci+c)*9+kh*3+kw] = sumLanes(tmp[:lanes], part)
				}
			}
		}
	}
}

// sumLanes adds the per-lane partial sums by pairwise halving (a fixed tree).
func sumLanes(tmp, part []float32) float32 {
	copy(tmp, part)
	for half := len(tmp) / 2; half >= 1; half /= 2 {
		for l := 0; l < half; l++ {
			tmp[l] += tmp[l+half]
		}
	}
	return tmp[0]
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
