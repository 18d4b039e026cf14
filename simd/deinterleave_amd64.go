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

// deinterleaveRowsAVX2 and interleaveRowsAVX2 move rows of an even number
// n ≥ 8 of interleaved floats (deinterleave_avx2_amd64.s).
//
//go:noescape
func deinterleaveRowsAVX2(even, odd, src *float32, rows, n, evenStride, oddStride, srcStride int)

//go:noescape
func interleaveRowsAVX2(dst, even, odd *float32, rows, n, dstStride, evenStride, oddStride int)

// The AVX2 wrappers: the kernels take the even part of each row (the first
// n − n%2 floats), the last even float of an odd row is moved here, and
// rows shorter than 8 floats take the generic loops.
func deinterleaveRowsAVX2Go(even, odd, src []float32, rows, n, evenStride, oddStride, srcStride int) {
	if n < 8 {
		deinterleaveRowsGeneric(even, odd, src, rows, n, evenStride, oddStride, srcStride)
		return
	}
	deinterleaveRowsAVX2(&even[0], &odd[0], &src[0], rows, n&^1, evenStride, oddStride, srcStride)
	if n%2 == 1 {
		for r := 0; r < rows; r++ {
			even[r*evenStride+n/2] = src[r*srcStride+n-1]
		}
	}
}

func interleaveRowsAVX2Go(dst, even, odd []float32, rows, n, dstStride, evenStride, oddStride int) {
	if n < 8 {
		interleaveRowsGeneric(dst, even, odd, rows, n, dstStride, evenStride, oddStride)
		return
	}
	interleaveRowsAVX2(&dst[0], &even[0], &odd[0], rows, n&^1, dstStride, evenStride, oddStride)
	if n%2 == 1 {
		for r := 0; r < rows; r++ {
			dst[r*dstStride+n-1] = even[r*evenStride+n/2]
		}
	}
}

var _ = onLevel(func(l Level) {
	switch l {
	case AVX2:
		// Measured on Zen 3: the generic loops were 1.7% and 1% of the
		// tc-unet forward (the stride-2 phase planes, nearest upsampling).
		deinterleaveRows, interleaveRows = deinterleaveRowsAVX2Go, interleaveRowsAVX2Go
		return
	case AVX512:
	default:
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
