//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	if l == AVX512 {
		minFloat64Impl, expSumsImpl = minFloat64AVX512Go, expSumsAVX512Go
		return
	}
	// AVX2 runs the generic loops: the locality model's hot loop is written
	// for AVX-512 only so far.
	minFloat64Impl, expSumsImpl = minFloat64Generic, expSumsGeneric
})

// The assembly (softmaxsums_amd64.s) takes whole vectors; these wrappers
// do the tails with the generic code, which gives the same bits there.

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
func minFloat64AVX512(x *float64, n int) float64

// n > 0 is a multiple of 8; negm = −m, negcut = −cut.
//
//go:noescape
func expSumsAVX512(dist *float64, x *float32, n int, a, negm, negcut float64) (s, u float64)
