//go:build amd64 && gc && !purego

package simd

//go:noescape
func copyRowsAVX2(dst, src *float32, rows, n, dstStride, srcStride int)

var _ = onLevel(func(l Level) {
	if l == Generic {
		copyRows = copyRowsGeneric
		return
	}
	// A row copy is bound by memory, not by vector width: AVX2 serves both levels.
	copyRows = func(dst, src []float32, rows, n, dstStride, srcStride int) {
		copyRowsAVX2(&dst[0], &src[0], rows, n, dstStride, srcStride)
	}
})
