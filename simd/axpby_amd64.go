//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	switch l {
	case AVX512:
		scaleToImpl, axpbyImpl = scaleToAVX512, axpbyAVX512
	case AVX2:
		scaleToImpl, axpbyImpl = scaleToAVX2, axpbyAVX2
	default:
		scaleToImpl, axpbyImpl = scaleToGeneric, axpbyGeneric
	}
})

// Assembly in axpby_amd64.s. Lengths were checked and are non-zero.

//go:noescape
func scaleToAVX2(dst []float32, alpha float32, x []float32)

//go:noescape
func axpbyAVX2(alpha float32, x []float32, beta float32, y []float32)

//go:noescape
func scaleToAVX512(dst []float32, alpha float32, x []float32)

//go:noescape
func axpbyAVX512(alpha float32, x []float32, beta float32, y []float32)
