//go:build amd64 && gc && !purego

package simd

// ddotAxpyBlocks is DdotAxpy's block loop at the current level (len(a) a
// positive multiple of 16; AVX-512 runs all of DdotAxpy in ddotAxpyWhole);
// called directly, like ddotBlocks, so that acc stays on the caller's stack.
func ddotAxpyBlocks(a, x, y []float64, s float64, acc *[ddotLanes]float64) {
	x, y = x[:len(a)], y[:len(a)]
	switch ddotLevel {
	case AVX2:
		ddotAxpyBlocksAVX2(&a[0], &x[0], &y[0], s, len(a)/ddotLanes, acc)
	default:
		ddotAxpyBlocksGeneric(a, x, y, s, acc)
	}
}

// ddotAxpyWhole is all of DdotAxpy in one call when the AVX-512 kernel is
// available (then it reports true).
func ddotAxpyWhole(a, x, y []float64, s float64) (float64, bool) {
	if ddotLevel != AVX512 || len(a) == 0 {
		return 0, false
	}
	return ddotAxpyAVX512(&a[0], &x[0], &y[0], s, len(a)), true
}

// ddotAxpy4Whole is all of DdotAxpy4 in one call when a vector kernel is
// available (then it reports true); len(x) ≥ 1. AVX2 runs two passes of
// two rows.
func ddotAxpy4Whole(a []float64, lda int, x, y []float64, s, out *[4]float64) bool {
	switch ddotLevel {
	case AVX512:
		_ = a[3*lda+len(x)-1]
		ddotAxpy4AVX512(&a[0], lda, &x[0], &y[0], s, len(x), out)
	case AVX2:
		_ = a[3*lda+len(x)-1]
		ddotAxpy2AVX2(&a[0], lda, &x[0], &y[0], (*[2]float64)(s[:2]), len(x), (*[2]float64)(out[:2]))
		ddotAxpy2AVX2(&a[2*lda], lda, &x[0], &y[0], (*[2]float64)(s[2:]), len(x), (*[2]float64)(out[2:]))
	default:
		return false
	}
	return true
}

// daxpyRows4 adds four rows of a (stride lda), scaled by s, to y in row
// order when a vector kernel is available (then it reports true);
// len(y) ≥ 1.
func daxpyRows4(a []float64, lda int, s *[4]float64, y []float64) bool {
	switch ddotLevel {
	case AVX512:
		_ = a[3*lda+len(y)-1]
		daxpyRows4AVX512(&a[0], lda, s, &y[0], len(y))
	case AVX2:
		_ = a[3*lda+len(y)-1]
		daxpyRows4AVX2(&a[0], lda, s, &y[0], len(y))
	default:
		return false
	}
	return true
}

// Assembly in ddot_axpy_amd64.s; blocks > 0 blocks of 16 doubles.

//go:noescape
func daxpyRows4AVX2(a *float64, lda int, s *[4]float64, y *float64, n int)

//go:noescape
func ddotAxpy2AVX2(a *float64, lda int, x, y *float64, s *[2]float64, n int, out *[2]float64)

//go:noescape
func daxpyRows4AVX512(a *float64, lda int, s *[4]float64, y *float64, n int)

//go:noescape
func ddotAxpy4AVX512(a *float64, lda int, x, y *float64, s *[4]float64, n int, out *[4]float64)

//go:noescape
func ddotAxpyAVX512(a, x, y *float64, s float64, n int) float64

//go:noescape
func ddotAxpyBlocksAVX2(a, x, y *float64, s float64, blocks int, acc *[ddotLanes]float64)
