//go:build amd64 && gc && !purego

package simd

//go:generate sh -c "go run ./_asm/conv3x3gen > conv3x3_amd64.s"

//go:noescape
func conv3x3TilesAVX2(w, x, y *float32, ci, chStride, rowStride, ldy, ntiles int)

//go:noescape
func conv3x3TilesAVX512(w, x, y *float32, ci, chStride, rowStride, ldy, ntiles int)

//go:noescape
func conv3x3TilesDirectAVX512(w, x, y *float32, ci, chStride, rowStride, ldy, ntiles int, table *int64)

//go:noescape
func conv3x3WGradAVX2(dy, x, out *float32, lddy, nvec, nimg, dyStride, xStride, ldo int)

//go:noescape
func conv3x3WGrad9x3AVX512(dy, x, out *float32, lddy, nvec, nimg, dyStride, xStride, ldo, rowStride int)

var (
	conv3x3AVX2 = Conv3x3Kernel{Cout: 4, Px: 24, Lanes: 8, tiles: func(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
		conv3x3TilesAVX2(&w[0], &x[0], &y[0], ci, chStride, rowStride, ldy, ntiles)
	}}
	conv3x3AVX512 = Conv3x3Kernel{Cout: 8, Px: 48, Lanes: 16, tiles: func(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
		conv3x3TilesAVX512(&w[0], &x[0], &y[0], ci, chStride, rowStride, ldy, ntiles)
	}, direct: func(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int, table []int64) {
		conv3x3TilesDirectAVX512(&w[0], &x[0], &y[0], ci, chStride, rowStride, ldy, ntiles, &table[0])
	}}
)

var _ = onLevel(func(l Level) {
	switch l {
	case AVX2:
		conv3x3Kernels = []Conv3x3Kernel{conv3x3AVX2}
		conv3x3WGradCo, conv3x3Lanes = 4, 8
		conv3x3WGrad = wgradByRows(func(dy, x, out []float32, lddy, nvec, nimg, dyStride, xStride, ldo int) {
			conv3x3WGradAVX2(&dy[0], &x[0], &out[0], lddy, nvec, nimg, dyStride, xStride, ldo)
		})
	case AVX512:
		// Same FLOP rate on Zen 4; the AVX2 tile wastes less on small images.
		conv3x3Kernels = []Conv3x3Kernel{conv3x3AVX512, conv3x3AVX2}
		// Three rows of nine taps: 27 accumulators, each x vector loaded once
		// per position (see wgrad9 in _asm/conv3x3gen).
		conv3x3WGradCo, conv3x3Lanes = 3, 16
		conv3x3WGrad = func(dy, x, out []float32, lddy, nvec, nimg, dyStride, xStride, ldo, rowStride int) {
			conv3x3WGrad9x3AVX512(&dy[0], &x[0], &out[0], lddy, nvec, nimg, dyStride, xStride, ldo, rowStride)
		}
	default:
		conv3x3Kernels = []Conv3x3Kernel{conv3x3Generic}
		conv3x3WGradCo, conv3x3Lanes = 4, 8
		conv3x3WGrad = wgradByRows(conv3x3WGradRowGeneric)
	}
})
