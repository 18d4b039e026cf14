//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	switch l {
	case AVX512:
		siluImpl, siluDerivImpl, siluBackwardImpl = siluAVX512, siluDerivAVX512, siluBackwardAVX512
	case AVX2:
		siluImpl, siluDerivImpl, siluBackwardImpl = siluAVX2, siluDerivAVX2, siluBackwardAVX2
	default:
		siluImpl, siluDerivImpl, siluBackwardImpl = siluGeneric, siluDerivGeneric, siluBackwardGeneric
	}
})

// Assembly in silu_amd64.s. Lengths were checked and are non-zero.

//go:noescape
func siluAVX512(dst, x []float32)

//go:noescape
func siluDerivAVX512(dst, x []float32)

//go:noescape
func siluBackwardAVX512(dst, g, x []float32)

//go:noescape
func siluAVX2(dst, x []float32)

//go:noescape
func siluDerivAVX2(dst, x []float32)

//go:noescape
func siluBackwardAVX2(dst, g, x []float32)
