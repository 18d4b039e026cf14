//go:build amd64 && gc && !purego

package simd

// The AVX2 code serves the AVX512 level too (there is no AVX-512 version).
var _ = onLevel(func(l Level) {
	switch l {
	case AVX512, AVX2:
		centeredAffineImpl, centeredAffineXImpl = centeredAffineAVX2, centeredAffineXAVX2
	default:
		centeredAffineImpl, centeredAffineXImpl = centeredAffineGeneric, centeredAffineXGeneric
	}
})

// Assembly in affine_amd64.s. Lengths were checked and are non-zero.

//go:noescape
func centeredAffineAVX2(dst, t, x []float32, a, b, negM, c float32)

//go:noescape
func centeredAffineXAVX2(dst, x []float32, b, negM, c float32)
