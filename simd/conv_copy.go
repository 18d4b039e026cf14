package simd

// CopyRows copies rows of n floats between strided layouts:
// dst[r·dstStride + j] = src[r·srcStride + j] for r < rows, j < n.
// Convolutions move images to and from their padded grids with it; one call
// per channel instead of one memmove per row saves most of the call overhead
// on the short rows (10..80 floats) of the study's images. dst and src must
// not overlap (the vector tail copies some floats twice).
func CopyRows(dst, src []float32, rows, n, dstStride, srcStride int) {
	if rows <= 0 || n <= 0 {
		return
	}
	if len(dst) < (rows-1)*dstStride+n || len(src) < (rows-1)*srcStride+n {
		panic("simd: CopyRows: slice too short for the geometry")
	}
	copyRows(dst, src, rows, n, dstStride, srcStride)
}

var copyRows = copyRowsGeneric

func copyRowsGeneric(dst, src []float32, rows, n, dstStride, srcStride int) {
	for r := 0; r < rows; r++ {
		copy(dst[r*dstStride:r*dstStride+n], src[r*srcStride:r*srcStride+n])
	}
}
