//go:build amd64 && gc && !purego

package simd

//go:generate sh -c "go run ./_asm/conv3x3gen > conv3x3_amd64.s"

//go:noescape
func conv3x3TilesAVX2(w, x, y *float32, ci, chStride, rowStride, ldy, ntiles int)

//go:noescape
func conv3x3TilesAVX512(w, x, y *float32, ci, chStride, rowStride, ldy, ntiles int)

//go:noescape
func conv3x3WGradAVX2(dy, x, acc *float32, lddy, ldacc, nvec int)

//go:noescape
func conv3x3WGradAVX512(dy, x, acc *float32, lddy, ldacc, nvec int)

var _ = onLevel(func(l Level) {
	switch l {
	case AVX2:
		conv3x3TileCo, conv3x3TilePx, conv3x3Lanes = 4, 24, 8
		conv3x3Tiles = func(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
			conv3x3TilesAVX2(&w[0], &x[0], &y[0], ci, chStride, rowStride, ldy, ntiles)
		}
		conv3x3WGrad = func(dy, x, acc []float32, lddy, ldacc, nvec int) {
			conv3x3WGradAVX2(&dy[0], &x[0], &acc[0], lddy, ldacc, nvec)
		}
	case AVX512:
		conv3x3TileCo, conv3x3TilePx, conv3x3Lanes = 8, 48, 16
		conv3x3Tiles = func(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
			conv3x3TilesAVX512(&w[0], &x[0], &y[0], ci, chStride, rowStride, ldy, ntiles)
		}
		conv3x3WGrad = func(dy, x, acc []float32, lddy, ldacc, nvec int) {
			conv3x3WGradAVX512(&dy[0], &x[0], &acc[0], lddy, ldacc, nvec)
		}
	default:
		conv3x3TileCo, conv3x3TilePx, conv3x3Lanes = 4, 24, 8
		conv3x3Tiles, conv3x3WGrad = conv3x3TilesGeneric, conv3x3WGradGeneric
	}
})
