//go:build amd64 && gc && !purego

package simd

// The AVX2 F(2×2,3×3) transforms (winograd_avx2_amd64.s). The exported
// wrappers in winograd.go checked the geometry, so the first elements of the
// slices exist and the kernels touch only the elements the contract names.

// wg2Input is the per-call table of winogradInputImageAVX2 (offsets used by
// the assembly: keep the layout).
type wg2Input struct {
	rowOff [4]int      // +0: byte offset of patch row r from the block's row 0
	rowSel [4]int      // +32: 0 for a patch row inside the image, 128 for one outside (the entry's zero masks)
	entry  [3]wg2Entry // +64, +320, +576: the first, a middle and the last block
}

// wg2Entry holds the load masks of one block: the loads at window positions
// 16b + 0, 8, 2, 10 (see wg2ImageMasks), then all-clear masks for a patch
// row outside the image, which is then never read.
type wg2Entry struct {
	load [4][8]int32
	zero [4][8]int32
}

//go:noescape
func winogradInputImageAVX2(x *float32, off, chStride, nc, nblocks, last, tail int, p *wg2Input, dst *float32, xiStride, cStride int)

//go:noescape
func winogradOutputAVX2(src *float32, xiStride, cStride, nc, n int, dst *float32, chStride, rowStride int, tailMask *[8]int32, bias *float32)

func winogradInputImageAVX2Go(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	winogradInput23SpareAVX2(x, chStride, h, w, i, j0, nc, n, 0, dst, xiStride, cStride)
}

// wgInputPairAVX2 makes an AVX2 input pair transform of a one-run transform
// with spare lanes: one call per run, as the generic pairs, with each run's
// spare lanes (a before b, as WinogradRun requires).
func wgInputPairAVX2(one func(x []float32, chStride, h, w, i, j0, nc, n, spare int, dst []float32, xiStride, cStride int)) func(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
	return func(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
		for _, r := range [2]WinogradRun{a, b} {
			one(x[r.Src:], chStride, h, w, r.I, r.J0, nc, r.N, r.Spare, dst[r.Dst:], xiStride, cStride)
		}
	}
}

// winogradInput23SpareAVX2 transforms a run of n tiles whose plane rows have
// spare lanes after the run (see WinogradRun).
func winogradInput23SpareAVX2(x []float32, chStride, h, w, i, j0, nc, n, spare int, dst []float32, xiStride, cStride int) {
	var p wg2Input
	wgRowsAVX2(p.rowOff[:], p.rowSel[:], 2, h, w, i, 128)
	nb, last, tail := wgBlocksAVX2(n, spare, func(k, t0 int) { wg2ImageMasks(&p.entry[k], j0, n, w, t0) })
	winogradInputImageAVX2(&x[0], (2*i-1)*w+2*j0-1, chStride, nc, nb, last, tail, &p, &dst[0], xiStride, cStride)
}

// wgRowsAVX2 fills the row tables of an AVX2 input transform for tiles of
// side m on tile row i: patch row r is r·w floats (4rw bytes) below row 0,
// and a patch row outside the image selects the entry's all-clear masks,
// zeroSel bytes on, so that it is never read.
func wgRowsAVX2(rowOff, rowSel []int, m, h, w, i, zeroSel int) {
	for r := range rowOff {
		rowOff[r] = 4 * r * w
		if row := m*i - 1 + r; row < 0 || row >= h {
			rowSel[r] = zeroSel
		}
	}
}

// wgBlocksAVX2 lays out a run of n tiles in the AVX2 kernels' blocks of 8
// and returns their nblocks, last and tail arguments. A run of n < 8 tiles
// is one block through the frame (tail = n), or, when its plane rows have
// at least 8 − n spare lanes, one block stored in place (its lanes past n
// read only masked-in columns of the run's patches, or zeros); a
// longer one is blocks from tile 0, the last one tiles n−8..n−1 (last =
// n−8). masks(k, t0) fills entry k for the block from tile t0: 0 the
// first, 2 the last, 1 the blocks between, which read only image columns
// and need every lane, so one entry serves them all.
func wgBlocksAVX2(n, spare int, masks func(k, t0 int)) (nblocks, last, tail int) {
	masks(0, 0)
	if n < 8 && n+spare >= 8 {
		return 1, 0, 0
	}
	if n < 8 {
		return 1, 0, n
	}
	nblocks = (n + 7) / 8
	if nblocks > 2 {
		masks(1, 8)
	}
	if nblocks > 1 {
		masks(2, n-8)
	}
	return nblocks, n - 8, 0
}

// wg2ImageMasks sets the load masks of the block of tiles j0+t0 ..
// j0+t0+7: the 8 floats at window positions 2t0 + 0, 8, 2, 10, position p
// being image column 2j0−1+p. Tile t reads positions 2t..2t+3: the loads at
// 0 and 8 give its columns s = 0, 1, those at 2 and 10 its columns 2, 3. A
// lane is set when its tile is one of the call's n and its column lies in
// the image.
func wg2ImageMasks(e *wg2Entry, j0, n, w, t0 int) {
	q := 2 * t0
	end := min(q+16, 2*n) // the block's tiles use positions below end (+2 for the loads at 2 and 10)
	for k, o := range [4]int{0, 8, 2, 10} {
		p := q + o
		col := 2*j0 - 1 + p
		setLanes8(&e.load[k], -col, min(w-col, end+(o&2)-p))
	}
}

// setLanes8 sets lanes lo ≤ k < hi of m (all bits: VMASKMOVPS reads the sign).
func setLanes8(m *[8]int32, lo, hi int) {
	for k := max(lo, 0); k < min(hi, 8); k++ {
		m[k] = -1
	}
}

func winogradOutputAVX2Go(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32) {
	tail := wgTailMask(n)
	winogradOutputAVX2(&src[0], xiStride, cStride, nc, n, &dst[0], chStride, rowStride, &tail, biasPointer(bias))
}

// wgTailMask is the load mask of the AVX2 output kernels for a run of
// n < 8 tiles (unused for longer runs).
func wgTailMask(n int) (m [8]int32) {
	setLanes8(&m, 0, n)
	return m
}
