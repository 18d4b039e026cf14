package dsp_test

import (
	"fmt"

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
