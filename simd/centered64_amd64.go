//go:build amd64 && gc && !purego

package simd

// The AVX2 code serves the AVX512 level too, as for the float64 reductions,
// whose 512-bit widening measured slower on Zen 4 (sum64_amd64.s); an
// AVX-512 version was not tried.
var _ = onLevel(func(l Level) {
	switch l {
	case AVX512, AVX2:
		centeredAffine64Impl = centeredAffine64AVX2
	default:
		centeredAffine64Impl = centeredAffine64Generic
	}
})

// centeredAffine64AVX2 runs the assembly on whole groups of 8 elements and
// the Go code on the rest (the same operations, so the same bits).
func centeredAffine64AVX2(dst, t, x []float32, a float32, b, m float64) {
	n := len(x) &^ 7
	if n > 0 {
		if t == nil {
			centeredAffine64XAsm(dst[:n], x[:n], b, m)
		} else {
			centeredAffine64Asm(dst[:n], t[:n], x[:n], a, b, m)
		}
	}
	if n < len(x) {
		var tt []float32
		if t != nil {
			tt = t[n:]
		}
		centeredAffine64Generic(dst[n:], tt, x[n:], a, b, m)
	}
}

// Assembly in centered64_amd64.s: len(x) is a positive multiple of 8.

//go:noescape
func centeredAffine64Asm(dst, t, x []float32, a float32, b, m float64)

//go:noescape
func centeredAffine64XAsm(dst, x []float32, b, m float64)
