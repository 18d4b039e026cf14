//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	switch l {
	case AVX512:
		scaleToImpl, axpbyImpl, addConstImpl = scaleToAVX512, axpbyAVX512, addConstAVX512
	case AVX2:
		scaleToImpl, axpbyImpl, addConstImpl = scaleToAVX2, axpbyAVX2, addConstAVX2
	default:
		scaleToImpl, axpbyImpl, addConstImpl = scaleToGeneric, axpbyGeneric, addConstGeneric
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

//go:noescape
func addConstAVX2(dst []float32, c float32, x []float32)

//go:noescape
func addConstAVX512(dst []float32, c float32, x []float32)
