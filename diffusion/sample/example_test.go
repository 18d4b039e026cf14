package sample_test

import (
	"context"
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/tensor"
)

// Algorithm 1 with a toy denoiser that shrinks every pixel halfway toward
// grey (0.5): the chains converge onto the flat grey image.
func ExampleRun() {
	grey := denoise.Func{R: denoise.Unit, F: func(_ context.Context, y *tensor.Tensor, _ []float64) (*tensor.Tensor, error) {
		f := y.Clone()
		for i, v := range f.Data() {
			f.Data()[i] = 0.5 + (v-0.5)/2
		}
		return f, nil
	}}
	opt := sample.Defaults()
	opt.Seed, opt.Mean = 1, 0.5
	res, err := sample.Run(context.Background(), grey, 4, 8, 8, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Samples.Shape(), res.NumConverged(), "of 4 converged")
	// f(y) − grey = −(f(y) − y), so each returned sample is within σ∞ of
	// grey in RMS: the stopping rule σ_t < σ∞.
	for i := range 4 {
		img := res.Samples.Data()[i*64 : (i+1)*64]
		var ss float64
		for _, v := range img {
			ss += float64(v-0.5) * float64(v-0.5)
		}
		fmt.Println(math.Sqrt(ss/64) < opt.SigmaInf)
	}
	// Output:
	// [4 1 8 8] 4 of 4 converged
	// true
	// true
	// true
	// true
}
