package simd

import "math/bits"

// Direct 3×3 convolution kernels (stride 1) over images laid out on a padded
// grid: an input channel is a (H+2p)×Wp plane, and output pixel (oy, ox) sits
// at grid position q = oy·Wp + ox, so tap (kh, kw) of every output pixel is
// the input at q + kh·Wp + kw. A run of consecutive q is then a contiguous
// vector for every tap, and no im2col matrix is needed; positions with
// ox ≥ Wp−2 are computed and discarded by the caller.

// Conv3x3Kernel is one forward micro-kernel: each tile covers Cout output
// channels × Px consecutive grid positions. Kernels with smaller tiles waste
// less on small images and few channels; callers pick by geometry.
type Conv3x3Kernel struct {
	Cout, Px int
	tiles    func(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int)
	// direct, when not nil, stores vectors of Lanes positions straight
	// into the output with masked stores (see TilesDirect).
	direct func(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int, table []int64)
	Lanes  int
}

// CanStoreDirect reports whether TilesDirect is available.
func (k Conv3x3Kernel) CanStoreDirect() bool { return k.direct != nil }

// Conv3x3Kernels lists the forward kernels of the current kernel set, the
// preferred (largest tile) first.
func Conv3x3Kernels() []Conv3x3Kernel { return conv3x3Kernels }

// Conv3x3WeightGradTile reports the weight-gradient block of the current
// kernel set: cout output channels, and lanes grid positions consumed per step.
func Conv3x3WeightGradTile() (cout, lanes int) { return conv3x3WGradCo, conv3x3Lanes }

// Tiles computes ntiles consecutive tiles of a 3×3 convolution:
//
//	y[r·ldy + t·Px + j] = Σ_{c<ci, kh, kw} w[((c·9 + kh·3 + kw)·Cout + r] · x[c·chStride + kh·rowStride + kw + t·Px + j]
//
// for r < Cout and j < Px, where w holds the weights of one block of Cout
// output channels packed as [ci][9][Cout].
func (k Conv3x3Kernel) Tiles(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
	if ntiles <= 0 || ci <= 0 {
		return
	}
	needX := (ci-1)*chStride + 2*rowStride + 2 + ntiles*k.Px
	needY := (k.Cout-1)*ldy + ntiles*k.Px
	if len(w) < ci*9*k.Cout || len(x) < needX || len(y) < needY || ldy < ntiles*k.Px && k.Cout > 1 {
		panic("simd: Conv3x3Kernel.Tiles: slice too short for the geometry")
	}
	k.tiles(w, x, y, ci, chStride, rowStride, ldy, ntiles)
}

// TilesDirect is Tiles storing the results straight into their final places
// instead of a tile-shaped buffer: vector v of tile t (Lanes positions; the
// tile has Px/Lanes of them) is written by two masked stores described by
// table[4·(t·Px/Lanes + v) : +4] = {off1, off2, mask1, mask2}: lane l goes to
// y[off1/4 + r·ldy + l] if bit l of mask1 is set, and to y[off2/4 + r·ldy + l]
// if bit l of mask2 is set (offsets in bytes). Callers describe with it the
// jump from one output row to the next inside a vector.
func (k Conv3x3Kernel) TilesDirect(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int, table []int64) {
	if ntiles <= 0 || ci <= 0 {
		return
	}
	needX := (ci-1)*chStride + 2*rowStride + 2 + ntiles*k.Px
	if k.direct == nil || len(w) < ci*9*k.Cout || len(x) < needX || len(table) < 4*ntiles*k.Px/k.Lanes {
		panic("simd: Conv3x3Kernel.TilesDirect: unsupported kernel or slice too short for the geometry")
	}
	for e := 0; e < ntiles*k.Px/k.Lanes; e++ {
		for h := 0; h < 2; h++ {
			m := uint16(table[4*e+2+h])
			if m == 0 {
				continue
			}
			lo := int(table[4*e+h]/4) + bits.TrailingZeros16(m)
			hi := int(table[4*e+h]/4) + 15 - bits.LeadingZeros16(m) + (k.Cout-1)*ldy
			if lo < 0 || hi >= len(y) || table[4*e+h]%4 != 0 {
				panic("simd: Conv3x3Kernel.TilesDirect: table entry outside y")
			}
		}
	}
	k.direct(w, x, y, ci, chStride, rowStride, ldy, ntiles, table)
}

// Conv3x3WeightGrad accumulates one block of a 3×3 weight gradient over
// nimg images whose dy and x lie dyStride and xStride floats apart: for
// r < cout (Conv3x3WeightGradTile), kh < 3 and kw < 3,
//
//	out[r·ldo + kh·3 + kw] += Σ_{i < nimg} Σ_{q < nvec·lanes} dy[i·dyStride + r·lddy + q] · x[i·xStride + kh·rowStride + q + kw]
//
// Each sum is formed per vector lane over all images, then across lanes by a
// fixed tree, so its rounding does not depend on how callers split work.
func Conv3x3WeightGrad(dy, x, out []float32, lddy, nvec, nimg, dyStride, xStride, ldo, rowStride int) {
	co, lanes := conv3x3WGradCo, conv3x3Lanes
	if nvec <= 0 || nimg <= 0 {
		return
	}
	n := nvec * lanes
	if len(dy) < (nimg-1)*dyStride+(co-1)*lddy+n || len(x) < (nimg-1)*xStride+2*rowStride+n+2 || len(out) < (co-1)*ldo+9 {
		panic("simd: Conv3x3WeightGrad: slice too short for the geometry")
	}
	conv3x3WGrad(dy, x, out, lddy, nvec, nimg, dyStride, xStride, ldo, rowStride)
}

// wgradByRows is a nine-tap weight gradient made of a three-tap kernel
// (out[r·ldo + kw] for kw < 3) called once per kernel row.
func wgradByRows(row func(dy, x, out []float32, lddy, nvec, nimg, dyStride, xStride, ldo int)) func(dy, x, out []float32, lddy, nvec, nimg, dyStride, xStride, ldo, rowStride int) {
	return func(dy, x, out []float32, lddy, nvec, nimg, dyStride, xStride, ldo, rowStride int) {
		for kh := 0; kh < 3; kh++ {
			row(dy, x[kh*rowStride:], out[kh*3:], lddy, nvec, nimg, dyStride, xStride, ldo)
		}
	}
}

var (
	conv3x3Generic               = Conv3x3Kernel{Cout: 4, Px: 24, Lanes: 8, tiles: conv3x3TilesGeneric}
	conv3x3Kernels               = []Conv3x3Kernel{conv3x3Generic}
	conv3x3WGradCo, conv3x3Lanes = 4, 8
	conv3x3WGrad                 = wgradByRows(conv3x3WGradRowGeneric)
)

func conv3x3TilesGeneric(w, x, y []float32, ci, chStride, rowStride, ldy, ntiles int) {
	const co, px = 4, 24
	var acc [co * px]float32
	for t := 0; t < ntiles; t++ {
		clear(acc[:])
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

// conv3x3WGradRowGeneric is the three-tap kernel of one kernel row:
// out[r·ldo + kw] += Σ_i Σ_q dy[i·dyStride + r·lddy + q] · x[i·xStride + q + kw].
func conv3x3WGradRowGeneric(dy, x, out []float32, lddy, nvec, nimg, dyStride, xStride, ldo int) {
	co, lanes := conv3x3WGradCo, conv3x3Lanes
	part := make([]float32, lanes)
	for r := 0; r < co; r++ {
		for kw := 0; kw < 3; kw++ {
			clear(part)
			for i := 0; i < nimg; i++ {
				d := dy[i*dyStride+r*lddy:]
				xs := x[i*xStride+kw:]
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
