package simd

import "math"

// Generic (pure Go) reference kernels. They are always compiled: the tests
// compare every assembly version against them, and HARMONIC_SIMD=generic and
// non-amd64 builds run them. Lengths were checked by the exported wrappers.
//
// The explicit float32(...) conversions around products forbid the compiler
// from fusing a multiply and an add into one FMA (the Go spec allows fusion
// otherwise, and arm64 does it): the assembly rounds the product separately
// too, so the results match bit for bit on every platform.

func dotGeneric(x, y []float32) float32 {
	// Four partial sums, like the assembly, to keep the error growth and the
	// speed of this fallback reasonable.
	var s0, s1, s2, s3 float32
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func axpyGeneric(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += float32(alpha * v)
	}
}

func scaleGeneric(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

func addGeneric(dst, x, y []float32) {
	y = y[:len(x)]
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v + y[i]
	}
}

func subGeneric(dst, x, y []float32) {
	y = y[:len(x)]
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v - y[i]
	}
}

func mulGeneric(dst, x, y []float32) {
	y = y[:len(x)]
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v * y[i]
	}
}

// positiveMask is all ones when the float32 with bits b is > 0 (positive,
// non-zero, not NaN: bits in [1, 0x7f800000]) and zero otherwise. The ReLU
// kernels select with it instead of branching: on real activations the sign is
// random and a branch mispredicts half the time (10x slower on random data).
func positiveMask(b uint32) uint32 {
	var m uint32
	if b-1 < 0x7f800000 { // compiled to a flag-setting compare, no branch
		m = ^uint32(0)
	}
	return m
}

func reluGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		b := math.Float32bits(v)
		dst[i] = math.Float32frombits(b & positiveMask(b))
	}
}

func reluBackwardGeneric(dst, dy, x []float32) {
	dy = dy[:len(x)]
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = math.Float32frombits(math.Float32bits(dy[i]) & positiveMask(math.Float32bits(v)))
	}
}

func sumGeneric(x []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func sumSquaresGeneric(x []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * x[i]
		s1 += x[i+1] * x[i+1]
		s2 += x[i+2] * x[i+2]
		s3 += x[i+3] * x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * x[i]
	}
	return (s0 + s1) + (s2 + s3)
}
