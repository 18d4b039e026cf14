//go:build amd64 && gc && !purego

package simd

// ddotLevel is the kernel of the current level. Ddot calls the kernels
// directly rather than through a function value, so that its partial sums
// stay on the stack (escape analysis cannot see through an indirect call,
// and a heap allocation per call cost more than the arithmetic for rows of
// a few hundred).
var ddotLevel Level

var _ = onLevel(func(l Level) { ddotLevel = l })

// ddotBlocks sets s to the partial sums of x·y (len(x) a positive multiple of 16).
func ddotBlocks(x, y []float64, s *[ddotLanes]float64) {
	y = y[:len(x)]
	switch ddotLevel {
	case AVX512:
		ddotBlocksAVX512(&x[0], &y[0], len(x)/ddotLanes, s)
	case AVX2:
		ddotBlocksAVX2(&x[0], &y[0], len(x)/ddotLanes, s)
	default:
		ddotBlocksGeneric(x, y, s)
	}
}

// ddotBlocks4 sets s[r] to the partial sums of row r (a[r*lda:], len(x)
// long, a positive multiple of 16) times x, for r < 4.
func ddotBlocks4(a []float64, lda int, x []float64, s *[4][ddotLanes]float64) {
	_ = a[3*lda+len(x)-1]
	if ddotLevel == AVX512 {
		ddotBlocks4AVX512(&a[0], lda, &x[0], len(x)/ddotLanes, s)
		return
	}
	for r := range s {
		ddotBlocks(a[r*lda:r*lda+len(x)], x, &s[r])
	}
}

// ddotRows4 sets out[r] = Ddot(a[r*lda:r*lda+n], x[:n]) for r < 4 in one
// call when a vector kernel is available (then it reports true); AVX2 takes
// two rows a call.
func ddotRows4(a []float64, lda int, x []float64, out *[4]float64) bool {
	if len(x) == 0 {
		return false
	}
	switch ddotLevel {
	case AVX512:
		_ = a[3*lda+len(x)-1]
		ddotRows4AVX512(&a[0], lda, &x[0], len(x), out)
	case AVX2:
		_ = a[3*lda+len(x)-1]
		ddotRows2AVX2(&a[0], lda, &x[0], len(x), (*[2]float64)(out[:2]))
		ddotRows2AVX2(&a[2*lda], lda, &x[0], len(x), (*[2]float64)(out[2:]))
	default:
		return false
	}
	return true
}

//go:noescape
func ddotRows2AVX2(a *float64, lda int, x *float64, n int, out *[2]float64)

//go:noescape
func ddotRows4AVX512(a *float64, lda int, x *float64, n int, out *[4]float64)

//go:noescape
func ddotBlocks4AVX512(a *float64, lda int, x *float64, blocks int, s *[4][ddotLanes]float64)

// Assembly in ddot_amd64.s; blocks > 0 blocks of 16 doubles.

//go:noescape
func ddotBlocksAVX2(x, y *float64, blocks int, s *[ddotLanes]float64)

//go:noescape
func ddotBlocksAVX512(x, y *float64, blocks int, s *[ddotLanes]float64)
