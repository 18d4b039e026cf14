package tensor

import (
	"sync"
	"sync/atomic"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// gemmPacked computes C = alpha·A·B + beta·C for a logical M×K matrix A and
// K×N matrix B given as sources, and row-major C (leading dimension ldc),
// splitting the work over at most `threads` goroutines by blocks of C.
// beta == 0 overwrites C without reading it (NaNs in C do not propagate).
//
// The loops are GotoBLAS's: columns of C in nc blocks (jc), depth in kc
// blocks (pc, B block packed), rows in mc blocks (ic, A block packed), then
// micro-tiles. Goroutines own disjoint rectangles of C whose edges fall on
// micro-tile boundaries, and the micro-kernel and kc depend only on the shape
// (m, n, k), so every element of C is computed by the same sequence of
// operations for any thread count. Results may differ between simd levels.
func gemmPacked(m, n, k int, alpha float32, a aSource, b bSource, beta float32, c []float32, ldc int, threads int) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 || alpha == 0 {
		scaleRows(m, n, beta, c, ldc)
		return
	}
	g := gemmJob{m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, b: b, c: c, ldc: ldc, micro: pickMicro(m, n)}
	if gemmTuning.micro != nil {
		g.micro = *gemmTuning.micro
	}
	mr, nr := g.micro.MR, g.micro.NR
	tm, tn := threadGrid(ceilDiv(m, mr), ceilDiv(n, nr), gemmThreads(m, n, k, threads))
	g.blocks = chooseBlocks(m, k, ceilDiv(m, tm), mr, nr)
	if b := gemmTuning.blocks; b != nil {
		g.blocks = gemmBlocks{mc: max(mr, b.mc/mr*mr), kc: b.kc, nc: max(nr, b.nc/nr*nr)}
	}
	if tm == 1 {
		g.sharedA = g.cachedSharedA() // nil unless A is a cached weight
	}
	if tm*tn == 1 {
		g.run(0, m, 0, n)
		return
	}
	g.parallel(tm, tn)
}

// pickMicro returns the current level's micro-kernel that pads an m×n C
// least (ties go to the level's default). The choice depends on the shape
// (and the CPU) only, so it never changes results between thread counts.
func pickMicro(m, n int) simd.GemmMicro { return leastPadding(simd.GemmCandidates(), m, n) }

// leastPadding returns the candidate whose tiles pad an m×n C least, the
// padded area divided by the kernel's relative speed on this CPU (ties go
// to the earlier candidate).
func leastPadding(cands []simd.GemmMicro, m, n int) simd.GemmMicro {
	cost := func(c simd.GemmMicro) float64 { return float64(paddedArea(c, m, n)) / c.Rate() }
	best, bestCost := cands[0], cost(cands[0])
	for _, c := range cands[1:] {
		if k := cost(c); k < bestCost {
			best, bestCost = c, k
		}
	}
	return best
}

// paddedArea is the size of an m×n C rounded up to whole tiles of micro.
func paddedArea(micro simd.GemmMicro, m, n int) int {
	return ceilDiv(m, micro.MR) * micro.MR * ceilDiv(n, micro.NR) * micro.NR
}

// parallel runs tm×tn goroutines over C (the caller is one of them). g is a
// copy so that only this path moves the job to the heap.
func (g gemmJob) parallel(tm, tn int) {
	if tm > 1 {
		g.parallelGrid(tm, tn)
		return
	}
	// Columns only: every goroutine needs the whole of A, so (when it is not
	// huge) they pack it once, together, then take column chunks from a
	// counter. Chunks outnumber goroutines so that one descheduled by a busy
	// machine delays the others little; which goroutine computes a chunk
	// does not change its result.
	m, k, n, mr, nr := g.m, g.k, g.n, g.micro.MR, g.micro.NR
	var shared *[]float32
	units := 0
	if rowsPad := ceilDiv(m, mr) * mr; g.sharedA == nil && rowsPad*k <= sharedALimit {
		shared = gemmSharedPool.Get().(*[]float32)
		*shared = grow(*shared, rowsPad*k)
		g.sharedA = *shared
		units = ceilDiv(m, mr) * ceilDiv(k, g.blocks.kc)
	}
	// Chunks narrower than about 256 columns cost more than they balance
	// (A streams from L3 once per chunk and depth block; on an idle machine
	// one chunk per goroutine is best, on a busy one more chunks win).
	chunks := clampInt(n/256, tn, 4*tn)
	if gemmTuning.chunks > 0 {
		chunks = gemmTuning.chunks * tn
	}
	chunks = min(chunks, ceilDiv(n, nr))
	var nextUnit, nextChunk atomic.Int64
	var packed sync.WaitGroup
	packed.Add(units)
	work := func() {
		for u := int(nextUnit.Add(1) - 1); u < units; u = int(nextUnit.Add(1) - 1) {
			// Done even if packing panics: the pool re-raises the panic
			// once every member returns, and members wait here for all units.
			func() {
				defer packed.Done()
				g.packSharedA(u)
			}()
		}
		packed.Wait()
		for c := int(nextChunk.Add(1) - 1); c < chunks; c = int(nextChunk.Add(1) - 1) {
			j0, j1 := splitTiles(n, nr, chunks, c)
			g.run(0, m, j0, j1)
		}
	}
	// A team of tn: every member packs shared A units, waits for all of
	// them, then takes column chunks; a member that starts late finds
	// nothing left and returns.
	parallel.ForEachWorker(tn, tn, func(_, _ int) { work() })
	if shared != nil {
		gemmSharedPool.Put(shared)
	}
}

// parallelGrid gives each of tm×tn goroutines one rectangle of C.
func (g *gemmJob) parallelGrid(tm, tn int) {
	parallel.ForEachWorker(tm*tn, tm*tn, func(_, t int) {
		i0, i1 := splitTiles(g.m, g.micro.MR, tm, t/tn)
		j0, j1 := splitTiles(g.n, g.micro.NR, tn, t%tn)
		g.run(i0, i1, j0, j1)
	})
}

// sharedALimit bounds (in floats) the A matrix that column-splitting
// goroutines pack once together instead of once each.
const sharedALimit = 8 << 20

var gemmSharedPool = sync.Pool{New: func() any { return new([]float32) }}

// packSharedA packs unit u (one mr-row panel of one depth block) of the
// whole of A into g.sharedA, in the layout run reads: depth block pc holds
// all row panels, each mr×kcb, starting at pc·rowsPad.
func (g *gemmJob) packSharedA(u int) {
	mr, kc := g.micro.MR, g.blocks.kc
	panels := ceilDiv(g.m, mr)
	pc, i := u/panels*kc, u%panels*mr
	kcb := min(kc, g.k-pc)
	off := pc*panels*mr + i*kcb
	g.a.packA(g.sharedA[off:off+mr*kcb], i, min(mr, g.m-i), pc, kcb, mr)
}

// gemmThreads bounds the goroutines so that each gets enough work to pay for
// starting it (about a microsecond against roughly 100 flops a nanosecond).
func gemmThreads(m, n, k, threads int) int {
	const minFlopsPerThread = 1 << 20
	work := 2 * m * n * k
	return max(1, min(threads, work/minFlopsPerThread))
}

// threadGrid picks tm×tn ≤ t goroutines over a tilesM×tilesN grid of tiles,
// minimizing the largest share (ties go to splitting columns, which keeps
// each goroutine's A block whole).
func threadGrid(tilesM, tilesN, t int) (tm, tn int) {
	best := -1
	for cn := min(t, tilesN); cn >= 1; cn-- {
		cm := min(t/cn, tilesM)
		share := ceilDiv(tilesM, cm) * ceilDiv(tilesN, cn)
		if best < 0 || share < best {
			best, tm, tn = share, cm, cn
		}
	}
	return tm, tn
}

// splitTiles returns part p of n elements split into parts on multiples of tile.
func splitTiles(n, tile, parts, p int) (lo, hi int) {
	tiles := ceilDiv(n, tile)
	lo = min(n, p*tiles/parts*tile)
	hi = min(n, (p+1)*tiles/parts*tile)
	return lo, hi
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// scaleRows sets C = beta·C (beta == 0 clears C, NaNs included).
func scaleRows(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// gemmTuning overrides the kernel and block sizes (tests and tuning only).
var gemmTuning struct {
	micro      *simd.GemmMicro
	blocks     *gemmBlocks
	chunks     int // column chunks per goroutine
	noPrefetch bool
}

type gemmJob struct {
	m, n, k     int
	alpha, beta float32
	a           aSource
	b           bSource
	c           []float32
	ldc         int
	micro       simd.GemmMicro
	blocks      gemmBlocks
	sharedA     []float32 // whole A packed once for all goroutines, or nil
}

// gemmScratch holds one goroutine's packing buffers; pooled so that repeated
// GEMMs (convolution calls one per image) do not allocate.
type gemmScratch struct {
	a, b, tile []float32
}

var gemmScratchPool = sync.Pool{New: func() any { return new(gemmScratch) }}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// wholeALimit is the size (floats) up to which a goroutine packs its whole
// share of A once and reuses it for every column block, instead of repacking
// an mc×kc block per column block.
const wholeALimit = 1 << 20

// run computes rows [i0, i1) × columns [j0, j1) of C.
func (g *gemmJob) run(i0, i1, j0, j1 int) {
	mr, nr := g.micro.MR, g.micro.NR
	mc, kc, nc := g.blocks.mc, g.blocks.kc, g.blocks.nc
	rows := i1 - i0
	mc = min(mc, ceilDiv(rows, mr)*mr)
	nc = min(nc, ceilDiv(j1-j0, nr)*nr)
	s := gemmScratchPool.Get().(*gemmScratch)
	defer gemmScratchPool.Put(s)

	// A is packed either whole (one block per (pc, ic), kept across jc) or
	// one mc×kc block at a time.
	rowsPad := ceilDiv(rows, mr) * mr
	whole := rowsPad*g.k <= wholeALimit || g.sharedA != nil
	switch {
	case g.sharedA != nil:
		// already packed by packSharedA
	case whole:
		s.a = grow(s.a, rowsPad*g.k)
	default:
		s.a = grow(s.a, mc*kc)
	}
	abuf := s.a
	if g.sharedA != nil {
		abuf = g.sharedA
	}
	s.b = grow(s.b, nc*kc)
	s.tile = grow(s.tile, mr*nr)

	for jc := j0; jc < j1; jc += nc {
		ncb := min(nc, j1-jc)
		for pc := 0; pc < g.k; pc += kc {
			kcb := min(kc, g.k-pc)
			g.b.packB(s.b, pc, kcb, jc, ncb, nr)
			beta := g.beta
			if pc > 0 {
				beta = 1
			}
			for ic := i0; ic < i1; ic += mc {
				mcb := min(mc, i1-ic)
				var pa []float32
				if whole {
					// Block (pc, ic) starts after all rows of earlier depth blocks.
					off := pc*rowsPad + (ic-i0)*kcb
					pa = abuf[off : off+ceilDiv(mcb, mr)*mr*kcb]
					if jc == j0 && g.sharedA == nil {
						g.a.packA(pa, ic, mcb, pc, kcb, mr)
					}
				} else {
					pa = s.a[:ceilDiv(mcb, mr)*mr*kcb]
					g.a.packA(pa, ic, mcb, pc, kcb, mr)
				}
				next := noPrefetch
				if ic+mc >= i1 && 4*kc*nc <= caches.l2/2 && !gemmTuning.noPrefetch {
					next = g.nextBBlock(pc, jc, j1)
				}
				g.macroTile(pa, s.b, s.tile, ic, mcb, jc, ncb, kcb, beta, next)
			}
		}
	}
}

// macroTile multiplies a packed mcb×kcb A block by a packed kcb×ncb B block
// into C[ic:ic+mcb, jc:jc+ncb], one micro-tile at a time. The B micro-panel
// is the outer loop: it stays in L1 (or, for wide tiles, L2) while A
// micro-panels stream past it. (A outer measured no better for 6x64.)
func (g *gemmJob) macroTile(pa, pb, tile []float32, ic, mcb, jc, ncb, kcb int, beta float32, next bBlock) {
	mr, nr := g.micro.MR, g.micro.NR
	pf, _ := g.b.(bPrefetcher)
	parts := ceilDiv(ncb, nr)
	for jr := 0; jr < ncb; jr += nr {
		if pf != nil && next.kc > 0 {
			pf.prefetchB(next.k0, next.kc, next.j0, next.nc, jr/nr, parts)
		}
		for ir := 0; ir < mcb; ir += mr {
			g.microTile(pa[ir*kcb:], pb[jr*kcb:], tile, ic+ir, jc+jr, min(mr, mcb-ir), min(nr, ncb-jr), kcb, beta)
		}
	}
}

// microTile computes C[i:i+rows, j:j+cols] from an A and a B micro-panel;
// edge tiles go through the scratch tile so the kernel only sees full tiles.
func (g *gemmJob) microTile(ap, bp, tile []float32, i, j, rows, cols, kcb int, beta float32) {
	cOff := i*g.ldc + j
	if rows == g.micro.MR && cols == g.micro.NR {
		g.micro.Kernel(kcb, ap, bp, g.c[cOff:], g.ldc, g.alpha, beta)
		return
	}
	g.micro.Kernel(kcb, ap, bp, tile, g.micro.NR, 1, 0)
	addTile(g.c[cOff:], g.ldc, tile, g.micro.NR, rows, cols, g.alpha, beta)
}

// bBlock is a block of B (depth k0.., columns j0..); kc == 0 means none.
type bBlock struct{ k0, kc, j0, nc int }

var noPrefetch bBlock

// bPrefetcher is implemented by sources that can ask for part of a future
// B block to be loaded into cache ahead of packing it.
type bPrefetcher interface {
	prefetchB(k0, kc, j0, nc, part, parts int)
}

// nextBBlock is the B block that run packs after block (pc, jc). Prefetching
// it pays when B blocks are small enough to sit in L2 beside the current one
// (A is a single block, as for the im2col shapes of convolutions).
func (g *gemmJob) nextBBlock(pc, jc, j1 int) bBlock {
	kc, nc := g.blocks.kc, g.blocks.nc
	if pc+kc < g.k {
		return bBlock{k0: pc + kc, kc: min(kc, g.k-pc-kc), j0: jc, nc: min(nc, j1-jc)}
	}
	if jc+nc < j1 {
		return bBlock{k0: 0, kc: min(kc, g.k), j0: jc + nc, nc: min(nc, j1-jc-nc)}
	}
	return noPrefetch
}

// addTile stores the top-left rows×cols of an edge tile: C = alpha·T + beta·C.
func addTile(c []float32, ldc int, t []float32, ldt, rows, cols int, alpha, beta float32) {
	for i := 0; i < rows; i++ {
		ci := c[i*ldc : i*ldc+cols]
		ti := t[i*ldt : i*ldt+cols]
		if beta == 0 {
			for j := range ci {
				ci[j] = alpha * ti[j]
			}
			continue
		}
		for j := range ci {
			ci[j] = alpha*ti[j] + beta*ci[j]
		}
	}
}
