package simd

import "fmt"

// Rounding contract of the elementwise kernels: every arithmetic step is
// rounded to float32 on its own (no fused multiply-add), in the generic code
// and in the assembly alike. Elementwise results are therefore bit-identical
// across kernel sets and platforms, and HARMONIC_SIMD changes speed only.
// These kernels are bound by memory bandwidth, so the unfused multiply and add
// cost nothing measurable. Reductions (Dot, Sum, SumSquares) use FMA where it
// applies (the generic code lets the compiler fuse, which arm64 does) and a
// summation order per kernel set (generic: 4 partial sums; AVX2: 8 vectors of
// 8 lanes; AVX-512: 4 vectors of 16 lanes); kernel sets agree to rounding
// error only, but each is deterministic: same input, same bits.

// The function variables the exported kernels call. They start as the generic
// versions; on amd64 an onLevel hook repoints them when the level changes.
var (
	dotImpl          = dotGeneric
	axpyImpl         = axpyGeneric
	scaleImpl        = scaleGeneric
	addImpl          = addGeneric
	subImpl          = subGeneric
	mulImpl          = mulGeneric
	reluImpl         = reluGeneric
	reluBackwardImpl = reluBackwardGeneric
	sumImpl          = sumGeneric
	sumSquaresImpl   = sumSquaresGeneric
)

// useGenericElementwise points every elementwise kernel at its generic version.
func useGenericElementwise() {
	dotImpl = dotGeneric
	axpyImpl = axpyGeneric
	scaleImpl = scaleGeneric
	addImpl = addGeneric
	subImpl = subGeneric
	mulImpl = mulGeneric
	reluImpl = reluGeneric
	reluBackwardImpl = reluBackwardGeneric
	sumImpl = sumGeneric
	sumSquaresImpl = sumSquaresGeneric
}

// checkLen panics when two slices that must have equal length do not: a
// programmer error inside the engine, never a user-input error.
func checkLen(kernel, nameA string, a int, nameB string, b int) {
	if a != b {
		panic(fmt.Sprintf("simd.%s: len(%s)=%d but len(%s)=%d", kernel, nameA, a, nameB, b))
	}
}

// Dot returns the inner product of x and y.
func Dot(x, y []float32) float32 {
	checkLen("Dot", "x", len(x), "y", len(y))
	if len(x) == 0 {
		return 0
	}
	return dotImpl(x, y)
}

// Axpy computes y += alpha*x.
func Axpy(alpha float32, x, y []float32) {
	checkLen("Axpy", "x", len(x), "y", len(y))
	if len(x) == 0 {
		return
	}
	axpyImpl(alpha, x, y)
}

// Scale computes x *= alpha in place.
func Scale(alpha float32, x []float32) {
	if len(x) == 0 {
		return
	}
	scaleImpl(alpha, x)
}

// Add computes dst = x + y. dst may alias x or y.
func Add(dst, x, y []float32) {
	checkLen("Add", "x", len(x), "y", len(y))
	checkLen("Add", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	addImpl(dst, x, y)
}

// Sub computes dst = x - y. dst may alias x or y.
func Sub(dst, x, y []float32) {
	checkLen("Sub", "x", len(x), "y", len(y))
	checkLen("Sub", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	subImpl(dst, x, y)
}

// Mul computes dst = x * y elementwise. dst may alias x or y.
func Mul(dst, x, y []float32) {
	checkLen("Mul", "x", len(x), "y", len(y))
	checkLen("Mul", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	mulImpl(dst, x, y)
}

// ReLU computes dst = max(x, 0). NaN inputs give 0, as does -0. dst may alias x.
func ReLU(dst, x []float32) {
	checkLen("ReLU", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	reluImpl(dst, x)
}

// ReLUBackward computes dst = dy where x > 0 and 0 elsewhere (including where x
// is NaN): the gradient of ReLU at its input x. dst may alias dy or x.
func ReLUBackward(dst, dy, x []float32) {
	checkLen("ReLUBackward", "dy", len(dy), "x", len(x))
	checkLen("ReLUBackward", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	reluBackwardImpl(dst, dy, x)
}

// Sum returns the sum of the elements of x, accumulated in float32 with
// several partial sums (the order depends on the kernel set).
func Sum(x []float32) float32 {
	if len(x) == 0 {
		return 0
	}
	return sumImpl(x)
}

// SumSquares returns the sum of x[i]*x[i].
func SumSquares(x []float32) float32 {
	if len(x) == 0 {
		return 0
	}
	return sumSquaresImpl(x)
}
