package analytic_test

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/tensor"
)

// The optimal denoiser of two training images, at low noise, returns the
// training image nearer to x_t/√ᾱ.
func Example() {
	train, _ := tensor.FromSlice([]float32{
		-1, -1, 1, 1, // image 0
		1, 1, -1, -1, // image 1
	}, 2, 1, 2, 2)
	opt, err := analytic.NewOptimal(train)
	if err != nil {
		panic(err)
	}
	xt, _ := tensor.FromSlice([]float32{-0.8, -0.9, 0.7, 1.0}, 1, 1, 2, 2)
	x0, err := opt.PredictVP(context.Background(), xt, 0.99)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3f\n", x0.Data())
	// Output: [-1.000 -1.000 1.000 1.000]
}
