//go:build amd64 && gc && !purego

package simd

// Registration of the elementwise kernels' assembly (elementwise_avx2_amd64.s,
// elementwise_avx512_amd64.s). The hook runs on every level change, so
// Use("generic") in a test really switches back to the Go code.
//
// AVX512 maps to the AVX-512 code for every kernel. Measured on the Zen 4 dev
// machine (thread CPU time, minimum-ish of 40 runs, n = 256, 4096, 65536):
// the streaming kernels (Axpy, Scale, Add, Sub, Mul, ReLU, ReLUBackward) are
// as fast with 512-bit as with 256-bit vectors (within ±5%, bound by L1/L2
// bandwidth; Zen 4 splits 512-bit ops in two), while the reductions gain
// 5-20% from 512-bit FMAs with fewer partial sums in flight, and the smallest
// lengths gain from the masked tail (one instruction instead of VMASKMOVPS).
var _ = onLevel(func(l Level) {
	switch l {
	case AVX512:
		useAVX512Elementwise()
	case AVX2:
		useAVX2Elementwise()
	default:
		useGenericElementwise()
	}
})

func useAVX2Elementwise() {
	dotImpl = dotAVX2
	axpyImpl = axpyAVX2
	scaleImpl = scaleAVX2
	addImpl = addAVX2
	subImpl = subAVX2
	mulImpl = mulAVX2
	reluImpl = reluAVX2
	reluBackwardImpl = reluBackwardAVX2
	sumImpl = sumAVX2
	sumSquaresImpl = sumSquaresAVX2
}

func useAVX512Elementwise() {
	dotImpl = dotAVX512
	axpyImpl = axpyAVX512
	scaleImpl = scaleAVX512
	addImpl = addAVX512
	subImpl = subAVX512
	mulImpl = mulAVX512
	reluImpl = reluAVX512
	reluBackwardImpl = reluBackwardAVX512
	sumImpl = sumAVX512
	sumSquaresImpl = sumSquaresAVX512
}

// AVX2 + FMA assembly. The exported wrappers have checked that the slices have
// equal, non-zero lengths; the assembly reads the length of x only.

//go:noescape
func dotAVX2(x, y []float32) float32

//go:noescape
func axpyAVX2(alpha float32, x, y []float32)

//go:noescape
func scaleAVX2(alpha float32, x []float32)

//go:noescape
func addAVX2(dst, x, y []float32)

//go:noescape
func subAVX2(dst, x, y []float32)

//go:noescape
func mulAVX2(dst, x, y []float32)

//go:noescape
func reluAVX2(dst, x []float32)

//go:noescape
func reluBackwardAVX2(dst, dy, x []float32)

//go:noescape
func sumAVX2(x []float32) float32

//go:noescape
func sumSquaresAVX2(x []float32) float32

// AVX-512 assembly, same contract as the AVX2 versions.

//go:noescape
func dotAVX512(x, y []float32) float32

//go:noescape
func axpyAVX512(alpha float32, x, y []float32)

//go:noescape
func scaleAVX512(alpha float32, x []float32)

//go:noescape
func addAVX512(dst, x, y []float32)

//go:noescape
func subAVX512(dst, x, y []float32)

//go:noescape
func mulAVX512(dst, x, y []float32)

//go:noescape
func reluAVX512(dst, x []float32)

//go:noescape
func reluBackwardAVX512(dst, dy, x []float32)

//go:noescape
func sumAVX512(x []float32) float32

//go:noescape
func sumSquaresAVX512(x []float32) float32
