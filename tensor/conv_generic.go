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

func convGenericForward(g convGeom, y, x, w []float32) {
	k := g.ci * g.kh * g.kw
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	forEachImage(g.b, func(b, threads int) {
		src := im2colB{x: x[b*inSize : (b+1)*inSize], g: g}
		gemmPacked(g.co, g.ho*g.wo, k, 1, denseA{data: w, ld: k}, src, 0, y[b*outSize:(b+1)*outSize], g.ho*g.wo, threads)
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
	taps := g.kh * g.kw
	wt := transposeWeights(w, g.co, g.ci, taps)
	k := g.co * taps
	inSize, outSize := g.ci*g.h*g.w, g.co*g.ho*g.wo
	forEachImage(g.b, func(b, threads int) {
		src := dyGatherB{dy: dy[b*outSize : (b+1)*outSize], g: g}
		gemmPacked(g.ci, g.h*g.w, k, 1, denseA{data: wt, ld: k}, src, 0, dx[b*inSize:(b+1)*inSize], g.h*g.w, threads)
	})
}

// convGenericBackwardWeight is one GEMM whose depth runs over batch × output
// pixels; GEMM never splits depth across goroutines, so the batch sum has a
// fixed order.
func convGenericBackwardWeight(g convGeom, dw, x, dy []float32) {
	n := g.ci * g.kh * g.kw
	pix := g.ho * g.wo
	a := batchRowsA{data: dy, m: g.co, p: pix}
	gemmPacked(g.co, n, g.b*pix, 1, a, im2colBatchT{x: x, g: g}, 0, dw, n, Threads())
}
