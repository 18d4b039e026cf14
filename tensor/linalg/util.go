package linalg

import (
	"fmt"
	"math"
)

// Small float64 kernels and helpers shared by the symmetric eigensolvers and
// Lanczos. Their "la" prefix dates from when they lived in package tensor,
// beside float32 names they would have collided with.

// laEps is the unit roundoff of float64 (2^-53), LAPACK's dlamch('E').
const laEps = 0x1p-53

// laSafeMin is the smallest normal float64, LAPACK's dlamch('S').
const laSafeMin = 0x1p-1022

// laDot returns Σ x[i]·y[i]. Four partial sums give the CPU independent add
// chains; the summation order is fixed, so the result is reproducible.
func laDot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
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

// laAxpy computes y += alpha·x.
func laAxpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// laNorm returns the Euclidean norm of x, scaled like LAPACK's dnrm2 so that
// neither tiny nor huge entries underflow or overflow in the squares.
func laNorm(x []float64) float64 {
	scale := 0.0
	for _, v := range x {
		if a := math.Abs(v); a > scale {
			scale = a
		}
	}
	if scale == 0 || math.IsInf(scale, 0) || math.IsNaN(scale) {
		return scale
	}
	if scale > 0x1p-500 && scale < 0x1p500 {
		return math.Sqrt(laDot(x, x))
	}
	inv := 1 / scale
	s := 0.0
	for _, v := range x {
		t := v * inv
		s += t * t
	}
	return scale * math.Sqrt(s)
}

// laCheckFinite reports the first NaN or Inf in x, naming the caller.
func laCheckFinite(what string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: non-finite value %v at index %d", what, v, i)
		}
	}
	return nil
}

// laMaxAbs returns max |x[i]| (0 for an empty slice).
func laMaxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		if a := math.Abs(v); a > m {
			m = a
		}
	}
	return m
}

// laPow2Scale returns a power of two s such that m·s lies in [0.5, 1), or 1
// when m is 0. Scaling by a power of two is exact, so the eigensolvers can
// work on a unit-sized matrix (far from overflow and underflow thresholds)
// and undo the scaling without any rounding.
func laPow2Scale(m float64) float64 {
	if m == 0 {
		return 1
	}
	_, exp := math.Frexp(m) // m = frac·2^exp, frac in [0.5, 1)
	return math.Ldexp(1, -exp)
}
