package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// convShape is a benchmark geometry: input [b,c,h,h], weight [co,c,3,3], pad 1.
type convShape struct{ b, c, co, h int }

func (s convShape) flops() float64 { return 2 * float64(s.b*s.co*s.c*9*s.h*s.h) }

func randTensor(r *rand.Rand, shape ...int) *tensor.Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(r.NormFloat64())
	}
	t, err := tensor.FromSlice(data, shape...)
	if err != nil {
		panic(err)
	}
	return t
}

var convBenchShapes = []convShape{
	{16, 64, 64, 40}, // the torch_reference.py workload
	{64, 64, 64, 20},
	{16, 128, 128, 20},
	{16, 256, 256, 10},
	{1, 64, 64, 40},
	{1, 128, 64, 40},
	{1, 128, 128, 20},
}

// withThreads runs f with the Winograd path on (the default) and off (the
// direct kernel), at 1 and 2 threads. GFLOP/s count the direct algorithm's
// FLOPs, so with Winograd they are an effective rate.
func withThreads(b *testing.B, f func(b *testing.B)) {
	defer tensor.SetThreads(tensor.Threads())
	defer tensor.SetWinograd(tensor.SetWinograd(true))
	for _, wino := range []bool{true, false} {
		tensor.SetWinograd(wino)
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("winograd=%v/threads=%d", wino, th), func(b *testing.B) {
				tensor.SetThreads(th)
				f(b)
			})
		}
	}
}

// BenchmarkConv3x3Forward reports GFLOP/s of y = conv(x, w), 3×3, pad 1.
func BenchmarkConv3x3Forward(b *testing.B) {
	for _, s := range convBenchShapes {
		r := rand.New(rand.NewPCG(1, 1))
		x, w := randTensor(r, s.b, s.c, s.h, s.h), randTensor(r, s.co, s.c, 3, 3)
		y := tensor.New(s.b, s.co, s.h, s.h)
		b.Run(fmt.Sprintf("x=[%d,%d,%d,%d]/co=%d", s.b, s.c, s.h, s.h, s.co), func(b *testing.B) {
			withThreads(b, func(b *testing.B) {
				for b.Loop() {
					if err := tensor.Conv2dInto(y, x, w, 1, 1); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(s.flops()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		})
	}
}

// BenchmarkConv3x3ForwardBackward times forward + input gradient + weight
// gradient (what torch_reference.py's conv_fb does); GFLOP/s counts 3 convs.
func BenchmarkConv3x3ForwardBackward(b *testing.B) {
	for _, s := range convBenchShapes {
		r := rand.New(rand.NewPCG(1, 1))
		x, w := randTensor(r, s.b, s.c, s.h, s.h), randTensor(r, s.co, s.c, 3, 3)
		y := tensor.New(s.b, s.co, s.h, s.h)
		dy := randTensor(r, s.b, s.co, s.h, s.h)
		b.Run(fmt.Sprintf("x=[%d,%d,%d,%d]/co=%d", s.b, s.c, s.h, s.h, s.co), func(b *testing.B) {
			withThreads(b, func(b *testing.B) {
				for b.Loop() {
					if err := tensor.Conv2dInto(y, x, w, 1, 1); err != nil {
						b.Fatal(err)
					}
					if _, err := tensor.Conv2dBackwardInput(dy, w, s.h, s.h, 1, 1); err != nil {
						b.Fatal(err)
					}
					if _, err := tensor.Conv2dBackwardWeight(x, dy, 3, 3, 1, 1); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(3*s.flops()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		})
	}
}

// BenchmarkConvTranspose2x2 times the U-Net's upsampling, [16,128,20,20] →
// [16,64,40,40]: forward, and forward + both gradients (GFLOP/s counts 3 GEMMs).
func BenchmarkConvTranspose2x2(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, w := randTensor(r, 16, 128, 20, 20), randTensor(r, 128, 64, 2, 2)
	dy := randTensor(r, 16, 64, 40, 40)
	flops := 2.0 * 16 * 128 * 64 * 4 * 20 * 20
	b.Run("forward", func(b *testing.B) {
		withThreads(b, func(b *testing.B) {
			for b.Loop() {
				if _, err := tensor.ConvTranspose2x2(x, w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	})
	b.Run("forward+backward", func(b *testing.B) {
		withThreads(b, func(b *testing.B) {
			for b.Loop() {
				if _, err := tensor.ConvTranspose2x2(x, w); err != nil {
					b.Fatal(err)
				}
				if _, err := tensor.ConvTranspose2x2BackwardInput(dy, w); err != nil {
					b.Fatal(err)
				}
				if _, err := tensor.ConvTranspose2x2BackwardWeight(x, dy); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(3*flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	})
}

// naiveConv3x3 is the textbook loop nest, the baseline the engine is measured against.
func naiveConv3x3(y, x, w []float32, bs, ci, co, h int) {
	for b := 0; b < bs; b++ {
		for o := 0; o < co; o++ {
			for oy := 0; oy < h; oy++ {
				for ox := 0; ox < h; ox++ {
					var s float32
					for c := 0; c < ci; c++ {
						for ky := 0; ky < 3; ky++ {
							for kx := 0; kx < 3; kx++ {
								iy, ix := oy+ky-1, ox+kx-1
								if iy >= 0 && iy < h && ix >= 0 && ix < h {
									s += x[((b*ci+c)*h+iy)*h+ix] * w[((o*ci+c)*3+ky)*3+kx]
								}
							}
						}
					}
					y[((b*co+o)*h+oy)*h+ox] = s
				}
			}
		}
	}
}

// BenchmarkConv3x3Naive runs the naive loop and the engine on one small shape.
func BenchmarkConv3x3Naive(b *testing.B) {
	s := convShape{2, 32, 32, 20}
	r := rand.New(rand.NewPCG(1, 1))
	x, w := randTensor(r, s.b, s.c, s.h, s.h), randTensor(r, s.co, s.c, 3, 3)
	y := tensor.New(s.b, s.co, s.h, s.h)
	b.Run("naive", func(b *testing.B) {
		for b.Loop() {
			naiveConv3x3(y.Data(), x.Data(), w.Data(), s.b, s.c, s.co, s.h)
		}
		b.ReportMetric(s.flops()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("engine/threads=1", func(b *testing.B) {
		defer tensor.SetThreads(tensor.Threads())
		tensor.SetThreads(1)
		for b.Loop() {
			if err := tensor.Conv2dInto(y, x, w, 1, 1); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(s.flops()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}
