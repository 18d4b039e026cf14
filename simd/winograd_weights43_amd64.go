//go:build amd64 && gc && !purego

package simd

import "math"

var _ = onLevel(func(l Level) {
	if l == AVX512 {
		winogradWeights43Impl = winogradWeights43AVX512
	} else {
		winogradWeights43Impl = winogradWeights43Generic
	}
})

// g43Consts are G's coefficients as the Go code rounds them, and the sign
// bit (the negations of g43 are sign flips, as in Go).
var g43Consts = [5]float64{0.25, 1.0 / 12, 1.0 / 6, 1.0 / 24, math.Copysign(0, -1)}

// winogradWeights43AVX512 runs the kernels eight at a time (eight float64
// lanes), the last group under a store mask.
func winogradWeights43AVX512(dst []float32, stride int, k *[9][16]float32, n int) {
	for j0 := 0; j0 < n; j0 += 8 {
		lanes := min(8, n-j0)
		winogradWeights43x8(&dst[j0], 4*stride, &k[0][j0], uint64(1)<<lanes-1, &g43Consts)
	}
}

// winogradWeights43x8 (winograd_weights43_amd64.s) transforms the 8 kernels
// whose taps start at k (rows 16 floats apart), storing the lanes in mask.
//
//go:noescape
func winogradWeights43x8(dst *float32, strideBytes int, k *float32, mask uint64, c *[5]float64)
