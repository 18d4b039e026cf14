//go:build amd64 && gc && !purego

package simd

// The AVX2 F(4×4,3×3) transforms (winograd43_avx2_amd64.s). The exported
// wrappers in winograd43.go checked the geometry, so the first elements of
// the slices exist and the kernels touch only the elements the contract
// names.

// wg4Input is the per-call table of winograd43InputAVX2 (offsets used by the
// assembly: keep the layout).
type wg4Input struct {
	rowOff [6]int      // +0: byte offset of patch row r from the block's row 0
	rowSel [6]int      // +48: 0 for a patch row inside the image, 160 for one outside (the entry's zero masks)
	entry  [3]wg4Entry // +96, +416, +736: the first, a middle and the last block
}

// wg4Entry holds the masks of one block's five loads of a patch row (window
// positions 4t0 + 8k, k = 0..4, see wg4ImageMasks), then all-clear masks for
// a patch row outside the image, which is then never read.
type wg4Entry struct {
	load [5][8]int32
	zero [5][8]int32
}

//go:noescape
func winograd43InputAVX2(x *float32, off, chStride, nc, nblocks, last, tail int, p *wg4Input, dst *float32, xiStride, cStride int)

//go:noescape
func winograd43OutputAVX2(src *float32, xiStride, cStride, nc, n int, dst *float32, chStride, rowStride int, tailMask *[8]int32, bias *float32)

func winogradInput43AVX2(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	winogradInput43SpareAVX2(x, chStride, h, w, i, j0, nc, n, 0, dst, xiStride, cStride)
}

// winogradInput43SpareAVX2 transforms a run of n tiles whose plane rows have
// spare lanes after the run (see WinogradRun).
func winogradInput43SpareAVX2(x []float32, chStride, h, w, i, j0, nc, n, spare int, dst []float32, xiStride, cStride int) {
	var p wg4Input
	wgRowsAVX2(p.rowOff[:], p.rowSel[:], 4, h, w, i, 160)
	nb, last, tail := wgBlocksAVX2(n, spare, func(k, t0 int) { wg4ImageMasks(&p.entry[k], j0, n, w, t0) })
	winograd43InputAVX2(&x[0], (4*i-1)*w+4*j0-1, chStride, nc, nb, last, tail, &p, &dst[0], xiStride, cStride)
}

// wg4ImageMasks sets the load masks of the block of tiles j0+t0 .. (at most
// 8 of the call's n): load k reads the 8 floats at window positions
// 4t0 + 8k .., position p being image column 4j0−1+p. The block's m tiles
// use positions below 4t0 + 4m + 2; a lane is set when its position is one
// of those and its column lies in the image.
func wg4ImageMasks(e *wg4Entry, j0, n, w, t0 int) {
	m := min(8, n-t0)
	for k := range 5 {
		col := 4*(j0+t0) - 1 + 8*k
		setLanes8(&e.load[k], -col, min(w-col, 4*m+2-8*k))
	}
}

func winogradOutput43AVX2(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32) {
	tail := wgTailMask(n)
	winograd43OutputAVX2(&src[0], xiStride, cStride, nc, n, &dst[0], chStride, rowStride, &tail, biasPointer(bias))
}
