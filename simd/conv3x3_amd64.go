//go:build amd64 && gc && !purego

package simd

//go:generate sh -c "go run ./_asm/conv3x3gen > conv3x3_amd64.s"

//go:noescape
func conv3x3TilesAVX2(w, x, y *float32, ci, chStride, rowStride, ldy, ntiles int)

//go:noescape
func conv3x3TilesAVX512(w, x, y *float32, ci, chStride, rowStride, ldy, ntiles int)

//go:noescape
func conv3x3WGradAVX2(dy, x, out *float32, lddy, nvec, nimg, imgStride, ldo int)

//go:noescape
func conv3x3WGradAVX512(dy, x, out *float32, lddy, nvec, nimg, imgStride, ldo int)

var _ = onLevel(func(l Level) {
	switch l {
	case AVX2:
		conv3x3TileCo, conv3x3TilePx, conv3x3Lanes = 4, 24, 8
		conv3x3Tiles = func(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
			conv3x3TilesAVX2(&w[0], &x[0], &y[0], ci, chStride, rowStride, ldy, ntiles)
		}
		conv3x3WGradCo = 4
		conv3x3WGrad = func(dy, x, out []float32, lddy, nvec, nimg, imgStride, ldo int) {
			conv3x3WGradAVX2(&dy[0], &x[0], &out[0], lddy, nvec, nimg, imgStride, ldo)
		}
	case AVX512:
		conv3x3TileCo, conv3x3TilePx, conv3x3Lanes = 8, 48, 16
		conv3x3Tiles = func(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
			conv3x3TilesAVX512(&w[0], &x[0], &y[0], ci, chStride, rowStride, ldy, ntiles)
		}
		conv3x3WGradCo = 4
		conv3x3WGrad = func(dy, x, out []float32, lddy, nvec, nimg, imgStride, ldo int) {
			conv3x3WGradAVX512(&dy[0], &x[0], &out[0], lddy, nvec, nimg, imgStride, ldo)
		}
	default:
		conv3x3TileCo, conv3x3TilePx, conv3x3Lanes, conv3x3WGradCo = 4, 24, 8, 4
		conv3x3Tiles, conv3x3WGrad = conv3x3TilesGeneric, conv3x3WGradGeneric
	}
})
