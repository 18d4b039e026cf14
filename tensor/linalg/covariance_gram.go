package linalg

import (
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// gram adds BᵀB to the upper triangle of C for centred slabs B of a float32
// matrix (Covariance's product), on the float64 micro-kernel: a SYRK for
// this one shape. Both operands are the same slab, so each slab is packed,
// centred and widened, once as B panels (nr columns each); where the
// kernel has a PanelA form (AVX-512) its A operand (mr columns of B, rows
// of Bᵀ) is read straight out of those panels, elsewhere the slab is
// packed a second time as A panels. Only the micro-tiles holding an entry
// on or above the diagonal are computed: (1 + nr/d)/2 of the full
// product's flops. Dgemm calls on column blocks (what this replaced)
// computed (1 + 128/d)/2, packed the A side once per block and needed a
// float64 copy of the slab: 1.43× numpy's time on 60000×784, against 0.8×
// wanted (bench/README.md).
//
// Each entry gets, per slab, one kernel call summing its depth from +0,
// then C += sum: Dgemm's rounding. Tiles are disjoint, so the bits do not
// depend on which goroutine computes them.
type gram struct {
	d      int
	mean   []float64
	micro  simd.DgemmMicro
	pa, pb []float64   // the packed slab: ceil(d/mr) A panels (none with PanelA), ceil(d/nr) B panels
	tiles  [][]float64 // an mr×nr edge tile for each worker
	items  []gramItem
}

// gramItem is one unit of a slab's work: the tiles of column panel jr in
// the row block of A panels starting at ir0.
type gramItem struct{ ir0, jr int }

func newGram(d, maxRows int, mean []float64) *gram {
	g := &gram{d: d, mean: mean, micro: simd.DgemmKernel()}
	mr, nr := g.micro.MR, g.micro.NR
	if g.micro.PanelA == nil {
		g.pa = make([]float64, ceilDiv(d, mr)*mr*maxRows)
	}
	g.pb = make([]float64, ceilDiv(d, nr)*nr*maxRows)
	g.tiles = make([][]float64, parallel.Workers())
	for i := range g.tiles {
		g.tiles[i] = make([]float64, mr*nr)
	}
	return g
}

// addSlab adds BᵀB for the rows of slab (k×d float32, k ≤ the maxRows given
// to newGram), centred by g.mean, to the upper triangle of c (d×d). Entries
// below the diagonal inside diagonal tiles are written too, with values the
// caller must not use.
func (g *gram) addSlab(c []float64, slab []float32) {
	d, mr, nr := g.d, g.micro.MR, g.micro.NR
	k := len(slab) / d
	na, nb := ceilDiv(d, mr), ceilDiv(d, nr)
	packA := g.micro.PanelA == nil
	panels := nb
	if packA {
		panels += na
	}
	parallel.For(panels, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if i < nb {
				g.pack(g.pb[i*nr*k:(i+1)*nr*k], slab, k, i*nr, nr)
			} else {
				g.pack(g.pa[(i-nb)*mr*k:(i-nb+1)*mr*k], slab, k, (i-nb)*mr, mr)
			}
		}
	})
	kernel, aPanel := g.micro.Kernel, func(ir int) []float64 { return g.pa[ir*mr*k : (ir+1)*mr*k] }
	if !packA {
		kernel = g.micro.PanelA
		aPanel = func(ir int) []float64 { r := ir * mr; return g.pb[r/nr*nr*k+r%nr : (r/nr+1)*nr*k] }
	}
	// Work items are (row block, column panel) pairs: a row block's A
	// panels (half of L2) stay in cache while the B panels pass by, as in
	// Dgemm's blocking; streaming all A panels from L3 for every B panel ran
	// the kernel at 83 GFLOP/s against 108–111 in cache.
	blk := max(1, caches.L2/2/(8*mr*k))
	items := g.items[:0]
	for ir0 := 0; ir0 < na; ir0 += blk {
		for jr := nb - 1; jr >= 0 && (jr+1)*nr > ir0*mr; jr-- {
			items = append(items, gramItem{ir0, jr})
		}
	}
	g.items = items
	parallel.ForEachWorker(len(g.tiles), len(items), func(worker, i int) {
		it := items[i]
		c0 := it.jr * nr
		cols := min(nr, d-c0)
		bp := g.pb[it.jr*nr*k : (it.jr+1)*nr*k]
		for ir := it.ir0; ir < min(na, it.ir0+blk) && ir*mr < c0+cols; ir++ {
			r0 := ir * mr
			rows := min(mr, d-r0)
			ap := aPanel(ir)
			if rows == mr && cols == nr {
				kernel(k, ap, bp, c[r0*d+c0:], d, 1, 1)
				continue
			}
			tile := g.tiles[worker]
			kernel(k, ap, bp, tile, nr, 1, 0)
			for r := range rows {
				cr := c[(r0+r)*d+c0 : (r0+r)*d+c0+cols]
				for q, v := range tile[r*nr : r*nr+cols] {
					cr[q] = v + cr[q]
				}
			}
		}
	})
}

// pack writes the centred columns [j0, j0+w) of the k slab rows as one
// w-wide panel, zero beyond column d.
func (g *gram) pack(dst []float64, slab []float32, k, j0, w int) {
	cols := min(w, g.d-j0)
	if cols == w {
		simd.CentredPanel64(dst, slab[j0:], g.d, k, g.mean[j0:j0+w])
		return
	}
	clear(dst)
	for p := range k {
		row := slab[p*g.d+j0 : p*g.d+g.d]
		for q, v := range row {
			dst[p*w+q] = float64(v) - g.mean[j0+q]
		}
	}
}
