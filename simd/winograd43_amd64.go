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

// wg43Pair describes the two runs of the pair input transform (offsets used
// by the assembly: keep the layout). Run A's tiles are lanes 0..nA−1, run
// B's lanes nA..nA+nB−1.
type wg43Pair struct {
	// rowOff[r] / rowOffB[r] are the byte offsets, from float 0 of run A's
	// row segment in row 0, of float 0 of run A's / run B's row segment in
	// patch row r, rows clamped into the image as in wg43In.
	rowOff  [6]int    // +0
	rowOffB [6]int    // +48
	rowMask [6]uint64 // +96: A's lanes if A's row r is inside, B's if B's
	// Bits 0..31 of colMask: floats of A's row segment inside the image and
	// used by its tiles; bits 32..63 the same for B.
	colMask uint64 // +144
	// With B's planes right after A's, storeA has both runs' lanes and
	// storeB is 0; else each its own, and B's lanes go dstB bytes from A's.
	storeA uint64 // +152
	storeB uint64 // +160
	dstB   int    // +168
	// split[k][l] picks lane l's column s+2k from the first-level permutes
	// (0..15 A's, 16..31 B's).
	split [3][16]uint32 // +176
}

//go:noescape
func winograd43InputPairAVX512(x *float32, col, chStride, nc int, dst *float32, xiStride, cStride int, a *wg43Pair)

//go:noescape
func winograd43OutputAVX512(src *float32, xiStride, cStride, nc int, dst *float32, chStride, rowStride int, lmask, smask uint64, hiOff int, zipHi *[16]uint32, bias *float32)

// wgOnes returns the mask of the k low bits (k ≤ 64; Go's 1<<64 is 0).
func wgOnes(k int) uint64 { return uint64(1)<<uint(k) - 1 }

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
		a.colMask = wgOnes(min(hi, 64)) &^ wgOnes(lo)
		a.edgeMask = wgOnes(max(hi-64, 0))
		a.storeMask = wgOnes(m)
		winograd43InputAVX512(&x[0], col, chStride, nc, &dst[b], xiStride, cStride, &a)
	}
}

// wgSegment returns the mask of the floats of a run's row segment (from
// column m·J0−1) that are inside a w-wide image and used by its tiles of
// side m (F(m×m,3×3)).
func wgSegment(m int, r WinogradRun, w int) uint64 {
	col := m*r.J0 - 1
	lo := 0
	if col < 0 {
		lo = 1
	}
	return wgOnes(min(w-col, m*r.N+2)) &^ wgOnes(lo)
}

// wgPairRows fills the per-row entries of a pair table for tiles of side m:
// the byte offsets, from float 0 of a's row segment in patch row 0 (base,
// a float offset into x), of float 0 of a's and b's segments in each patch
// row, rows clamped into the image, and the row masks (a's lanes 0..nA−1,
// b's the next nB, set where the run's row is inside the image).
func wgPairRows(m, h, w int, a, b WinogradRun, base int, rowOff, rowOffB []int, rowMask []uint64) {
	laneA, laneB := wgOnes(a.N), wgOnes(a.N+b.N)&^wgOnes(a.N)
	for r := range rowOff {
		rowA, rowB := m*a.I-1+r, m*b.I-1+r
		if rowA >= 0 && rowA < h {
			rowMask[r] |= laneA
		}
		if rowB >= 0 && rowB < h {
			rowMask[r] |= laneB
		}
		rowOff[r] = 4 * w * min(max(rowA, 0), h-1)
		rowOffB[r] = 4 * (b.Src + w*min(max(rowB, 0), h-1) + m*b.J0 - 1 - base)
	}
}

// wgPairSplit fills the index vectors that place the runs' tiles in the
// lanes: split[k][l] picks float 2t+k of lane l's tile t from the two
// tables (0..15 a's, 16..31 b's; b's tiles are the lanes from nA on).
func wgPairSplit(split [][16]uint32, nA int) {
	for l := range 16 {
		from, t := uint32(0), l // a's tile l
		if l >= nA {
			from, t = 16, l-nA // b's tile l−nA
		}
		for k := range split {
			split[k][l] = (from + uint32(2*t+k)) & 31 // lanes past b's are masked off
		}
	}
}

func winogradInputPair43AVX512(x []float32, chStride, h, w int, a, b WinogradRun, nc int, dst []float32, xiStride, cStride int) {
	var p wg43Pair
	base := a.Src + 4*a.J0 - 1 // float 0 of A's row segment in row 0 (may be −1)
	wgPairRows(4, h, w, a, b, base, p.rowOff[:], p.rowOffB[:], p.rowMask[:])
	wgPairSplit(p.split[:], a.N)
	p.colMask = wgSegment(4, a, w) | wgSegment(4, b, w)<<32
	laneA := wgOnes(a.N)
	p.storeA = wgOnes(a.N + b.N)
	if b.Dst != a.Dst+a.N {
		p.storeA, p.storeB, p.dstB = laneA, p.storeA&^laneA, 4*(b.Dst-a.Dst-a.N)
	}
	winograd43InputPairAVX512(&x[0], base, chStride, nc, &dst[a.Dst], xiStride, cStride, &p)
}

// wgZipHi returns the index vector that interleaves the outputs y0, y1 of
// the 8 lanes from first on (VPERMI2PS: 0..15 y0's lanes, 16..31 y1's).
func wgZipHi(first int) (z [16]uint32) {
	for k := range 8 {
		z[2*k], z[2*k+1] = uint32(first+k), uint32(16+first+k)
	}
	return z
}

var wgZipHi8 = wgZipHi(8)

func winogradOutput43AVX512(src []float32, xiStride, cStride, nc, n int, dst []float32, chStride, rowStride int, bias []float32) {
	for b := 0; b < n; b += 16 {
		m := min(16, n-b)
		// m floats per plane in, 4m consecutive floats per output row out.
		winograd43OutputAVX512(&src[b], xiStride, cStride, nc, &dst[4*b], chStride, rowStride, wgOnes(m), wgOnes(4*m), 128, &wgZipHi8, biasPointer(bias))
	}
}

// winogradOutputPair43AVX512 transforms both runs in one pass where B's
// planes follow A's (runs of one chunk do): B's lanes follow A's.
func winogradOutputPair43AVX512(src []float32, xiStride, cStride, nc int, a, b WinogradRun, dst []float32, chStride, rowStride int, bias []float32) {
	if b.Src != a.Src+a.N {
		winogradOutputPair43Generic(src, xiStride, cStride, nc, a, b, dst, chStride, rowStride, bias)
		return
	}
	zip := wgZipHi(a.N)
	winograd43OutputAVX512(&src[a.Src], xiStride, cStride, nc, &dst[a.Dst], chStride, rowStride,
		wgOnes(a.N+b.N), wgOnes(4*a.N)|wgOnes(4*b.N)<<32, 4*(b.Dst-a.Dst), &zip, biasPointer(bias))
}

var _ = onLevel(func(l Level) {
	switch l {
	case AVX2:
		// Eight lanes: a pair of short runs is one call per run.
		winogradInput43, winogradOutput43, winograd43Accelerated = winogradInput43AVX2, winogradOutput43AVX2, true
		winogradInputPair43, winogradOutputPair43 = wgInputPairAVX2(winogradInput43SpareAVX2), winogradOutputPair43Generic
		return
	case AVX512:
	default:
		winogradInput43, winogradOutput43, winograd43Accelerated = winogradInput43Generic, winogradOutput43Generic, false
		winogradInputPair43, winogradOutputPair43 = winogradInputPair43Generic, winogradOutputPair43Generic
		return
	}
	winogradInput43, winogradOutput43, winograd43Accelerated = winogradInput43AVX512, winogradOutput43AVX512, true
	winogradInputPair43, winogradOutputPair43 = winogradInputPair43AVX512, winogradOutputPair43AVX512
})
