//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	if l == AVX512 {
		squaredResidualsImpl, sumRowsGroupedImpl, minFloat64Impl, expSumsImpl = squaredResidualsAVX512Go, sumRowsGroupedAVX512Go, minFloat64AVX512Go, expSumsAVX512Go
		return
	}
	// AVX2 runs the generic loops: the locality model's hot loop is written
	// for AVX-512 only so far.
	squaredResidualsImpl, sumRowsGroupedImpl, minFloat64Impl, expSumsImpl = squaredResidualsGeneric, sumRowsGroupedGeneric, minFloat64Generic, expSumsGeneric
})

// The assembly (softmaxsums_amd64.s) takes whole vectors; these wrappers
// do the tails with the generic code, which gives the same bits there.

func squaredResidualsAVX512Go(dst, x []float32, y, a float64) {
	full := len(x) &^ 15
	if full > 0 {
		squaredResidualsAVX512(&dst[0], &x[0], full, y, a)
	}
	squaredResidualsGeneric(dst[full:len(x)], x[full:], y, a)
}

func sumRowsGroupedAVX512Go(acc, tot []float64, x []float32, stride int, rows []int32) {
	chunks := len(acc) / rowSumChunk
	full := chunks * rowSumChunk
	if chunks > 0 {
		var rp *int32
		if len(rows) > 0 {
			rp = &rows[0]
		}
		var tp *float64
		if tot != nil {
			tp = &tot[0]
		}
		sumRowsGroupedAVX512(&acc[0], tp, &x[0], stride, rp, len(rows), chunks)
	}
	if full < len(acc) {
		var part [rowSumChunk]float32
		sumRowsChunkGeneric(acc[full:], part[:], x[full:], stride, rows)
		if tot != nil {
			for k := full; k < len(acc); k++ {
				acc[k] = tot[k] - acc[k]
			}
		}
	}
}

func minFloat64AVX512Go(x []float64) float64 {
	full := len(x) &^ 15
	m := minFloat64Generic(x[full:])
	if full > 0 {
		if v := minFloat64AVX512(&x[0], full); v < m {
			m = v
		}
	}
	return m
}

func expSumsAVX512Go(dist []float64, x []float32, a, m, cut float64) (s, u float64) {
	full := len(dist) &^ 7
	if full > 0 {
		s, u = expSumsAVX512(&dist[0], &x[0], full, a, -m, -cut)
	}
	ts, tu := expSumsGeneric(dist[full:], x[full:len(dist)], a, m, cut)
	return s + ts, u + tu
}

// n > 0 is a multiple of 16.
//
//go:noescape
func squaredResidualsAVX512(dst, x *float32, n int, y, a float64)

// chunks > 0 chunks of 64 columns; tot may be nil; rows may be nil when nrows is 0.
//
//go:noescape
func sumRowsGroupedAVX512(acc, tot *float64, x *float32, stride int, rows *int32, nrows, chunks int)

// n > 0 is a multiple of 16.
//
//go:noescape
func minFloat64AVX512(x *float64, n int) float64

// n > 0 is a multiple of 8; negm = −m, negcut = −cut.
//
//go:noescape
func expSumsAVX512(dist *float64, x *float32, n int, a, negm, negcut float64) (s, u float64)
