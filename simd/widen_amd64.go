//go:build amd64 && gc && !purego

package simd

var _ = onLevel(func(l Level) {
	switch l {
	case AVX512, AVX2: // AVX2 code at both levels, as in sum64_amd64.s
		addWidenedImpl, centredPanel64Impl = addWidenedAVX2, centredPanel64AVX2
	default:
		addWidenedImpl, centredPanel64Impl = addWidenedGeneric, centredPanel64Generic
	}
})

// addWidenedAVX2 runs the assembly on whole groups of four and the Go loop
// on the last 0..3.
func addWidenedAVX2(dst []float64, src []float32) {
	n := len(dst) / 4 * 4
	if n > 0 {
		addWidened4AVX2(&dst[0], &src[0], n)
	}
	addWidenedGeneric(dst[n:], src[n:len(dst)])
}

// centredPanel64AVX2 runs the assembly on panels whose width is a multiple
// of four (the AVX-512 kernels' 8 and 24; not AVX2's 6), the Go loop on others.
func centredPanel64AVX2(dst []float64, src []float32, ld, rows int, mean []float64) {
	if len(mean)%4 != 0 {
		centredPanel64Generic(dst, src, ld, rows, mean)
		return
	}
	centredPanel4AVX2(&dst[0], &src[0], ld, rows, &mean[0], len(mean))
}

// Assembly in widen_amd64.s; sizes were checked and are positive.

//go:noescape
func addWidened4AVX2(dst *float64, src *float32, n int)

//go:noescape
func centredPanel4AVX2(dst *float64, src *float32, ld, rows int, mean *float64, w int)
