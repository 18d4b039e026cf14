//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	switch l {
	case AVX512:
		divImpl = divAVX512
	case AVX2:
		divImpl = divAVX2
	default:
		divImpl = divGeneric
	}
})

// Assembly in div_amd64.s. Lengths were checked and are non-zero.

//go:noescape
func divAVX2(dst, x, y []float32)

//go:noescape
func divAVX512(dst, x, y []float32)
