package tensor

import (
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// Winograd on images of odd side (the 7×7 level of a 28×28 U-Net): the
// image is extended by zero rows and columns to sides the tiles divide,
// convolved there, and the output cropped. With padding 1 the first extra
// row and column are exactly the padding the true image has on that side,
// so the kept outputs are the convolution of the true image; the dropped
// ones cost the extra tiles. F(4×4,3×3) is tried first: on 7×7 images
// extended to 8×8 (64→64 channels, batch 64, one thread) it took 2.1 ms
// against 2.4 ms for F(2×2,3×3) and 3.4 ms for the direct kernel, although
// pickWinograd's count of micro-kernel products prefers F(2×2) on 8×8
// (its transforms handle 2.25 values per output against 4).

// pickWinogradExtended returns the extended grid for g and the variant for
// it, or nil where g's sides are even already (pickWinograd decided), where
// every extension adds more than half the area again (tiny images), or
// where g takes no Winograd at all.
func pickWinogradExtended(g grid3x3) (grid3x3, *winoAlgo) {
	if (g.h%2 == 0 && g.w%2 == 0) || !winogradAllowed(g) {
		return g, nil
	}
	for _, a := range []*winoAlgo{&wino43, &wino23} {
		he, we := ceilDiv(g.h, a.m)*a.m, ceilDiv(g.w, a.m)*a.m
		ge := newGrid3x3(g.ci, g.co, he, we, g.pad)
		if 2*he*we <= 3*g.h*g.w && winogradUsable(a, ge) {
			return ge, a
		}
	}
	return g, nil
}

// runWinogradExtended convolves a batch on grid g through the extended grid
// ge; y, x and w are as in runWinograd for g. Each image is extended and
// cropped on its own, so results stay per image (batch- and
// thread-invariant).
func runWinogradExtended(alg *winoAlgo, ge, g grid3x3, batch int, y, x, w []float32, flip bool, bias []float32) {
	in, inE := g.h*g.w, ge.h*ge.w
	xe, ye := getBuf(batch*g.ci*inE), getBuf(batch*g.co*inE)
	defer putBuf(xe)
	defer putBuf(ye)
	parallel.For(batch*g.ci, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			dst := xe[p*inE : (p+1)*inE]
			simd.CopyRows(dst, x[p*in:], g.h, g.w, ge.w, g.w)
			for r := 0; r < g.h; r++ {
				clearGap(dst[r*ge.w+g.w : (r+1)*ge.w])
			}
			clear(dst[g.h*ge.w:])
		}
	})
	runWinograd(alg, ge, batch, ye, xe, w, flip, bias)
	parallel.For(batch*g.co, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			simd.CopyRows(y[p*in:], ye[p*inE:], g.h, g.w, g.w, ge.w)
		}
	})
}
