//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	switch l {
	case AVX512:
		adamImpl = adamAVX512
	case AVX2:
		adamImpl = adamAVX2
	default:
		adamImpl = adamGeneric
	}
})

// Assembly in adam_amd64.s; arguments as for adamGeneric. Lengths were
// checked and are non-zero.

//go:noescape
func adamAVX2(p, g, m, v []float32, b1, c1, b2, c2, step, s, eps float32)

//go:noescape
func adamAVX512(p, g, m, v []float32, b1, c1, b2, c2, step, s, eps float32)
