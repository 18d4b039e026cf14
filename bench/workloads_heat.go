package bench

import (
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/tensor"
)

// Study C's forward process, as analytic_reference.py bench times it: the
// heat blur at t = 3 of uniform [0,1) images, MNIST-sized and AFHQ-64-sized
// batches. The reference (scipy dctn → exp → idctn) runs in float64 on
// float64 arrays; harmonic blurs float32 images, its data type, to float32
// precision (the parity test: ≤ 1e-5 of max|x|, about 4e-7 in practice).

func heatBlurWorkload(b, c, side int) Workload {
	return Workload{Name: fmt.Sprintf("heat blur %dx%dx%dx%d", b, c, side, side), Prepare: func() (func(), error) {
		x := tensor.New(b, c, side, side)
		tensor.NewRNG(0).FillUniform(x.Data(), 0, 1)
		return func() {
			u, err := heat.Blur(x, 3)
			must(err)
			tensor.Recycle(u)
		}, nil
	}}
}

var (
	_ = register(heatBlurWorkload(128, 1, 28))
	_ = register(heatBlurWorkload(64, 3, 64))
)
