//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	switch l {
	case AVX512, AVX2: // AVX2 code at both levels: see sum64_amd64.s
		dot64Impl, sum64Impl, sumSquares64Impl = dot64AVX2, sum64AVX2, sumSquares64AVX2
		sumCenteredSquares64Impl = sumCenteredSquares64AVX2
	default:
		dot64Impl, sum64Impl, sumSquares64Impl = dot64Generic, sum64Generic, sumSquares64Generic
		sumCenteredSquares64Impl = sumCenteredSquares64Generic
	}
})

// Assembly in sum64_amd64.s. Lengths were checked and are non-zero.

//go:noescape
func dot64AVX2(x, y []float32) float64

//go:noescape
func sum64AVX2(x []float32) float64

//go:noescape
func sumSquares64AVX2(x []float32) float64

// sumCenteredSquares64AVX2 sums whole groups of 4 in assembly and the last
// 1..3 in Go (a masked tail would square −m in the unused lanes).
func sumCenteredSquares64AVX2(x []float32, m float64) float64 {
	n := len(x) &^ 3
	var s float64
	if n > 0 {
		s = sumCenteredSquares64Asm(x[:n], m)
	}
	for _, v := range x[n:] {
		e := float64(v) - m
		s += e * e
	}
	return s
}

// len(x) is a positive multiple of 4.
//
//go:noescape
func sumCenteredSquares64Asm(x []float32, m float64) float64
