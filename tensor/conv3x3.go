package tensor

import (
	"math"
	"math/bits"
	"sync"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// Direct 3×3 stride-1 convolution on a padded grid (see simd/conv3x3.go):
// each image is copied once into a zero-bordered plane per channel whose rows
// are W+pad long: consecutive rows share their pad columns (the right pad of
// one row is the left pad of the next). Output pixel (oy, ox) lives at grid
// position oy·wp + ox, so every kernel tap of a run of output pixels is one
// contiguous vector load; the 2−pad grid columns per row past the output
// width are computed and dropped. The input gradient is the same convolution
// of dy with flipped, transposed weights and padding 2−pad; the weight
// gradient (conv3x3_wgrad.go) reduces dy × shifted input over the grid.

// grid3x3 is the padded-grid geometry of a 3×3 stride-1 convolution.
type grid3x3 struct {
	ci, co, pad int
	h, w        int // input
	hp, wp      int // padded input
	ho, wo      int // output
	plane       int // hp·wp, the channel stride of a padded image
	padded      int // floats per padded image, with slack for overhanging loads
}

func newGrid3x3(ci, co, h, w, pad int) grid3x3 {
	g := grid3x3{ci: ci, co: co, pad: pad, h: h, w: w, hp: h + 2*pad, wp: w + pad}
	g.ho, g.wo = g.hp-2, w+2*pad-2
	g.plane = g.hp * g.wp
	g.padded = ci*g.plane + 64 // tiles and vectors may read up to a tile past the last row
	return g
}

// padImage writes image x [ci,h,w] into dst [ci,hp,wp]: pad zero rows at
// top and bottom, each image row preceded by pad zeros, zero slack at the end
// (dst may hold old data).
func (g grid3x3) padImage(dst, x []float32) {
	g.padChannels(dst, x, g.plane, g.ci)
	clear(dst[g.ci*g.plane : g.padded])
}

// padImageSplit is padImage with the channels split over the threads, for
// a single image whose padding would otherwise run on one goroutine while
// the others wait for the convolution to start.
func (g grid3x3) padImageSplit(dst, x []float32) {
	if g.ci*g.plane < 1<<14 {
		g.padImage(dst, x)
		return
	}
	parallel.For(g.ci, func(lo, hi int) {
		g.padChannels(dst[lo*g.plane:], x[lo*g.h*g.w:], g.plane, hi-lo)
	})
	clear(dst[g.ci*g.plane : g.padded])
}

// padChannels writes the padded planes of the first n channels of image x
// with channel c at dst[c·stride:], leaving everything between planes
// untouched.
func (g grid3x3) padChannels(dst, x []float32, stride, n int) {
	for c := 0; c < n; c++ {
		plane := dst[c*stride : c*stride+g.plane]
		clear(plane[:g.pad*g.wp])
		clear(plane[(g.pad+g.h)*g.wp:])
		for r := 0; r < g.h; r++ {
			clearGap(plane[(g.pad+r)*g.wp : (g.pad+r)*g.wp+g.pad])
		}
		simd.CopyRows(plane[g.pad*g.wp+g.pad:], x[c*g.h*g.w:], g.h, g.w, g.wp, g.w)
	}
}

// clearGap zeroes the padding between two rows of a grid: one store for the
// usual one-float gap (a clear call per row took longer than copying the
// row; the weight gradient's packing was 8% of a bf-unet training step).
func clearGap(s []float32) {
	if len(s) == 1 {
		s[0] = 0
		return
	}
	clear(s)
}

// bufPools recycle the large scratch buffers of the convolutions, so a
// training step does not allocate (and zero) megabytes per call. One pool per
// power-of-two capacity: a call needs several scratch sizes at once, and one
// shared pool would hand back buffers too small to use (and drop them).
var bufPools [64]sync.Pool

// getBuf returns a buffer of n floats with unspecified contents.
func getBuf(n int) []float32 {
	if n <= 0 {
		return nil
	}
	class := bits.Len(uint(n - 1)) // n ≤ 1<<class
	if p, ok := bufPools[class].Get().(*[]float32); ok {
		return (*p)[:n]
	}
	return make([]float32, n, 1<<class)
}

// putBuf hands a getBuf buffer back.
func putBuf(b []float32) {
	if c := cap(b); c > 0 && c&(c-1) == 0 {
		bufPools[bits.Len(uint(c))-1].Put(&b)
	}
}

// packWeights3x3 arranges w [co,ci,3,3] as blocks of tco output channels,
// [co/tco][ci][9][tco], zero-filling channels past co. With flip it packs
// instead the weights of the input gradient, w'[c,o,kh,kw] = w[o,c,2−kh,2−kw]
// (so "co" is then w's input channel count).
func packWeights3x3(w []float32, outC, inC, tco int, flip bool) []float32 {
	blocks := (outC + tco - 1) / tco
	p := getBuf(blocks * inC * 9 * tco) // callers putBuf it
	clear(p)
	for o := 0; o < outC; o++ {
		b, r := o/tco, o%tco
		for c := 0; c < inC; c++ {
			for t := 0; t < 9; t++ {
				var v float32
				if flip {
					v = w[(c*outC+o)*9+8-t]
				} else {
					v = w[(o*inC+c)*9+t]
				}
				p[((b*inC+c)*9+t)*tco+r] = v
			}
		}
	}
	return p
}

func conv3x3Forward(g convGeom, y, x, w, bias []float32) {
	conv3x3(newGrid3x3(g.ci, g.co, g.h, g.w, g.pad), g.b, y, x, w, false, bias)
}

func conv3x3BackwardInput(g convGeom, dx, dy, w []float32) {
	conv3x3(newGrid3x3(g.co, g.ci, g.ho, g.wo, 2-g.pad), g.b, dx, dy, w, true, nil)
}

// conv3x3 runs the Winograd path where it applies, the direct kernel
// elsewhere, and adds bias (nil or [co]) to the output channels.
func conv3x3(g grid3x3, batch int, y, x, w []float32, flip bool, bias []float32) {
	if alg := pickWinograd(g); alg != nil {
		runWinograd(alg, g, batch, y, x, w, flip, bias)
		return
	}
	if ge, alg := pickWinogradExtended(g); alg != nil {
		runWinogradExtended(alg, ge, g, batch, y, x, w, flip, bias)
		return
	}
	run3x3(g, batch, y, x, w, flip)
	addBiasPlanes(y, bias, batch, g.co, g.ho*g.wo)
}

// band is a run of output rows computed together: its tiles cover the grid
// positions from its first pixel to its last, (rows−1)·wp + wo, rounded up
// to whole tiles, for all channels, before they are copied out, so the
// scratch stays cache-resident.
type band struct{ rows, tiles int }

// chooseBand picks the band height with the least rounding waste among
// bands of at most ~512 grid positions (at least one row).
func chooseBand(g grid3x3, px int) band {
	best, bestWaste := band{1, bandTiles(g, 1, px)}, 2.0
	for r := 1; r <= g.ho; r++ {
		if r > 1 && r*g.wp > 512 {
			break
		}
		tiles := bandTiles(g, r, px)
		waste := float64(tiles*px-r*g.wo) / float64(tiles*px)
		if waste < bestWaste-1e-9 {
			best, bestWaste = band{r, tiles}, waste
		}
	}
	return best
}

func bandTiles(g grid3x3, rows, px int) int { return ((rows-1)*g.wp + g.wo + px - 1) / px }

// pick3x3 chooses the forward kernel (and its band) that computes the fewest
// channel × grid positions for the image; the kernels run at about the same
// FLOP rate, so the first listed wins unless another wastes clearly less.
func pick3x3(g grid3x3) (simd.Conv3x3Kernel, band) {
	var best simd.Conv3x3Kernel
	var bestBand band
	bestCost := math.Inf(1)
	for _, k := range simd.Conv3x3Kernels() {
		bd := chooseBand(g, k.Px)
		positions := 0
		for r0 := 0; r0 < g.ho; r0 += bd.rows {
			positions += bandTiles(g, min(bd.rows, g.ho-r0), k.Px) * k.Px
		}
		cost := float64(positions * ((g.co + k.Cout - 1) / k.Cout * k.Cout))
		if cost < 0.97*bestCost {
			best, bestBand, bestCost = k, bd, cost
		}
	}
	return best, bestBand
}

// run3x3 convolves a batch on the grid; y is [b,co,ho,wo]. w is the
// convolution's [co,ci,3,3] weight, or with flip the [ci,co,3,3] weight of
// the convolution whose input gradient this is.
func run3x3(g grid3x3, batch int, y, x, w []float32, flip bool) {
	k, bd := pick3x3(g)
	tco, px := k.Cout, k.Px
	var wp []float32
	if batch*g.ho*g.wo <= packCacheMaxPixels {
		wp = cachedWeights3x3(w, g.co, g.ci, k, flip)
	} else {
		wp = packWeights3x3(w, g.co, g.ci, tco, flip)
		defer putBuf(wp)
	}
	blocks := (g.co + tco - 1) / tco
	ld := bd.tiles * px
	nbands := (g.ho + bd.rows - 1) / bd.rows
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo

	// With a masked-store kernel and whole channel blocks, tiles go straight
	// into y (tables map grid positions to output places); otherwise through
	// a band-sized scratch that is then copied row by row.
	direct := k.CanStoreDirect() && g.co%tco == 0 && g.wp >= k.Lanes
	var tables [2][]int64 // for full bands and for the last, shorter band
	if direct {
		tables[0] = directTable(g, bd.rows, px, k.Lanes)
		tables[1] = directTable(g, g.ho-(nbands-1)*bd.rows, px, k.Lanes)
	}
	// band computes band bi of output block cb for padded image xp into yb.
	band := func(xp, yb, scratch []float32, bi, cb int) {
		r0 := bi * bd.rows
		rows := min(bd.rows, g.ho-r0)
		tiles := bandTiles(g, rows, px)
		if direct {
			tab := tables[0]
			if rows != bd.rows {
				tab = tables[1]
			}
			k.TilesDirect(wp[cb*g.ci*9*tco:], xp[r0*g.wp:], yb[cb*tco*g.ho*g.wo+r0*g.wo:], g.ci, g.plane, g.wp, g.ho*g.wo, tiles, tab)
			return
		}
		k.Tiles(wp[cb*g.ci*9*tco:], xp[r0*g.wp:], scratch, g.ci, g.plane, g.wp, ld, tiles)
		for o := cb * tco; o < min(g.co, (cb+1)*tco); o++ {
			simd.CopyRows(yb[(o*g.ho+r0)*g.wo:], scratch[(o-cb*tco)*ld:], rows, g.wo, g.wo, g.wp)
		}
	}
	doBands := func(xp, yb, scratch []float32, lo, hi int) {
		for bi := lo; bi < hi; bi++ {
			for cb := 0; cb < blocks; cb++ {
				band(xp, yb, scratch, bi, cb)
			}
		}
	}
	scratchLen := tco * ld
	if batch >= Threads() && len(wp) > weightsOuterFloats {
		// Large weights (many channels, small images): sweep each weight
		// block over several images at once instead of streaming all the
		// weights through the cache for every band of every image.
		group := max(1, min(batch, imagesOuterFloats/g.padded))
		parallel.For(batch, func(lo, hi int) {
			xps, scratch := getBuf(min(group, hi-lo)*g.padded), getBuf(scratchLen)
			defer putBuf(xps)
			defer putBuf(scratch)
			for b0 := lo; b0 < hi; b0 += group {
				n := min(group, hi-b0)
				for i := 0; i < n; i++ {
					g.padImage(xps[i*g.padded:(i+1)*g.padded], x[(b0+i)*inSize:(b0+i+1)*inSize])
				}
				for cb := 0; cb < blocks; cb++ {
					for i := 0; i < n; i++ {
						for bi := 0; bi < nbands; bi++ {
							band(xps[i*g.padded:(i+1)*g.padded], y[(b0+i)*outSize:(b0+i+1)*outSize], scratch, bi, cb)
						}
					}
				}
			}
		})
		return
	}
	if batch >= Threads() {
		parallel.For(batch, func(lo, hi int) {
			xp, scratch := getBuf(g.padded), getBuf(scratchLen)
			defer putBuf(xp)
			defer putBuf(scratch)
			for b := lo; b < hi; b++ {
				g.padImage(xp, x[b*inSize:(b+1)*inSize])
				doBands(xp, y[b*outSize:(b+1)*outSize], scratch, 0, nbands)
			}
		})
		return
	}
	// Fewer images than threads: split each image's (band, output block)
	// pairs, band-major so that a chunk's bands share their input rows. Small
	// images are one or two bands (a 20×20 image is one), so bands alone
	// would leave threads idle.
	xp := getBuf(g.padded)
	defer putBuf(xp)
	for b := 0; b < batch; b++ {
		g.padImageSplit(xp, x[b*inSize:(b+1)*inSize])
		yb := y[b*outSize : (b+1)*outSize]
		parallel.For(nbands*blocks, func(lo, hi int) {
			scratch := getBuf(scratchLen)
			defer putBuf(scratch)
			for item := lo; item < hi; item++ {
				band(xp, yb, scratch, item/blocks, item%blocks)
			}
		})
	}
}

// directTable describes, for a band of the given rows, where each vector of
// lanes grid positions goes in the output (see simd.Conv3x3Kernel.TilesDirect):
// positions of one output row form one run, and a vector spans at most two
// rows because wp ≥ lanes.
func directTable(g grid3x3, rows, px, lanes int) []int64 {
	tiles := bandTiles(g, rows, px)
	table := make([]int64, 0, 4*tiles*px/lanes)
	for v := 0; v < tiles*px/lanes; v++ {
		var off, mask [2]int64
		runs, lastRow := 0, -1
		for l := 0; l < lanes; l++ {
			q := v*lanes + l
			row, col := q/g.wp, q%g.wp
			if row >= rows || col >= g.wo {
				continue
			}
			if row != lastRow {
				off[runs] = int64(row*g.wo+col-l) * 4
				runs, lastRow = runs+1, row
			}
			mask[runs-1] |= 1 << l
		}
		table = append(table, off[0], off[1], mask[0], mask[1])
	}
	return table
}

// Loop-order thresholds of run3x3 (floats): packed weights above
// weightsOuterFloats (1 MB) no longer stay in L2 next to an image, so weight
// blocks go outermost over groups of padded images of up to imagesOuterFloats
// (2 MB). Measured: 16×256×10×10 forward 28 → 24 ms. Variables so that tests
// can force either order.
var (
	weightsOuterFloats = 256 << 10
	imagesOuterFloats  = 512 << 10
)
