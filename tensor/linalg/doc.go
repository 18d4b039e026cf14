// Package linalg is harmonic's float64 linear algebra: a blocked float64
// GEMM, the dense symmetric eigensolver (blocked Householder
// tridiagonalization, divide-and-conquer, back-transformation), the
// tridiagonal eigensolvers and block Lanczos over a SymOperator. Work splits
// over internal/parallel's workers by independent outputs, so results are
// bit-identical for any worker count.
package linalg
