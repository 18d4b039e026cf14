package tensor

import (
	"fmt"
	"testing"
)

// BenchmarkConvStride2 measures the tc-unet's 3×3 stride-2 pad-1 down
// convolution (implicit GEMM, conv_generic.go) next to the stride-1 pad-1
// convolution with the same FLOPs (same channels, the input the size of the
// strided one's output: the direct/Winograd kernels), for the forward and
// both gradients. Compare the GFLOP/s of the s2 and s1 lines of one run.
func BenchmarkConvStride2(b *testing.B) {
	for _, c := range []struct{ batch, ch, side int }{{16, 32, 32}, {16, 64, 16}, {1, 32, 32}, {1, 64, 16}} {
		for _, stride := range []int{2, 1} {
			side := c.side
			if stride == 1 {
				side /= 2
			}
			r := NewRNG(7)
			x, w := New(c.batch, c.ch, side, side), New(c.ch, c.ch, 3, 3)
			r.FillNormal(x.data, 0, 1)
			r.FillNormal(w.data, 0, 1)
			y, err := Conv2d(x, w, stride, 1)
			if err != nil {
				b.Fatal(err)
			}
			g := convGeomOf(x, w, stride)
			name := fmt.Sprintf("s%d/b%d_c%d_%dx%d", stride, c.batch, c.ch, side, side)
			for _, pass := range []string{"forward", "input", "weight"} {
				b.Run(pass+"/"+name, func(b *testing.B) {
					for b.Loop() {
						switch pass {
						case "forward":
							_, err = Conv2d(x, w, stride, 1)
						case "input":
							_, err = Conv2dBackwardInput(y, w, side, side, stride, 1)
						case "weight":
							_, err = Conv2dBackwardWeight(x, y, 3, 3, stride, 1)
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
}

func convGeomOf(x, w *Tensor, stride int) convGeom {
	g, _ := forwardGeom("bench", x, w, stride, 1)
	return g
}

// BenchmarkConvStride2DenseGEMM is the roofline of the implicit-GEMM
// forward of BenchmarkConvStride2: the same per-image product (Co × Ci·9
// times Ci·9 × Ho·Wo) with both operands already dense.
func BenchmarkConvStride2DenseGEMM(b *testing.B) {
	for _, c := range []struct{ batch, ch, out int }{{16, 32, 16}, {16, 64, 8}} {
		k, pix := c.ch*9, c.out*c.out
		w, cols := New(c.ch, k), New(k, pix)
		y := make([]float32, c.batch*c.ch*pix)
		b.Run(fmt.Sprintf("b%d_c%d_%dx%d", c.batch, c.ch, c.out, c.out), func(b *testing.B) {
			for b.Loop() {
				forEachImage(c.batch, func(i, threads int) {
					gemmPacked(c.ch, pix, k, 1, cachedA{denseA{data: w.data, ld: k}, w.data, useConvForward},
						denseB{data: cols.data, ld: pix}, 0, y[i*c.ch*pix:(i+1)*c.ch*pix], pix, threads)
				})
			}
			flops := 2 * float64(c.batch*c.ch*k*pix)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
