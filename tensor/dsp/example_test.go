package dsp_test

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/dsp"
)

func ExampleFFT() {
	x := []complex128{1, 0, 0, 0}
	dsp.FFT(x, false)
	fmt.Println(x)
	dsp.IFFT(x)
	fmt.Println(x)
	// Output:
	// [(1+0i) (1+0i) (1+0i) (1+0i)]
	// [(1+0i) (0+0i) (0+0i) (0+0i)]
}

// The orthonormal 2-D DCT-II basis of a 4×4 grid, lowest frequencies first:
// an image that varies like the first row frequency has one coefficient.
func ExampleDCT2Basis() {
	const n = 4
	basis := dsp.DCT2Basis(n, 3) // (p,q) = (0,1), (1,0), (0,2); (0,0) skipped
	img := make([]float64, n*n)
	for i := range n {
		for j := range n {
			// 3 times basis image (1, 0): a cosine down the rows.
			img[i*n+j] = 3 * dsp.DCTScale(1, n) * dsp.DCTScale(0, n) * math.Cos(math.Pi*float64(2*i+1)/(2*n))
		}
	}
	for k, b := range basis {
		var coef, norm float64
		for i, v := range b {
			coef += float64(v) * img[i]
			norm += float64(v) * float64(v)
		}
		fmt.Printf("basis %d: norm %.4f, coefficient %.4f\n", k, round4(norm), round4(coef))
	}
	// Output:
	// basis 0: norm 1.0000, coefficient 0.0000
	// basis 1: norm 1.0000, coefficient 3.0000
	// basis 2: norm 1.0000, coefficient 0.0000
}

// round4 rounds to 4 decimals and turns −0 into 0, so that a residual of
// either sign prints the same on every platform.
func round4(x float64) float64 { return math.Round(x*1e4)/1e4 + 0 }

// A 2-D plane wave with 1 cycle down and 3 across an 8×8 grid lands in one
// bin of FFT2; FreqIndex reads bin 7 as frequency −1 and bin 3 as +3.
func ExampleFFT2() {
	const h, w = 8, 8
	x := make([]complex128, h*w)
	for i := range h {
		for j := range w {
			phase := 2 * math.Pi * (-1*float64(i)/h + 3*float64(j)/w)
			x[i*w+j] = cmplx.Exp(complex(0, phase))
		}
	}
	dsp.FFT2(x, h, w, false)
	for k, v := range x {
		if cmplx.Abs(v) > 1e-9 {
			fmt.Printf("bin (%d,%d) frequency (%d,%d) magnitude %.4f\n",
				k/w, k%w, dsp.FreqIndex(k/w, h), dsp.FreqIndex(k%w, w), cmplx.Abs(v))
		}
	}
	// Output: bin (7,3) frequency (-1,3) magnitude 64.0000
}

// The 2-D DCT-II of a batch of one 4×4 constant image has a single
// coefficient, the DC one, of size 4·value (orthonormal: √(16)·value); IDCT2
// brings the image back.
func ExampleDCT2() {
	x := tensor.Full(0.5, 1, 1, 4, 4)
	c, _ := dsp.DCT2(x)
	fmt.Printf("DC %.4f, coefficient (0,1) %.4f, (2,3) %.4f\n", c.At(0, 0, 0, 0), round4(float64(c.At(0, 0, 0, 1))), round4(float64(c.At(0, 0, 2, 3))))
	back, _ := dsp.IDCT2(c)
	fmt.Printf("back: %.4f %.4f\n", back.At(0, 0, 0, 0), back.At(0, 0, 3, 2))
	// Output:
	// DC 2.0000, coefficient (0,1) 0.0000, (2,3) 0.0000
	// back: 0.5000 0.5000
}
