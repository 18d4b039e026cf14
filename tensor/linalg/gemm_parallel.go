package linalg

import (
	"sync"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// How Dgemm splits its work. Every entry of C is computed by one goroutine
// with the same kernel calls on the same packed data whatever the split, so
// results never depend on the worker count.

// laGemmWorkers bounds the goroutines so that each gets enough work to pay
// for starting it (tens of microseconds on these VMs against roughly 30
// flops a nanosecond).
func laGemmWorkers(m, n, k, workers int) int {
	const minFlopsPerWorker = 1 << 21
	return max(1, min(workers, 2*m*n*k/minFlopsPerWorker))
}

// laGemmGrid picks tm×tn ≤ t goroutines over a tilesM×tilesN grid of
// micro-tiles, minimizing the largest share (ties go to splitting columns,
// which keeps each goroutine's A block whole).
func laGemmGrid(tilesM, tilesN, t int) (tm, tn int) {
	best := -1
	for cn := min(t, tilesN); cn >= 1; cn-- {
		cm := min(t/cn, tilesM)
		if share := ceilDiv(tilesM, cm) * ceilDiv(tilesN, cn); best < 0 || share < best {
			best, tm, tn = share, cm, cn
		}
	}
	return tm, tn
}

// laSharedALimit bounds (in float64s) the packed A that column chunks share.
const laSharedALimit = 4 << 20

// parallel runs the product on g.workers goroutines. A grid of one row of
// rectangles (the usual case: C at least as wide as the workers) becomes
// column chunks that take turns on a counter: chunks outnumber goroutines,
// so one that a busy machine deschedules delays the others little. The
// chunks share one packed copy of A, packed together first. Taller grids
// give each goroutine one rectangle.
func (g *laGemmJob) parallel(tm, tn int) {
	m, n, mr, nr := g.m, g.n, g.micro.MR, g.micro.NR
	rowsPad := ceilDiv(m, mr) * mr
	if g.workers <= 1 {
		g.run(0, m, 0, n)
		return
	}
	if tm > 1 || rowsPad*g.k > laSharedALimit {
		parallel.For(tm*tn, func(lo, hi int) {
			for t := lo; t < hi; t++ {
				i0, i1 := splitTiles(m, mr, tm, t/tn)
				j0, j1 := splitTiles(n, nr, tn, t%tn)
				g.run(i0, i1, j0, j1)
			}
		})
		return
	}
	shared := laSharedAPool.Get().(*[]float64)
	defer laSharedAPool.Put(shared)
	*shared = growFloat64(*shared, rowsPad*g.k)
	g.sharedA = *shared
	// Pack A in units of one mc-row block of one depth slab.
	kc, blocks := laGemmKC, ceilDiv(m, g.mc)
	parallel.ForEachWorker(g.workers, ceilDiv(g.k, kc)*blocks, func(_, u int) {
		pc, ic := u/blocks*kc, u%blocks*g.mc
		kcb, mcb := min(kc, g.k-pc), min(g.mc, m-ic)
		off := pc*rowsPad + ic*kcb
		laPackA(g.sharedA[off:off+ceilDiv(mcb, mr)*mr*kcb], g.transA, g.a, g.lda, ic, mcb, pc, kcb, mr)
	})
	// Chunks narrower than about 256 columns cost more than they balance
	// (the shared A streams from L3 once per chunk and slab).
	chunks := min(max(n/256, g.workers), 4*g.workers, ceilDiv(n, nr))
	parallel.ForEachWorker(g.workers, chunks, func(_, c int) {
		j0, j1 := splitTiles(n, nr, chunks, c)
		g.run(0, m, j0, j1)
	})
}

var laSharedAPool = sync.Pool{New: func() any { return new([]float64) }}

// splitTiles returns part p of n elements split into parts on multiples of tile.
func splitTiles(n, tile, parts, p int) (lo, hi int) {
	tiles := ceilDiv(n, tile)
	return min(n, p*tiles/parts*tile), min(n, (p+1)*tiles/parts*tile)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
