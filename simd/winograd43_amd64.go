//go:build amd64 && gc && !purego

package simd

// Assembly in winograd43_amd64.s. The exported wrappers in winograd43.go
// checked the geometry (nc, n ≥ 1, the tile range inside the image, the
// slices long enough), so &x[0], &src[0] and &dst[b] exist. The Go side
// splits the tiles into blocks of 16 (one zmm lane per tile) and computes the
// masks of each block, so the kernels only loop over channels and touch only
// the elements the contract names.

// wg43In describes one block of the input transform (offsets used by the
// assembly: keep the layout).
type wg43In struct {
	// rowOff[r] is the byte offset of image row 4i−1+r in a channel, clamped
	// into [0, h): a row outside the image loads a row inside it, which
	// rowMask[r] = 0 then zeroes (the row is never read).
	rowOff  [6]int    // +0
	rowMask [6]uint64 // +48: 0xffff inside, 0 outside
	// Bit k of colMask (k < 64) and edgeMask (k = 64, 65: bits 0, 1) is set
	// when float k of the block's row segment, column 4j−1+k for the block's
	// first tile j, is inside the image and used by the block's tiles.
	colMask  uint64 // +96
	edgeMask uint64 // +104
	// storeMask has one bit per tile of the block.
	storeMask uint64 // +112
}

//go:noescape
func winograd43InputAVX512(x *float32, col, chStride, nc int, dst *float32, xiStride, cStride int, a *wg43In)

//go:noescape
func winograd43OutputAVX512(src *float32, xiStride, cStride, nc int, dst *float32, chStride, rowStride int, lmask, smask uint64)

// wg43Ones returns the mask of the k low bits (k ≤ 64; Go's 1<<64 is 0).
func wg43Ones(k int) uint64 { return uint64(1)<<uint(k) - 1 }

func winogradInput43AVX512(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	var a wg43In
	for r := range 6 {
		row := 4*i - 1 + r
		if row >= 0 && row < h {
			a.rowMask[r] = 0xffff
		}
		a.rowOff[r] = 4 * w * min(max(row, 0), h-1)
	}
	for b := 0; b < n; b += 16 {
		m := min(16, n-b)
		col := 4*(j0+b) - 1 // image column of float 0 of the block's rows
		lo := 0
		if col < 0 {
			lo = 1 // column −1 is padding
		}
		// The block's tiles use floats k < 4m+2; floats from w−col on are
		// outside the image (the wrapper's check makes this at least 2).
		hi := min(w-col, 4*m+2)
		a.colMask = wg43Ones(min(hi, 64)) &^ wg43Ones(lo)
		a.edgeMask = wg43Ones(max(hi-64, 0))
		a.storeMask = wg43Ones(m)
		winograd43InputAVX512(&x[0], col, chStride, nc, &dst[b], xiStride, cStride, &a)
	}
}

func winogradOutput43AVX512(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int) {
	for b := 0; b < n; b += 16 {
		m := min(16, n-b)
		// m floats per plane in, 4m consecutive floats per output row out.
		winograd43OutputAVX512(&src[b], xiStride, cStride, nc, &dst[4*b], chStride, rowStride, wg43Ones(m), wg43Ones(4*m))
	}
}

var _ = onLevel(func(l Level) {
	if l != AVX512 {
		// No AVX2 kernels, as for F(2×2,3×3): without masked loads and
		// two-table permutes the transforms do not pay for themselves.
		winogradInput43, winogradOutput43, winograd43Accelerated = winogradInput43Generic, winogradOutput43Generic, false
		return
	}
	winogradInput43, winogradOutput43, winograd43Accelerated = winogradInput43AVX512, winogradOutput43AVX512, true
})
