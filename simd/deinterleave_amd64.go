//go:build amd64 && gc && !purego

package simd

// deinterleaveRowsAVX512 splits each row in blocks of 32 floats (two loads,
// two two-table permutes); the last block of a row, 1..32 floats, uses the
// masks: loadLo and loadHi for its first and second 16 floats and the even and odd
// stores. odd may be nil when n = 1 (never stored through).
//
//go:noescape
func deinterleaveRowsAVX512(even, odd, src *float32, rows, blocks, evenStride, oddStride, srcStride int, loadLo, loadHi, evenMask, oddMask uint16)

// interleaveRowsAVX512 is its inverse: blocks of 32 floats of dst from 16
// of even and odd, the last block with the masks (evenMask and oddMask for
// the loads, storeLo and storeHi for dst's first and second 16 floats).
//
//go:noescape
func interleaveRowsAVX512(dst, even, odd *float32, rows, blocks, dstStride, evenStride, oddStride int, storeLo, storeHi, evenMask, oddMask uint16)

var _ = onLevel(func(l Level) {
	if l != AVX512 {
		deinterleaveRows, interleaveRows = deinterleaveRowsGeneric, interleaveRowsGeneric
		return
	}
	deinterleaveRows = func(even, odd, src []float32, rows, n, evenStride, oddStride, srcStride int) {
		last := n - (n-1)/32*32 // floats in the last block, 1..32
		var po *float32
		if len(odd) > 0 {
			po = &odd[0]
		}
		deinterleaveRowsAVX512(&even[0], po, &src[0], rows, (n-1)/32, evenStride, oddStride, srcStride,
			uint16(wgOnes(min(last, 16))), uint16(wgOnes(max(last-16, 0))), uint16(wgOnes((last+1)/2)), uint16(wgOnes(last/2)))
	}
	interleaveRows = func(dst, even, odd []float32, rows, n, dstStride, evenStride, oddStride int) {
		last := n - (n-1)/32*32
		var po *float32
		if len(odd) > 0 {
			po = &odd[0]
		}
		interleaveRowsAVX512(&dst[0], &even[0], po, rows, (n-1)/32, dstStride, evenStride, oddStride,
			uint16(wgOnes(min(last, 16))), uint16(wgOnes(max(last-16, 0))), uint16(wgOnes((last+1)/2)), uint16(wgOnes(last/2)))
	}
})
