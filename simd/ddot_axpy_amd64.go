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

// ddotAxpy4Whole is all of DdotAxpy4 in one call when the AVX-512 kernel
// is available (then it reports true); len(x) ≥ 1.
func ddotAxpy4Whole(a []float64, lda int, x, y []float64, s, out *[4]float64) bool {
	if ddotLevel != AVX512 {
		return false
	}
	_ = a[3*lda+len(x)-1]
	ddotAxpy4AVX512(&a[0], lda, &x[0], &y[0], s, len(x), out)
	return true
}

// daxpyRows4 adds four rows of a (stride lda), scaled by s, to y in row
// order when the AVX-512 kernel is available (then it reports true);
// len(y) ≥ 1.
func daxpyRows4(a []float64, lda int, s *[4]float64, y []float64) bool {
	if ddotLevel != AVX512 {
		return false
	}
	_ = a[3*lda+len(y)-1]
	daxpyRows4AVX512(&a[0], lda, s, &y[0], len(y))
	return true
}

// Assembly in ddot_axpy_amd64.s; blocks > 0 blocks of 16 doubles.

//go:noescape
func daxpyRows4AVX512(a *float64, lda int, s *[4]float64, y *float64, n int)

//go:noescape
func ddotAxpy4AVX512(a *float64, lda int, x, y *float64, s *[4]float64, n int, out *[4]float64)

//go:noescape
func ddotAxpyAVX512(a, x, y *float64, s float64, n int) float64

//go:noescape
func ddotAxpyBlocksAVX2(a, x, y *float64, s float64, blocks int, acc *[ddotLanes]float64)
