package tensor

import (
	"sync"

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
// gradient reduces dy × shifted input over the grid, image after image, so
// its sums have a fixed order.

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
	for c := 0; c < g.ci; c++ {
		plane := dst[c*g.plane : (c+1)*g.plane]
		clear(plane[:g.pad*g.wp])
		clear(plane[(g.pad+g.h)*g.wp:])
		for r := 0; r < g.h; r++ {
			clear(plane[(g.pad+r)*g.wp : (g.pad+r)*g.wp+g.pad])
		}
		simd.CopyRows(plane[g.pad*g.wp+g.pad:], x[c*g.h*g.w:], g.h, g.w, g.wp, g.w)
	}
	clear(dst[g.ci*g.plane : g.padded])
}

// bufPool recycles the large scratch buffers of the convolutions, so a
// training step does not allocate (and zero) megabytes per call.
var bufPool sync.Pool

func getBuf(n int) []float32 {
	if p, ok := bufPool.Get().(*[]float32); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]float32, n)
}

func putBuf(b []float32) { bufPool.Put(&b) }

// packWeights3x3 arranges w [co,ci,3,3] as blocks of tco output channels,
// [co/tco][ci][9][tco], zero-filling channels past co. With flip it packs
// instead the weights of the input gradient, w'[c,o,kh,kw] = w[o,c,2−kh,2−kw]
// (so "co" is then w's input channel count).
func packWeights3x3(w []float32, outC, inC, tco int, flip bool) []float32 {
	blocks := (outC + tco - 1) / tco
	p := make([]float32, blocks*inC*9*tco)
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

func conv3x3Forward(g convGeom, y, x, w []float32) {
	tco, _ := simd.Conv3x3Tile()
	run3x3(newGrid3x3(g.ci, g.co, g.h, g.w, g.pad), g.b, y, x, packWeights3x3(w, g.co, g.ci, tco, false))
}

func conv3x3BackwardInput(g convGeom, dx, dy, w []float32) {
	tco, _ := simd.Conv3x3Tile()
	gg := newGrid3x3(g.co, g.ci, g.ho, g.wo, 2-g.pad)
	run3x3(gg, g.b, dx, dy, packWeights3x3(w, g.ci, g.co, tco, true))
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

// run3x3 convolves a batch on the grid with packed weights; y is [b,co,ho,wo].
func run3x3(g grid3x3, batch int, y, x, wp []float32) {
	tco, px := simd.Conv3x3Tile()
	bd := chooseBand(g, px)
	blocks := (g.co + tco - 1) / tco
	ld := bd.tiles * px
	nbands := (g.ho + bd.rows - 1) / bd.rows
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo

	doBands := func(xp, yb, scratch []float32, lo, hi int) {
		for bi := lo; bi < hi; bi++ {
			r0 := bi * bd.rows
			rows := min(bd.rows, g.ho-r0)
			for cb := 0; cb < blocks; cb++ {
				simd.Conv3x3Tiles(wp[cb*g.ci*9*tco:], xp[r0*g.wp:], scratch[cb*tco*ld:], g.ci, g.plane, g.wp, ld, bandTiles(g, rows, px))
			}
			for o := 0; o < g.co; o++ {
				simd.CopyRows(yb[(o*g.ho+r0)*g.wo:], scratch[o*ld:], rows, g.wo, g.wo, g.wp)
			}
		}
	}
	scratchLen := blocks * tco * ld
	if batch >= Threads() {
		parallelFor(batch, func(lo, hi int) {
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
	xp := getBuf(g.padded)
	defer putBuf(xp)
	for b := 0; b < batch; b++ {
		g.padImage(xp, x[b*inSize:(b+1)*inSize])
		parallelFor(nbands, func(lo, hi int) {
			scratch := getBuf(scratchLen)
			defer putBuf(scratch)
			doBands(xp, y[b*outSize:(b+1)*outSize], scratch, lo, hi)
		})
	}
}
