//go:build amd64 && gc && !purego

package simd

// Assembly in winograd_amd64.s. The exported wrappers in winograd.go checked
// the geometry (nc, n ≥ 1 and the slices long enough), so the first elements
// of the slices exist and the kernels touch only the elements the contract
// names.

// winogradInputImageAVX512 is WinogradInputImage2x3 over nblocks blocks of 16
// tiles (the last one possibly partial). x+off is the image element at row
// 2i−1, column 2j0−1 of channel 0 (possibly outside the image, so it is passed
// as an offset, not a pointer); bit r of rows says whether patch row r lies in
// the image; masks holds the per-block masks of wgImageMasks for the first, a
// middle and the last block.
//
//go:noescape
func winogradInputImageAVX512(x *float32, off, chStride, w, nc, nblocks, rows int, masks *[3][8]uint16, dst *float32, xiStride, cStride int)

//go:noescape
func winogradOutputAVX512(src *float32, xiStride, cStride, nc, n int, dst *float32, chStride, rowStride int)

var _ = onLevel(func(l Level) {
	if l != AVX512 {
		// No AVX2 kernels: with 8 lanes and no masked loads or two-table
		// permutes the transforms do not pay for the multiplications they save.
		winogradInputImage, winogradOutput, winogradAccelerated = winogradInputImageGeneric, winogradOutputGeneric, false
		return
	}
	winogradInputImage = func(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
		nb := (n + 15) / 16
		// Blocks between the first and the last read only image columns
		// and need every lane, so one middle entry serves them all.
		masks := [3][8]uint16{wgImageMasks(j0, n, w, 0), wgImageMasks(j0, n, w, 1), wgImageMasks(j0, n, w, nb-1)}
		rows := 0
		for r := range 4 {
			if row := 2*i - 1 + r; row >= 0 && row < h {
				rows |= 1 << r
			}
		}
		winogradInputImageAVX512(&x[0], (2*i-1)*w+2*j0-1, chStride, w, nc, nb, rows, &masks, &dst[0], xiStride, cStride)
	}
	winogradOutput = func(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int) {
		winogradOutputAVX512(&src[0], xiStride, cStride, nc, n, &dst[0], chStride, rowStride)
	}
	winogradAccelerated = true
})

// wgImageMasks returns the masks of block b (tiles j0+16b ..) of
// winogradInputImageAVX512: entries 0..3 for its loads of one image row, the
// 16 floats at window positions 32b + 0, 16, 2, 18, and entry 4 for its
// stores, one lane per tile. The window is the columns the call's tiles read,
// position p being image column 2j0−1+p; tile t reads positions 2t..2t+3, the
// loads at 0 and 16 giving its columns s = 0, 1 and those at 2 and 18 its
// columns 2, 3. A lane is set when its tile is one of the block's and its
// column is inside the image, so a column left or right of the image is a
// masked-off (zero) lane, never a memory access.
func wgImageMasks(j0, n, w, b int) [8]uint16 {
	q := 32 * b
	end := min(q+32, 2*n) // the block's tiles use positions below end (+2 for the loads at 2 and 18)
	var m [8]uint16
	for k, o := range [4]int{0, 16, 2, 18} {
		p := q + o          // window position of lane 0
		col := 2*j0 - 1 + p // its image column
		m[k] = wgLanes(-col, min(w-col, end+(o&2)-p))
	}
	m[4] = wgLanes(0, n-16*b)
	return m
}

// wgLanes is the 16-lane mask of lanes lo ≤ k < hi.
func wgLanes(lo, hi int) uint16 {
	lo, hi = max(lo, 0), min(hi, 16)
	if lo >= hi {
		return 0
	}
	return uint16(1<<hi - 1<<lo)
}
