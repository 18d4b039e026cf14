// Package dsp holds harmonic's signal transforms: the FFT in complex128 (any
// length; radix-2, a cached DFT matrix for short lengths, Bluestein
// otherwise), the orthonormal DCT-II and its inverse on [B,C,H,W] batches
// (float32, as two GEMM passes of Separable; float64 loops for references),
// and the 2-D DCT-II basis images used to compare images. Every DCT is
// built from one matrix, DCTMatrix.
package dsp
