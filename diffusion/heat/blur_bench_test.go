package heat

import (
	"fmt"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/dsp"
)

// BenchmarkBlur times the blur of the bench rows' batches (harmonic bench
// "heat blur ..."), with GFLOP/s counted as the two GEMM passes' 2·n·side³;
// naive-float64 is the same two passes as plain float64 loops
// (dsp.Separable64), for scale.
func BenchmarkBlur(b *testing.B) {
	for _, s := range [][3]int{{128, 1, 28}, {64, 3, 64}} {
		x := tensor.New(s[0], s[1], s[2], s[2])
		tensor.NewRNG(0).FillUniform(x.Data(), 0, 1)
		n, side := s[0]*s[1], s[2]
		flops := 2 * 2 * float64(n) * float64(side*side*side)
		name := fmt.Sprintf("%dx%dx%dx%d", s[0], s[1], side, side)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				u, err := Blur(x, 3)
				if err != nil {
					b.Fatal(err)
				}
				tensor.Recycle(u)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(name+"/naive-float64", func(b *testing.B) {
			x64 := make([]float64, x.Numel())
			for i, v := range x.Data() {
				x64[i] = float64(v)
			}
			a := AxisOperator64(side, 3)
			for b.Loop() {
				if _, err := dsp.Separable64(x64, n, side, side, a, a); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
