//go:build amd64 && gc && !purego

package simd

// Registration of the elementwise kernels' assembly (elementwise_avx2_amd64.s,
// elementwise_avx512_amd64.s, reduce_*_amd64.s). The hook runs on every level
// change, so Use("generic") in a test really switches back to the Go code.
var _ = onLevel(func(l Level) {
	switch l {
	default:
		useGenericElementwise()
	}
})
