package data

import (
	"math"
	"math/cmplx"
	"testing"
)

func naiveDFT(x []complex128, inverse bool) []complex128 {
	n := len(x)
	sign := -1.0
	if inverse {
		sign = 1
	}
	out := make([]complex128, n)
	for k := 0; k < n; k++ {
		var s complex128
		for j := 0; j < n; j++ {
			ang := sign * 2 * math.Pi * float64((k*j)%n) / float64(n)
			s += x[j] * complex(math.Cos(ang), math.Sin(ang))
		}
		out[k] = s
	}
	return out
}

func TestFFTMatchesNaiveDFT(t *testing.T) {
	r := newRNG(1)
	for n := 1; n <= 81; n++ {
		for _, inv := range []bool{false, true} {
			x := make([]complex128, n)
			for i := range x {
				x[i] = complex(r.normal(), r.normal())
			}
			want := naiveDFT(x, inv)
			got := append([]complex128(nil), x...)
			fft(got, inv)
			for k := range want {
				if cmplx.Abs(got[k]-want[k]) > 1e-9*float64(n) {
					t.Fatalf("n=%d inverse=%v bin %d: got %v want %v", n, inv, k, got[k], want[k])
				}
			}
		}
	}
}

func TestFFT2MatchesNaive(t *testing.T) {
	r := newRNG(2)
	h, w := 6, 10
	x := make([]complex128, h*w)
	for i := range x {
		x[i] = complex(r.normal(), 0)
	}
	got := append([]complex128(nil), x...)
	fft2(got, h, w, false)
	for ky := 0; ky < h; ky++ {
		for kx := 0; kx < w; kx++ {
			var s complex128
			for i := 0; i < h; i++ {
				for j := 0; j < w; j++ {
					ang := -2 * math.Pi * (float64(ky*i)/float64(h) + float64(kx*j)/float64(w))
					s += x[i*w+j] * complex(math.Cos(ang), math.Sin(ang))
				}
			}
			if cmplx.Abs(s-got[ky*w+kx]) > 1e-9 {
				t.Fatalf("bin (%d,%d): got %v want %v", ky, kx, got[ky*w+kx], s)
			}
		}
	}
	ifft2 := append([]complex128(nil), got...)
	fft2(ifft2, h, w, true)
	for i := range x {
		if cmplx.Abs(ifft2[i]/complex(float64(h*w), 0)-x[i]) > 1e-12 {
			t.Fatalf("round trip differs at %d", i)
		}
	}
}

func TestFreqIndex(t *testing.T) {
	// numpy.fft.fftfreq(5)*5 = [0 1 2 -2 -1]; fftfreq(4)*4 = [0 1 -2 -1]
	want5 := []int{0, 1, 2, -2, -1}
	want4 := []int{0, 1, -2, -1}
	for k, w := range want5 {
		if freqIndex(k, 5) != w {
			t.Fatalf("freqIndex(%d,5)=%d want %d", k, freqIndex(k, 5), w)
		}
	}
	for k, w := range want4 {
		if freqIndex(k, 4) != w {
			t.Fatalf("freqIndex(%d,4)=%d want %d", k, freqIndex(k, 4), w)
		}
	}
}
