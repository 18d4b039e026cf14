package tensor

import "github.com/harmonic-go/harmonic/internal/parallel"

// Implicit-GEMM convolution for any kernel size, stride and padding. Per image,
// y = W[Co, Ci·kh·kw] × im2col[Ci·kh·kw, Ho·Wo], with im2col read in place by
// a GEMM source. Used for every geometry the direct 3×3 kernel does not cover.

// forEachImage runs body for every image of a batch. With at least as many
// images as threads, images are spread over goroutines and each GEMM runs on
// one thread; otherwise images run in turn with a parallel GEMM. Each output
// element is one GEMM sum either way, so results do not depend on Threads().
func forEachImage(batch int, body func(b, threads int)) {
	t := Threads()
	if batch >= t {
		parallel.For(batch, func(lo, hi int) {
			for b := lo; b < hi; b++ {
				body(b, 1)
			}
		})
		return
	}
	for b := 0; b < batch; b++ {
		body(b, t)
	}
}

// pointwise reports a 1×1 convolution with stride 1 and no padding (the
// tc-unet's skip connections): its GEMM operands are the images as stored,
// so they are read as dense matrices (the same values, packed faster).
func (g convGeom) pointwise() bool { return g.kh == 1 && g.kw == 1 && g.stride == 1 && g.pad == 0 }

func convGenericForward(g convGeom, y, x, w []float32) {
	if g.stride2Phases() {
		convStride2Forward(g, y, x, w)
		return
	}
	k := g.ci * g.kh * g.kw
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	forEachImage(g.b, func(b, threads int) {
		var src bSource = im2colB{x: x[b*inSize : (b+1)*inSize], g: g}
		if g.pointwise() { // im2col is the image itself
			src = denseB{data: x[b*inSize : (b+1)*inSize], ld: g.h * g.w}
		}
		a := cachedA{denseA{data: w, ld: k}, w, useConvForward} // packed once for the batch
		gemmPacked(g.co, g.ho*g.wo, k, 1, a, src, 0, y[b*outSize:(b+1)*outSize], g.ho*g.wo, threads)
	})
}

// transposeWeights returns w [Co,Ci,T] rearranged as [Ci, Co·T].
func transposeWeights(w []float32, co, ci, taps int) []float32 {
	out := make([]float32, len(w))
	for o := 0; o < co; o++ {
		for c := 0; c < ci; c++ {
			copy(out[(c*co+o)*taps:(c*co+o+1)*taps], w[(o*ci+c)*taps:(o*ci+c+1)*taps])
		}
	}
	return out
}

func convGenericBackwardInput(g convGeom, dx, dy, w []float32) {
	if g.stride > 1 {
		convStridedBackwardInput(g, dx, dy, w)
		return
	}
	taps := g.kh * g.kw
	wt := transposeWeights(w, g.co, g.ci, taps)
	k := g.co * taps
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	forEachImage(g.b, func(b, threads int) {
		var src bSource = dyGatherB{dy: dy[b*outSize : (b+1)*outSize], g: g}
		if g.pointwise() { // the gather is dy itself
			src = denseB{data: dy[b*outSize : (b+1)*outSize], ld: g.h * g.w}
		}
		a := cachedA{denseA{data: wt, ld: k}, w, useConvBackward}
		gemmPacked(g.ci, g.h*g.w, k, 1, a, src, 0, dx[b*inSize:(b+1)*inSize], g.h*g.w, threads)
	})
}

// convStridedBackwardInput is the input gradient of a strided convolution
// as columns and col2im: cols [Ci·kh·kw, Ho·Wo] = Wᵀ·dy, one dense GEMM per
// image, then each column entry added to the input pixel its tap reads. A
// gather (dyGatherB) would multiply by stride² times more zeros. Each dx
// element sums its taps in a fixed order (tap by tap), whatever Threads().
func convStridedBackwardInput(g convGeom, dx, dy, w []float32) {
	if g.stride2Phases() {
		convStride2BackwardInput(g, dx, dy, w)
		return
	}
	taps := g.kh * g.kw
	m, pix := g.ci*taps, g.ho*g.wo
	inSize := g.ci * g.h * g.w
	forEachImage(g.b, func(b, threads int) {
		cols := getBuf(m * pix)
		defer putBuf(cols)
		a := cachedA{matrix{data: w, rs: 1, cs: m}, w, useConvColumns} // Wᵀ, read in place
		gemmPacked(m, pix, g.co, 1, a, denseB{data: dy[b*g.co*pix:], ld: pix}, 0, cols, pix, threads)
		img := dx[b*inSize : (b+1)*inSize]
		clear(img)
		for c := range g.ci {
			plane := img[c*g.h*g.w : (c+1)*g.h*g.w]
			for t := range taps {
				g.col2imTap(plane, cols[(c*taps+t)*pix:(c*taps+t+1)*pix], t/g.kw, t%g.kw)
			}
		}
	})
}

// col2imTap adds the column row of tap (i, j), one value per output pixel,
// into the input pixels that tap reads.
func (g convGeom) col2imTap(plane, row []float32, i, j int) {
	// Output columns whose input column ox·s−pad+j lies inside the image.
	last := g.w - 1 + g.pad - j // ox·s may reach this
	if last < 0 {
		return
	}
	lo := max(0, ceilDiv(g.pad-j, g.stride))
	hi := min(g.wo, last/g.stride+1)
	for oy := range g.ho {
		iy := oy*g.stride - g.pad + i
		if iy < 0 || iy >= g.h || lo >= hi {
			continue
		}
		dst, src := plane[iy*g.w:(iy+1)*g.w], row[oy*g.wo:(oy+1)*g.wo]
		ix := lo*g.stride - g.pad + j
		for ox := lo; ox < hi; ox++ {
			dst[ix] += src[ox]
			ix += g.stride
		}
	}
}

// convGenericBackwardWeight is one GEMM whose depth runs over batch × output
// pixels; GEMM never splits depth across goroutines, so the batch sum has a
// fixed order.
func convGenericBackwardWeight(g convGeom, dw, x, dy []float32) {
	if g.stride2Phases() {
		convStride2BackwardWeight(g, dw, x, dy)
		return
	}
	n := g.ci * g.kh * g.kw
	pix := g.ho * g.wo
	a := batchRowsA{data: dy, m: g.co, p: pix}
	var src bSource = im2colBatchT{x: x, g: g}
	if g.pointwise() { // im2col is the images themselves
		src = batchRowsB{data: x, m: g.ci, p: pix}
	}
	gemmPacked(g.co, n, g.b*pix, 1, a, src, 0, dw, n, Threads())
}
