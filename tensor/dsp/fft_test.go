package dsp

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/harmonic-go/harmonic/internal/gradcheck"
)

func TestFFTMatchesNaiveDFT(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 0))
	// 1..81 covers radix-2 and the cached matrix; above dftMatrixMax the
	// lengths take Bluestein (prime, even, odd) or the radix-2 path.
	lengths := []int{96, 97, 100, 128, 150, 257}
	for n := 1; n <= 81; n++ {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for _, inv := range []bool{false, true} {
			x := make([]complex128, n)
			for i := range x {
				x[i] = complex(r.NormFloat64(), r.NormFloat64())
			}
			want := gradcheck.DFTRef(x, inv)
			got := append([]complex128(nil), x...)
			FFT(got, inv)
			for k := range want {
				if cmplx.Abs(got[k]-want[k]) > 1e-9*float64(n) {
					t.Fatalf("n=%d inverse=%v bin %d: got %v want %v", n, inv, k, got[k], want[k])
				}
			}
		}
	}
}

func TestFFT2MatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 0))
	h, w := 6, 10
	x := make([]complex128, h*w)
	for i := range x {
		x[i] = complex(r.NormFloat64(), 0)
	}
	got := append([]complex128(nil), x...)
	FFT2(got, h, w, false)
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
	FFT2(ifft2, h, w, true)
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
		if FreqIndex(k, 5) != w {
			t.Fatalf("FreqIndex(%d,5)=%d want %d", k, FreqIndex(k, 5), w)
		}
	}
	for k, w := range want4 {
		if FreqIndex(k, 4) != w {
			t.Fatalf("FreqIndex(%d,4)=%d want %d", k, FreqIndex(k, 4), w)
		}
	}
}
