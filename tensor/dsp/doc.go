// Package dsp holds harmonic's signal transforms in float64: the FFT (any
// length; radix-2, a cached DFT matrix for short lengths, Bluestein
// otherwise) and the orthonormal DCT-II basis used to compare images.
package dsp
