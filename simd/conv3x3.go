package simd

// Direct 3×3 convolution kernels (stride 1) over images laid out on a padded
// grid: an input channel is a (H+2p)×Wp plane, and output pixel (oy, ox) sits
// at grid position q = oy·Wp + ox, so tap (kh, kw) of every output pixel is
// the input at q + kh·Wp + kw. A run of consecutive q is then a contiguous
// vector for every tap, and no im2col matrix is needed; positions with
// ox ≥ Wp−2 are computed and discarded by the caller.

// Conv3x3Tile reports the forward tile of the current kernel set: cout
// output channels × px consecutive grid positions per tile.
func Conv3x3Tile() (cout, px int) { return conv3x3TileCo, conv3x3TilePx }

// Conv3x3WeightGradTile reports the weight-gradient block of the current
// kernel set: cout output channels, and lanes grid positions consumed per step.
func Conv3x3WeightGradTile() (cout, lanes int) { return conv3x3WGradCo, conv3x3Lanes }

// Conv3x3Tiles computes ntiles consecutive tiles of a 3×3 convolution:
//
//	y[r·ldy + t·px + j] = Σ_{c<ci, kh, kw} w[((c·9 + kh·3 + kw)·cout + r] · x[c·chStride + kh·rowStride + kw + t·px + j]
//
// for r < cout and j < px (Conv3x3Tile), where w holds the weights of one
// block of cout output channels packed as [ci][9][cout].
func Conv3x3Tiles(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
	co, px := conv3x3TileCo, conv3x3TilePx
	if ntiles <= 0 || ci <= 0 {
		return
	}
	needX := (ci-1)*chStride + 2*rowStride + 2 + ntiles*px
	needY := (co-1)*ldy + ntiles*px
	if len(w) < ci*9*co || len(x) < needX || len(y) < needY || ldy < ntiles*px && co > 1 {
		panic("simd: Conv3x3Tiles: slice too short for the geometry")
	}
	conv3x3Tiles(w, x, y, ci, chStride, rowStride, ldy, ntiles)
}

// Conv3x3WeightGrad accumulates one block of a 3×3 weight gradient over
// nimg images that lie imgStride floats apart: for r < cout and kw < 3
// (Conv3x3WeightGradTile),
//
//	out[r·ldo + kw] += Σ_{i < nimg} Σ_{q < nvec·lanes} dy[i·imgStride + r·lddy + q] · x[i·imgStride + q + kw]
//
// Each sum is formed per vector lane over all images, then across lanes by a
// fixed tree, so its rounding does not depend on how callers split work.
func Conv3x3WeightGrad(dy, x, out []float32, lddy, nvec, nimg, imgStride, ldo int) {
	co, lanes := conv3x3WGradCo, conv3x3Lanes
	if nvec <= 0 || nimg <= 0 {
		return
	}
	n, last := nvec*lanes, (nimg-1)*imgStride
	if len(dy) < last+(co-1)*lddy+n || len(x) < last+n+2 || len(out) < (co-1)*ldo+3 {
		panic("simd: Conv3x3WeightGrad: slice too short for the geometry")
	}
	conv3x3WGrad(dy, x, out, lddy, nvec, nimg, imgStride, ldo)
}

var (
	conv3x3TileCo, conv3x3TilePx = 4, 24
	conv3x3WGradCo, conv3x3Lanes = 4, 8
	conv3x3Tiles                 = conv3x3TilesGeneric
	conv3x3WGrad                 = conv3x3WGradGeneric
)

func conv3x3TilesGeneric(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
	co, px := conv3x3TileCo, conv3x3TilePx
	acc := make([]float32, co*px)
	for t := 0; t < ntiles; t++ {
		clear(acc)
		for c := 0; c < ci; c++ {
			for tap := 0; tap < 9; tap++ {
				src := x[c*chStride+(tap/3)*rowStride+tap%3+t*px:]
				src = src[:px]
				for r := 0; r < co; r++ {
					wv := w[(c*9+tap)*co+r]
					a := acc[r*px : (r+1)*px]
					for j, v := range src {
						a[j] += wv * v
					}
				}
			}
		}
		for r := 0; r < co; r++ {
			copy(y[r*ldy+t*px:r*ldy+(t+1)*px], acc[r*px:(r+1)*px])
		}
	}
}

func conv3x3WGradGeneric(dy, x, out []float32, lddy, nvec, nimg, imgStride, ldo int) {
	co, lanes := conv3x3WGradCo, conv3x3Lanes
	part := make([]float32, lanes)
	for r := 0; r < co; r++ {
		for kw := 0; kw < 3; kw++ {
			clear(part)
			for i := 0; i < nimg; i++ {
				d := dy[i*imgStride+r*lddy:]
				xs := x[i*imgStride+kw:]
				for v := 0; v < nvec*lanes; v += lanes {
					for l := range part {
						part[l] += d[v+l] * xs[v+l]
					}
				}
			}
			for half := lanes / 2; half >= 1; half /= 2 {
				for l := 0; l < half; l++ {
					part[l] += part[l+half]
				}
			}
			out[r*ldo+kw] += part[0]
		}
	}
}
