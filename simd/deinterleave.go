package simd

// DeinterleaveRows splits rows of n floats into their even- and odd-indexed
// halves: for r < rows,
//
//	even[r·evenStride + i] = src[r·srcStride + 2i]    (i < (n+1)/2)
//	odd[r·oddStride + i]  = src[r·srcStride + 2i + 1] (i < n/2)
//
// Stride-2 convolutions split images into phase planes with it. Nothing else
// of even and odd is written; the slices must not overlap.
func DeinterleaveRows(even, odd, src []float32, rows, n, evenStride, oddStride, srcStride int) {
	if rows <= 0 || n <= 0 {
		return
	}
	checkPhaseRows("DeinterleaveRows", src, even, odd, rows, n, srcStride, evenStride, oddStride)
	deinterleaveRows(even, odd, src, rows, n, evenStride, oddStride, srcStride)
}

var deinterleaveRows = deinterleaveRowsGeneric

func deinterleaveRowsGeneric(even, odd, src []float32, rows, n, evenStride, oddStride, srcStride int) {
	for r := 0; r < rows; r++ {
		s := src[r*srcStride : r*srcStride+n]
		e := even[r*evenStride : r*evenStride+(n+1)/2]
		o := odd[r*oddStride : r*oddStride+n/2]
		for i := range e {
			e[i] = s[2*i]
		}
		for i := range o {
			o[i] = s[2*i+1]
		}
	}
}

// InterleaveRows is the inverse of DeinterleaveRows: for r < rows,
//
//	dst[r·dstStride + 2i]     = even[r·evenStride + i] (i < (n+1)/2)
//	dst[r·dstStride + 2i + 1] = odd[r·oddStride + i]   (i < n/2)
//
// Nothing else of dst is written; the slices must not overlap.
func InterleaveRows(dst, even, odd []float32, rows, n, dstStride, evenStride, oddStride int) {
	if rows <= 0 || n <= 0 {
		return
	}
	checkPhaseRows("InterleaveRows", dst, even, odd, rows, n, dstStride, evenStride, oddStride)
	interleaveRows(dst, even, odd, rows, n, dstStride, evenStride, oddStride)
}

var interleaveRows = interleaveRowsGeneric

func interleaveRowsGeneric(dst, even, odd []float32, rows, n, dstStride, evenStride, oddStride int) {
	for r := 0; r < rows; r++ {
		d := dst[r*dstStride : r*dstStride+n]
		e := even[r*evenStride : r*evenStride+(n+1)/2]
		o := odd[r*oddStride : r*oddStride+n/2]
		for i, v := range e {
			d[2*i] = v
		}
		for i, v := range o {
			d[2*i+1] = v
		}
	}
}

// checkPhaseRows panics unless rows rows of n interleaved floats (stride
// full) and of their even and odd halves fit their slices.
func checkPhaseRows(name string, full, even, odd []float32, rows, n, fullStride, evenStride, oddStride int) {
	if evenStride < 0 || oddStride < 0 || fullStride < 0 || len(even) < (rows-1)*evenStride+(n+1)/2 ||
		len(odd) < (rows-1)*oddStride+n/2 || len(full) < (rows-1)*fullStride+n {
		panic("simd: " + name + ": slice too short for the geometry")
	}
}
