package dsp

import (
	"math"
	"math/bits"
	"sync"
)

// FFT computes the unnormalized discrete Fourier transform
// X[k] = Σ_n x[n]·exp(∓2πi·kn/N) in place (minus sign for the forward
// transform, plus for inverse; inverse does NOT divide by N). Any length works:
// powers of two use an iterative radix-2 transform, other lengths Bluestein's
// chirp-z reduction to a power-of-two circular convolution. Everything is
// complex128: the generators filter spectra by |k|^-α, where float32 rounding
// would show at high frequencies for large α.
func FFT(x []complex128, inverse bool) {
	n := len(x)
	if n <= 1 {
		return
	}
	if n&(n-1) == 0 {
		fftPow2(x, inverse)
		return
	}
	if n <= dftMatrixMax {
		dftMatrix(x, inverse)
		return
	}
	bluestein(x, inverse)
}

// dftMatrixMax is the largest length transformed by a cached n×n matrix of
// twiddles: for the generators' n ≤ 80 the O(n²) product beats Bluestein's
// three power-of-two transforms of length ≥ 2n and allocates nothing.
const dftMatrixMax = 96

var dftCache sync.Map // key n (negated for inverse) → []complex128, n×n

func dftTwiddles(n int, inverse bool) []complex128 {
	key := n
	if inverse {
		key = -n
	}
	if m, ok := dftCache.Load(key); ok {
		return m.([]complex128)
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	m := make([]complex128, n*n)
	for k := 0; k < n; k++ {
		for j := 0; j < n; j++ {
			// kj mod n keeps the angle exact in [0, 2π).
			ang := sign * 2 * math.Pi * float64((k*j)%n) / float64(n)
			m[k*n+j] = complex(math.Cos(ang), math.Sin(ang))
		}
	}
	dftCache.Store(key, m)
	return m
}

func dftMatrix(x []complex128, inverse bool) {
	n := len(x)
	m := dftTwiddles(n, inverse)
	var buf [dftMatrixMax]complex128
	in := buf[:n]
	copy(in, x)
	for k := 0; k < n; k++ {
		row := m[k*n : (k+1)*n]
		var s complex128
		for j, v := range in {
			s += row[j] * v
		}
		x[k] = s
	}
}

// IFFT is the inverse DFT with the 1/N factor (numpy's ifft), in place.
func IFFT(x []complex128) {
	FFT(x, true)
	s := 1 / float64(len(x))
	for i := range x {
		x[i] *= complex(s, 0)
	}
}

func fftPow2(x []complex128, inverse bool) {
	n := len(x)
	shift := 64 - bits.TrailingZeros(uint(n))
	for i := range x {
		j := int(bits.Reverse64(uint64(i)) >> shift)
		if j > i {
			x[i], x[j] = x[j], x[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for size := 2; size <= n; size <<= 1 {
		half := size / 2
		// Twiddles from sin/cos of each index (not a running product) so the
		// error does not grow with the transform length.
		for k := 0; k < half; k++ {
			ang := sign * 2 * math.Pi * float64(k) / float64(size)
			w := complex(math.Cos(ang), math.Sin(ang))
			for start := 0; start < n; start += size {
				a := x[start+k]
				b := x[start+k+half] * w
				x[start+k] = a + b
				x[start+k+half] = a - b
			}
		}
	}
}

// bluestein rewrites kn = (k² + n² − (k−n)²)/2 so the DFT becomes a
// convolution with the chirp exp(±iπm²/N), done with power-of-two FFTs.
func bluestein(x []complex128, inverse bool) {
	n := len(x)
	m := 1
	for m < 2*n-1 {
		m <<= 1
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	chirp := make([]complex128, n)
	for k := range chirp {
		// k² mod 2N keeps the angle small and exact for large k.
		k2 := (k * k) % (2 * n)
		ang := sign * math.Pi * float64(k2) / float64(n)
		chirp[k] = complex(math.Cos(ang), math.Sin(ang))
	}
	a := make([]complex128, m)
	b := make([]complex128, m)
	for k := 0; k < n; k++ {
		a[k] = x[k] * chirp[k]
	}
	b[0] = conj(chirp[0])
	for k := 1; k < n; k++ {
		b[k] = conj(chirp[k])
		b[m-k] = conj(chirp[k])
	}
	fftPow2(a, false)
	fftPow2(b, false)
	for i := range a {
		a[i] *= b[i]
	}
	fftPow2(a, true)
	s := complex(1/float64(m), 0)
	for k := 0; k < n; k++ {
		x[k] = a[k] * s * chirp[k]
	}
}

func conj(c complex128) complex128 { return complex(real(c), -imag(c)) }

// FFT2 transforms an h×w row-major array in place, unnormalized like FFT:
// rows, then columns.
func FFT2(x []complex128, h, w int, inverse bool) {
	for i := 0; i < h; i++ {
		FFT(x[i*w:(i+1)*w], inverse)
	}
	var buf [dftMatrixMax]complex128
	col := buf[:0]
	if h <= dftMatrixMax {
		col = buf[:h]
	} else {
		col = make([]complex128, h)
	}
	for j := 0; j < w; j++ {
		for i := 0; i < h; i++ {
			col[i] = x[i*w+j]
		}
		FFT(col, inverse)
		for i := 0; i < h; i++ {
			x[i*w+j] = col[i]
		}
	}
}

// FreqIndex is numpy's fftfreq(n)*n: the signed integer frequency of bin k.
func FreqIndex(k, n int) int {
	if k <= (n-1)/2 {
		return k
	}
	return k - n
}
