package tensor

import (
	"fmt"
	"testing"
)

// BenchmarkConvTCUNetGeneric times the tc-unet's convolutions at batch 64 of
// 28×28 images, forward and both gradients (the study-B training step runs
// each once per step): the 1×1 skip convolutions and the 3×3 stride-2 down
// convolutions, which take the implicit-GEMM path, and the 3×3 stride-1
// layers of each level (Winograd forward and input gradient, the direct
// kernel's weight gradient). GFLOP/s count the direct convolution's
// multiply-adds.
func BenchmarkConvTCUNetGeneric(b *testing.B) {
	for _, c := range []struct{ ci, co, side, k, stride int }{
		{96, 32, 28, 1, 1}, {128, 64, 14, 1, 1}, {128, 64, 7, 1, 1}, {32, 64, 14, 1, 1},
		{32, 32, 28, 3, 2}, {64, 64, 14, 3, 2}, {32, 32, 28, 3, 1}, {96, 32, 28, 3, 1}, {64, 64, 14, 3, 1}, {64, 64, 7, 3, 1},
	} {
		r := NewRNG(7)
		x, w := New(64, c.ci, c.side, c.side), New(c.co, c.ci, c.k, c.k)
		r.FillNormal(x.data, 0, 1)
		r.FillNormal(w.data, 0, 1)
		pad := c.k / 2
		y, err := Conv2d(x, w, c.stride, pad)
		if err != nil {
			b.Fatal(err)
		}
		g, _ := forwardGeom("bench", x, w, c.stride, pad)
		name := fmt.Sprintf("%dx%d_s%d_%d-%d_%dx%d", c.k, c.k, c.stride, c.ci, c.co, c.side, c.side)
		for _, pass := range []string{"forward", "input", "weight"} {
			b.Run(pass+"/"+name, func(b *testing.B) {
				for b.Loop() {
					var err error
					switch pass {
					case "forward":
						_, err = Conv2d(x, w, c.stride, pad)
					case "input":
						_, err = Conv2dBackwardInput(y, w, c.side, c.side, c.stride, pad)
					case "weight":
						_, err = Conv2dBackwardWeight(x, y, c.k, c.k, c.stride, pad)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(g.flops()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
