//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	switch l {
	case AVX512:
		dot64Impl, sum64Impl, sumSquares64Impl = dot64AVX512, sum64AVX512, sumSquares64AVX512
	case AVX2:
		dot64Impl, sum64Impl, sumSquares64Impl = dot64AVX2, sum64AVX2, sumSquares64AVX2
	default:
		dot64Impl, sum64Impl, sumSquares64Impl = dot64Generic, sum64Generic, sumSquares64Generic
	}
})

// Assembly in sum64_amd64.s. Lengths were checked and are non-zero.

//go:noescape
func dot64AVX2(x, y []float32) float64

//go:noescape
func sum64AVX2(x []float32) float64

//go:noescape
func sumSquares64AVX2(x []float32) float64

//go:noescape
func dot64AVX512(x, y []float32) float64

//go:noescape
func sum64AVX512(x []float32) float64

//go:noescape
func sumSquares64AVX512(x []float32) float64
