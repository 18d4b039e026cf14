//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	if l == AVX512 {
		maskedDistancesImpl = maskedDistancesAVX512Go
		return
	}
	// AVX2 runs the generic loop: the locality model's kernel is written
	// for AVX-512 only so far.
	maskedDistancesImpl = maskedDistancesGeneric
})

func maskedDistancesAVX512Go(out, full, yl, xl, yT, x []float64, stride int, rows []int32, a, ra float64) {
	var fp *float64
	if full != nil {
		fp = &full[0]
	}
	var rp *int32
	if len(rows) > 0 {
		rp = &rows[0]
	}
	var yp *float64
	if len(yT) > 0 {
		yp = &yT[0]
	}
	var xp *float64
	if len(x) > 0 {
		xp = &x[0]
	}
	maskedDistancesAVX512(&out[0], fp, &yl[0], &xl[0], yp, xp, stride, len(rows), rp, len(out)/(MaskedQueries*MaskedTile), a, -2*ra)
}

// tiles > 0; full may be nil; rows, yT and x may be nil when nrows is 0.
//
//go:noescape
func maskedDistancesAVX512(out, full, yl, xl, yT, x *float64, stride, nrows int, rows *int32, tiles int, a, c float64)
