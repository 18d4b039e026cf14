//go:build amd64 && gc && !purego

package simd

// Assembly in winograd_amd64.s. The exported wrappers in winograd.go checked
// the geometry (nc, n ≥ 1 and the slices long enough), so &src[0] and &dst[0]
// exist and the kernels touch only the elements the contract names.

//go:noescape
func winogradInputAVX512(src *float32, chStride, rowStride, nc, n int, dst *float32, xiStride, cStride int)

//go:noescape
func winogradOutputAVX512(src *float32, xiStride, cStride, nc, n int, dst *float32, chStride, rowStride int)

var _ = onLevel(func(l Level) {
	if l != AVX512 {
		// No AVX2 kernels: with 8 lanes and no masked loads or two-table
		// permutes the transforms do not pay for the multiplications they save.
		winogradInput, winogradOutput, winogradAccelerated = winogradInputGeneric, winogradOutputGeneric, false
		return
	}
	winogradInput = func(src []float32, chStride, rowStride, nc, n int, dst []float32, xiStride, cStride int) {
		winogradInputAVX512(&src[0], chStride, rowStride, nc, n, &dst[0], xiStride, cStride)
	}
	winogradOutput = func(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int) {
		winogradOutputAVX512(&src[0], xiStride, cStride, nc, n, &dst[0], chStride, rowStride)
	}
	winogradAccelerated = true
})
