//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	if l == AVX512 {
		secularSumsImpl = secularSumsAVX512Slices
		return
	}
	secularSumsImpl = secularSumsGeneric // no AVX2 kernel is written: below AVX-512 the Go loop runs
})

func secularSumsAVX512Slices(sh, z []float64, tau float64) (sum, slope, abs float64) {
	return secularSumsAVX512(&sh[0], &z[0], len(sh), tau)
}

// secularSumsAVX512 is in secular_amd64.s; n > 0.
//
//go:noescape
func secularSumsAVX512(sh, z *float64, n int, tau float64) (sum, slope, abs float64)
