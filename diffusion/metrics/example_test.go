package metrics_test

import (
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/metrics"
)

// PSNR in dB of an estimate against a reference in [0, 1]: an error of 0.1
// at every pixel is an MSE of 0.01, 20 dB.
func ExamplePSNR() {
	x := []float32{0.25, 0.5, 0.75, 1}
	y := []float32{0.35, 0.4, 0.85, 0.9}
	p, err := metrics.PSNR(x, y)
	fmt.Printf("%.4f %v\n", p, err)

	_, err = metrics.PSNR(x, y[:3])
	fmt.Println(err != nil)
	// Output:
	// 20.0000 <nil>
	// true
}
