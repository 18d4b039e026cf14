package tensor

// Weights as GEMM A operands, packed once. The transposed convolution runs
// image by image, multiplying the same weight matrix by every image's
// columns, and gemmPacked would pack it anew for each: for one small image
// that packing costs as much as the product.
// A cachedA source has its whole packed form kept in the weight cache
// (conv3x3_wcache.go: validated against the buffer's contents on every use),
// laid out as gemmJob.sharedA, which run then reads directly.

// cachedA is an A source whose packing depends only on the contents of w.
type cachedA struct {
	aSource
	w   []float32
	use uint8 // which matrix of w this is (forward, transposed, ...)
}

// Uses of a weight buffer as a cached A operand.
const (
	useUpForward uint8 = iota + 1
	useUpBackward
	useConvForward  // w [Co, Ci·kh·kw] of an implicit-GEMM convolution
	useConvBackward // its transpose, for the gathered input gradient
	useConvColumns  // its transpose, for the columns of a strided input gradient
)

// cachedSharedA returns the whole packed A of g from the cache (packing and
// caching it on a miss), or nil when A is not a cachedA source or too large.
func (g *gemmJob) cachedSharedA() []float32 {
	ca, ok := g.a.(cachedA)
	mr, kc := g.micro.MR, g.blocks.kc
	rowsPad := ceilDiv(g.m, mr) * mr
	if !ok || rowsPad*g.k > sharedALimit {
		return nil
	}
	key := packKey{tco: mr, px: g.micro.NR, gemmA: gemmAKey{use: ca.use, m: g.m, k: g.k, kc: kc, mr: mr}}
	return cachedPack(ca.w, key, func() []float32 {
		packer := *g
		packer.sharedA = getBuf(rowsPad * g.k)
		for u := range ceilDiv(g.m, mr) * ceilDiv(g.k, kc) {
			packer.packSharedA(u)
		}
		return packer.sharedA
	})
}
