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

// Conv3x3Lanes is the number of grid positions Conv3x3WeightGrad consumes
// per step; its input length must be a multiple of it.
func Conv3x3Lanes() int { return conv3x3Lanes }

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

// Conv3x3WeightGrad accumulates one 4×3 block of a 3×3 weight gradient:
//
//	acc[r·ldacc + kw] += Σ_{q < nvec·Conv3x3Lanes()} dy[r·lddy + q] · x[q + kw]
//
// for r < 4 and kw < 3. Each sum is formed in a fixed order (vector lanes,
// then a fixed reduction tree), so results are reproducible.
func Conv3x3WeightGrad(dy, x, acc []float32, lddy, ldacc, nvec int) {
	n := nvec * conv3x3Lanes
	if nvec < 0 || len(dy) < 3*lddy+n || len(x) < n+2 || len(acc) < 3*ldacc+3 {
		panic("simd: Conv3x3WeightGrad: slice too short for the geometry")
	}
	conv3x3WGrad(dy, x, acc, lddy, ldacc, nvec)
}

var (
	conv3x3TileCo, conv3x3TilePx = 4, 24
	conv3x3Lanes                 = 8
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

func conv3x3WGradGeneric(dy, x, acc []float32, lddy, ldacc, nvec int) {
	n := nvec * conv3x3Lanes
	for r := 0; r < 4; r++ {
		d := dy[r*lddy : r*lddy+n]
		for kw := 0; kw < 3; kw++ {
			xs := x[kw : kw+n]
			var s float32
			for q, v := range d {
				s += v * xs[q]
			}
			acc[r*ldacc+kw] += s
		}
	}
}
