package denoise_test

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

// A denoiser from a function: shrink every pixel halfway to 0.5 (an
// estimate that ignores σ), used on a batch of two images.
func ExampleFunc() {
	shrink := denoise.Func{R: denoise.Unit, F: func(_ context.Context, y *tensor.Tensor, _ []float64) (*tensor.Tensor, error) {
		out := tensor.New(y.Shape()...)
		for i, v := range y.Data() {
			out.Data()[i] = 0.5 + (v-0.5)/2
		}
		return out, nil
	}}
	y, _ := tensor.FromSlice([]float32{0, 1, 0.5, 0.9}, 2, 1, 1, 2)
	x, err := shrink.Denoise(context.Background(), y, denoise.Same(0.1, 2))
	fmt.Println(x.Data(), err)
	// A denoiser working in [−1,1] sees 2y−1 and 2σ; In converts for it.
	signed, _ := denoise.In(denoise.Signed, shrink)
	ys, _, _ := denoise.Convert(y, nil, denoise.Unit, denoise.Signed)
	xs, _ := signed.Denoise(context.Background(), ys, denoise.Same(0.2, 2))
	fmt.Printf("%.3g\n", xs.Data())
	// Output:
	// [0.25 0.75 0.5 0.7] <nil>
	// [-0.5 0.5 0 0.4]
}
