// Package simd holds the float32 kernels everything above it runs on.
//
// Every kernel has a pure-Go reference (the "generic" implementation, always
// compiled: tests and HARMONIC_SIMD=generic need it on every machine) and, on
// amd64 with the gc toolchain and without the purego tag, assembly versions for
// AVX2+FMA and AVX-512. The implementation is chosen once at start from cpuid
// and can be forced with Use or the HARMONIC_SIMD environment variable.
//
// Kernels are plain functions on slices. They do not allocate, and they panic
// on length mismatches: callers inside the engine must pass matching slices
// (a programmer error, not a user error).
package simd
