//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	switch l {
	case AVX512:
		secularSumsImpl = secularSumsAVX512Slices
	case AVX2:
		secularSumsImpl = secularSumsAVX2Slices
	default:
		secularSumsImpl = secularSumsGeneric
	}
})

func secularSumsAVX2Slices(sh, z []float64, tau float64) (sum, slope, abs float64) {
	return secularSumsAVX2(&sh[0], &z[0], len(sh), tau)
}

// secularSumsAVX2 is in secular_amd64.s; n > 0.
//
//go:noescape
func secularSumsAVX2(sh, z *float64, n int, tau float64) (sum, slope, abs float64)

func secularSumsAVX512Slices(sh, z []float64, tau float64) (sum, slope, abs float64) {
	return secularSumsAVX512(&sh[0], &z[0], len(sh), tau)
}

// secularSumsAVX512 is in secular_amd64.s; n > 0.
//
//go:noescape
func secularSumsAVX512(sh, z *float64, n int, tau float64) (sum, slope, abs float64)
