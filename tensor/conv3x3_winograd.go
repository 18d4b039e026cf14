package tensor

import (
	"fmt"
	"os"
	"slices"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// Winograd convolution (Lavin & Gray 2016) for 3×3, stride 1, pad 1 layers
// with many channels, the U-Net's inner layers. F(m×m, 3×3) computes each
// m×m output tile from an (m+2)×(m+2) input patch: input and weights are
// transformed (simd/winograd*.go), the channel sums become (m+2)² matrix
// products M_ξ = U_ξ·V_ξ (U_ξ [co×ci] from the weights, V_ξ [ci×tiles] from
// the input), and the output transform folds each M tile back to m×m.
// F(2×2,3×3) does 16 multiply-adds per channel pair and tile of 4 outputs,
// F(4×4,3×3) 36 per 16 outputs, where the direct convolution needs 9 per
// output.
//
// The products run on the GEMM micro-kernels directly: U is packed once (and
// cached) as A micro-panels, and the input transform writes V straight into
// B micro-panels of NR tiles. Tiles of all images are numbered one after the
// other and processed in chunks whose V and M fit in L2 / L3. Every tile's
// result is one micro-kernel column with the channel sum in one fixed
// order, and the variant and kernel are chosen from one image's geometry, so
// results do not depend on chunking, batch size or thread count.
//
// The transforms add to the rounding: against float64 the errors are about
// 1e-6 of the sum of |products| (F(4×4) about twice F(2×2)'s), the same
// order as the direct kernel's and far inside what training and the PyTorch
// parity tests tolerate.

// winoAlgo is one Winograd variant.
type winoAlgo struct {
	name   string
	m      int // output tile side
	planes int // (m+2)², the number of products per channel pair
	// weights transforms n ≤ 16 3×3 kernels (tap t of kernel j at
	// k[t][j]): value ξ of kernel j to dst[ξ·stride + j].
	weights func(dst []float32, stride int, k *[9][16]float32, n int)
	input   func(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int)
	output  func(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32)
	// inputPair and outputPair, where the variant has them, transform two
	// short runs of tiles in one pass (the bits of one call per run): small
	// images' tile rows fill the vector lanes twice as well.
	inputPair  func(x []float32, chStride, h, w int, a, b simd.WinogradRun, nc int, dst []float32, xiStride, cStride int)
	outputPair func(src []float32, xiStride, cStride, nc int, a, b simd.WinogradRun, dst []float32, chStride, rowStride int, bias []float32)
	outputMax  int // the most tiles of an outputPair run (inputPair's: simd.WinogradPairMax)
	// fast reports whether the current level has vector transforms.
	fast func() bool
	// minPairs is the fewest channel pairs (ci·co) at which the variant
	// beats the direct kernel at the current level.
	minPairs func() int
}

var (
	wino23 = winoAlgo{name: "F(2x2,3x3)", m: 2, planes: 16, weights: winogradWeights23,
		input: simd.WinogradInputImage2x3, output: simd.WinogradOutputBias2x3,
		inputPair: simd.WinogradInputPair2x3, outputPair: simd.WinogradOutputPairBias2x3, outputMax: simd.WinogradPairMax,
		fast: simd.WinogradAccelerated, minPairs: minPairs23}
	wino43 = winoAlgo{name: "F(4x4,3x3)", m: 4, planes: 36, weights: simd.WinogradWeights43,
		input: simd.WinogradInputImage4x3, output: simd.WinogradOutputBias4x3,
		inputPair: simd.WinogradInputPair4x3, outputPair: simd.WinogradOutputPairBias4x3, outputMax: simd.WinogradOutputPair4x3Max,
		fast: simd.Winograd43Accelerated, minPairs: func() int { return winogradMinPairs }}
)

// The direct kernel wins below winogradMinChannels input or output channels,
// or winogradMinPairs channel pairs: the transforms cost per channel, the
// products save per channel pair (measured at batch 32: 16→16 on 16×16
// images 0.48 ms direct against 0.57; 32→16 0.95 against 0.88).
const (
	winogradMinChannels = 16
	winogradMinPairs    = 512
)

// minPairs23 is F(2×2)'s threshold: on AVX2 its transforms, eight tiles a
// step and 16 planes per 4 outputs, are bound by the L2 traffic of V, so it
// needs more channel pairs to win (measured at batch 64 on Zen 3, direct
// against F(2×2) in ms: 32→32 on 14×14 4.2 against 5.2, 32→64 7.4 against
// 7.9, 48→48 8.1 against 7.9, 96→32 on 28×28 43 against 35, 64→64 on 14×14
// 14.6 against 10.8). F(4×4) keeps winogradMinPairs there (16→32 on 28×28
// 10.1 against 7.8; 16→16 4.9 against 6.5).
func minPairs23() int {
	if simd.Current() == simd.AVX2 {
		return 48 * 48
	}
	return winogradMinPairs
}

// pickWinograd returns the Winograd variant for the 3×3 convolution on grid
// g (the input-gradient grid for the backward pass), or nil for the direct
// kernel. Among the variants whose tiles divide the image it takes the one
// with the fewest micro-kernel products for one image (F(4×4) on images of
// few tiles can lose to F(2×2): partly empty panels), F(2×2) on ties.
func pickWinograd(g grid3x3) *winoAlgo {
	if !winogradAllowed(g) {
		return nil
	}
	var best *winoAlgo
	bestCost := 0
	for _, a := range []*winoAlgo{&wino23, &wino43} {
		if !winogradUsable(a, g) {
			continue
		}
		tiles := g.h / a.m * (g.w / a.m)
		cost := a.planes * paddedArea(pickWinogradMicro(g.co, tiles), g.co, tiles)
		if best == nil || cost < bestCost || winogradMode == winogradForce43 {
			best, bestCost = a, cost
		}
	}
	return best
}

// winogradAllowed reports whether grid g may take a Winograd variant at
// all: padding 1, the path on, and (unless a test forces it) enough
// channels; winogradUsable checks each variant's channel pairs.
func winogradAllowed(g grid3x3) bool {
	if g.pad != 1 || winogradMode == winogradNever {
		return false
	}
	return winogradMode != winogradAuto || g.ci >= winogradMinChannels && g.co >= winogradMinChannels
}

// winogradUsable reports whether variant a's tiles divide g and the mode
// admits a (in auto mode, only where the level has its vector transforms).
func winogradUsable(a *winoAlgo, g grid3x3) bool {
	fits := g.h%a.m == 0 && g.w%a.m == 0
	switch winogradMode {
	case winogradAuto:
		fits = fits && a.fast() && g.ci*g.co >= a.minPairs()
	case winogradForce23:
		fits = fits && a == &wino23
	}
	return fits
}

// SetWinograd turns the Winograd path of 3×3 convolutions on (the default:
// used where the CPU has its vector kernels and the channels are many) or
// off (the direct kernel everywhere), to compare the two, and returns the
// previous setting. It is a control for tests and benchmarks, between the
// runs they compare; library code never calls it, and a program sets the
// mode once at start-up with HARMONIC_WINOGRAD=0 in the environment. Do not
// call it while convolutions run. Cached weight packings are keyed by the
// variant they were made for, so switching never reuses a stale one.
func SetWinograd(on bool) (was bool) {
	was = winogradMode != winogradNever
	winogradMode = winogradAuto
	if !on {
		winogradMode = winogradNever
	}
	return was
}

// WinogradVariants names the Winograd variants 3×3 convolutions with many
// channels may take now, each with the fewest channel pairs (ci·co) it takes
// at this level, as "F(4x4,3x3) from 512 channel pairs" (none when the path
// is off or the level has no vector transforms).
func WinogradVariants() []string {
	var out []string
	for _, a := range []*winoAlgo{&wino23, &wino43} {
		if winogradMode != winogradNever && a.fast() {
			out = append(out, fmt.Sprintf("%s from %d channel pairs", a.name, a.minPairs()))
		}
	}
	return out
}

// winogradMode is SetWinograd's setting; tests also force a variant on any
// geometry it fits, at any level (winogradForce43 falls back to F(2×2,3×3)
// where 4 does not divide the image).
var winogradMode = winogradAuto

func init() {
	if os.Getenv("HARMONIC_WINOGRAD") == "0" {
		winogradMode = winogradNever
	}
}

const (
	winogradAuto = iota
	winogradNever
	winogradForce23
	winogradForce43
)

// winogradChunkFloats bounds the V and M scratch of one chunk of tiles: the
// size of L2, so that the transforms write and read them there (on Zen 4, 1
// MB against the earlier fixed 2 MB: the tc-unet's forward and training step
// 6% faster in interleaved runs); a variable so that tests can force many
// small chunks.
var winogradChunkFloats = max(64<<10, caches.l2/4)

// winoPlan is the layout of one Winograd convolution.
type winoPlan struct {
	alg         *winoAlgo
	g           grid3x3
	micro       simd.GemmMicro
	coPad       int // co rounded up to whole A micro-panels
	th, tw      int // tiles per image: rows, columns
	tiles       int // over the whole batch
	chunk       int // tiles per chunk, a multiple of NR
	vXi, mXi    int // ξ strides of the V and M scratch
	mLd         int // row stride of M (= chunk)
	uXi         int // ξ stride of the packed weights
	inSz, outSz int
}

func newWinoPlan(alg *winoAlgo, g grid3x3, batch, threads int) winoPlan {
	p := winoPlan{alg: alg, g: g, th: g.h / alg.m, tw: g.w / alg.m}
	p.tiles = batch * p.th * p.tw
	// The kernel that pads co × (one image's tiles) least, narrow ones
	// included: per image, so that a batch runs the kernel each of its images
	// would run alone (the same bits).
	p.micro = pickWinogradMicro(g.co, p.th*p.tw)
	mr, nr := p.micro.MR, p.micro.NR
	p.coPad = ceilDiv(g.co, mr) * mr
	// Chunks are whole panels (only the very last panel is partly empty), as
	// few as the scratch bound allows, but at least one per thread when there
	// are enough panels, and then a multiple of the thread count, so that
	// threads can take whole chunks. Results do not depend on the chunking.
	panels := ceilDiv(p.tiles, nr)
	maxPanels := max(1, winogradChunkFloats/(alg.planes*(g.ci+p.coPad))/nr)
	chunks := ceilDiv(panels, maxPanels)
	if panels >= threads {
		chunks = ceilDiv(chunks, threads) * threads
	}
	p.chunk = ceilDiv(panels, chunks) * nr
	// The planes of V, M and U are a cache line more than a whole number of
	// rows apart: at a multiple of 4 KB, the transforms' streams would all
	// fall in one L1 set (8 ways) and evict each other.
	p.vXi, p.mXi, p.mLd = g.ci*p.chunk+16, p.coPad*p.chunk+16, p.chunk
	p.uXi = p.coPad*g.ci + 16 // likewise for the weight transform's writes
	p.inSz, p.outSz = g.ci*g.h*g.w, g.co*g.h*g.w
	return p
}

// pickWinogradMicro returns the micro-kernel, narrow ones included, that pads
// an rows × cols product least.
func pickWinogradMicro(rows, cols int) simd.GemmMicro {
	return leastPadding(slices.Concat(simd.GemmCandidates(), simd.GemmNarrowCandidates()), rows, cols)
}

// runWinograd convolves a batch on grid g with variant alg; y is
// [batch,co,h,w], x [batch,ci,h,w], w as in run3x3, bias nil or [co].
func runWinograd(alg *winoAlgo, g grid3x3, batch int, y, x, w []float32, flip bool, bias []float32) {
	p := newWinoPlan(alg, g, batch, Threads())
	var u []float32
	// Snapshots are cached at any batch size: their values cannot change, so
	// a hit costs no comparison, and an evaluation in chunks of images
	// (nn.ApplyTimes) would otherwise transform every weight once a chunk.
	if batch*g.h*g.w <= winogradCacheMaxPixels || isSnapshot(w) {
		u = cachedPack(w, packKey{outC: g.co, inC: g.ci, tco: p.micro.MR, px: p.micro.NR, flip: flip, wino: alg.m},
			func() []float32 { return p.weights(w, flip) })
	} else {
		u = p.weights(w, flip)
		defer putBuf(u)
	}
	planes := alg.planes
	chunks := ceilDiv(p.tiles, p.chunk)
	if chunks >= Threads() {
		parallel.For(chunks, func(lo, hi int) {
			v, m := getBuf(planes*p.vXi), getBuf(planes*p.mXi)
			defer putBuf(v)
			defer putBuf(m)
			for ch := lo; ch < hi; ch++ {
				t0 := ch * p.chunk
				t1 := min(p.tiles, t0+p.chunk)
				p.input(v, x, t0, t1, 0, g.ci)
				p.multiply(m, v, u, t1-t0, 0, p.coPad/p.micro.MR)
				p.output(y, m, t0, t1, 0, g.co, bias)
			}
		})
		return
	}
	// Fewer panels than threads: split the chunk over channels instead.
	v, m := getBuf(planes*p.vXi), getBuf(planes*p.mXi)
	defer putBuf(v)
	defer putBuf(m)
	mr := p.micro.MR
	for t0 := 0; t0 < p.tiles; t0 += p.chunk {
		t1 := min(p.tiles, t0+p.chunk)
		parallel.For(g.ci, func(lo, hi int) { p.input(v, x, t0, t1, lo, hi) })
		parallel.For(p.coPad/mr, func(lo, hi int) {
			p.multiply(m, v, u, t1-t0, lo, hi)
			p.output(y, m, t0, t1, lo*mr, min(g.co, hi*mr), bias)
		})
	}
}

// forRuns calls f for the runs of tiles t0 ≤ t < t1 that lie in one tile row
// of one image and, with period > 0, in one period-long stretch from t0 (a
// B micro-panel of V): image b, tile row i, first column j, count n, first
// tile t.
func (p winoPlan) forRuns(t0, t1, period int, f func(b, i, j, n, t int)) {
	per := p.th * p.tw
	for t := t0; t < t1; {
		b, rem := t/per, t%per
		i, j := rem/p.tw, rem%p.tw
		n := min(p.tw-j, t1-t)
		if period > 0 {
			n = min(n, period-(t-t0)%period)
		}
		f(b, i, j, n, t)
		t += n
	}
}

// winoRun is one run of forRuns: image b, tile row i, tiles j ≤ .. < j+n,
// the first being tile t of the batch.
type winoRun struct{ b, i, j, n, t int }

// forRunPairs calls f for the runs of forRuns, two at a time where the
// variant has pair transforms and both have at most most tiles (second.n =
// 0 when f gets one run).
func (p winoPlan) forRunPairs(t0, t1, period, most int, f func(first, second winoRun)) {
	var held winoRun
	p.forRuns(t0, t1, period, func(b, i, j, n, t int) {
		r := winoRun{b, i, j, n, t}
		switch {
		case p.alg.inputPair == nil || n > most:
			if held.n > 0 {
				f(held, winoRun{})
				held = winoRun{}
			}
			f(r, winoRun{})
		case held.n > 0:
			f(held, r)
			held = winoRun{}
		default:
			held = r
		}
	})
	if held.n > 0 {
		f(held, winoRun{})
	}
}

// input writes V for tiles [t0, t1) and channels [c0, c1) of the images x
// into the chunk's B micro-panels: tile t of the chunk is lane (t−t0)%NR of
// panel (t−t0)/NR, and a panel holds ci rows of NR lanes. Lanes past t1 in
// the last panel are zeroed so that the products stay finite.
func (p winoPlan) input(v, x []float32, t0, t1, c0, c1 int) {
	g, nr := p.g, p.micro.NR
	// A few channels at a time, the tiles in order, so that the partly
	// written cache lines of V (a run fills n of a panel row's NR lanes) are
	// completed by the next runs while they are still in L1.
	const channels = 8
	for cb := c0; cb < c1; cb += channels {
		nc := min(channels, c1-cb)
		// Tile t of the chunk, channel c: panel (t−t0)/nr, lane (t−t0)%nr.
		at := func(r winoRun) int { return ((r.t-t0)/nr*g.ci+cb)*nr + (r.t-t0)%nr }
		// The lanes after a run, to the end of its panel rows, hold later
		// tiles of the chunk (written after it) or lanes past t1 (cleared
		// below), so the transform may use them as scratch.
		spare := func(r winoRun) int { return nr - (r.t-t0)%nr - r.n }
		p.forRunPairs(t0, t1, nr, simd.WinogradPairMax, func(r, s winoRun) {
			if s.n == 0 {
				p.alg.input(x[r.b*p.inSz+cb*g.h*g.w:], g.h*g.w, g.h, g.w, r.i, r.j, nc, r.n, v[at(r):], p.vXi, nr)
				return
			}
			a := simd.WinogradRun{Src: r.b * p.inSz, Dst: at(r), I: r.i, J0: r.j, N: r.n, Spare: spare(r)}
			b := simd.WinogradRun{Src: s.b * p.inSz, Dst: at(s), I: s.i, J0: s.j, N: s.n, Spare: spare(s)}
			p.alg.inputPair(x[cb*g.h*g.w:], g.h*g.w, g.h, g.w, a, b, nc, v, p.vXi, nr)
		})
	}
	if tail := (t1 - t0) % nr; tail != 0 {
		q := (t1 - t0) / nr
		for xi := 0; xi < p.alg.planes; xi++ {
			for c := c0; c < c1; c++ {
				clear(v[xi*p.vXi+(q*g.ci+c)*nr+tail:][:nr-tail])
			}
		}
	}
}

// multiply computes M_ξ = U_ξ·V_ξ for the chunk's n tiles and the A panels
// [p0, p1) of output channels: M is [planes][coPad][chunk].
func (p winoPlan) multiply(m, v, u []float32, n, p0, p1 int) {
	ci, mr, nr := p.g.ci, p.micro.MR, p.micro.NR
	for xi := 0; xi < p.alg.planes; xi++ {
		for pa := p0; pa < p1; pa++ { // an A panel stays in L1 across the tiles
			a := u[xi*p.uXi+pa*ci*mr:]
			for q := 0; q < ceilDiv(n, nr); q++ {
				p.micro.Kernel(ci, a, v[xi*p.vXi+q*ci*nr:], m[xi*p.mXi+pa*mr*p.mLd+q*nr:], p.mLd, 1, 0)
			}
		}
	}
}

// output folds M back into y for tiles [t0, t1) and channels [c0, c1),
// adding bias[c] to channel c when bias is not nil (the transforms add it
// before they store, so it costs no pass over y).
func (p winoPlan) output(y, m []float32, t0, t1, c0, c1 int, bias []float32) {
	g, tm := p.g, p.alg.m
	at := func(r winoRun) int { return r.b*p.outSz + tm*r.i*g.w + tm*r.j } // the run's first output
	src, dst := m[c0*p.mLd:], y[c0*g.h*g.w:]
	if bias != nil {
		bias = bias[c0:c1]
	}
	p.forRunPairs(t0, t1, 0, p.alg.outputMax, func(r, s winoRun) {
		if s.n == 0 {
			p.alg.output(src[r.t-t0:], p.mXi, p.mLd, c1-c0, r.n, dst[at(r):], g.h*g.w, g.w, bias)
			return
		}
		a := simd.WinogradRun{Src: r.t - t0, Dst: at(r), N: r.n}
		b := simd.WinogradRun{Src: s.t - t0, Dst: at(s), N: s.n}
		p.alg.outputPair(src, p.mXi, p.mLd, c1-c0, a, b, dst, g.h*g.w, g.w, bias)
	})
}
