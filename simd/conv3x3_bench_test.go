package simd

import (
	"fmt"
	"testing"
)

// BenchmarkConv3x3Kernels measures the raw kernels on one cache-resident
// 40×40 image with 64 channels (grid row 42), per kernel set.
func BenchmarkConv3x3Kernels(b *testing.B) {
	prev := Current()
	defer Use(string(prev))
	const ci, wp, hp = 64, 42, 42
	x := make([]float32, ci*wp*hp+128)
	for i := range x {
		x[i] = float32(i%7) * 0.25
	}
	for _, l := range Available() {
		if err := Use(string(l)); err != nil {
			b.Fatal(err)
		}
		co, px := Conv3x3Tile()
		w := make([]float32, ci*9*co)
		ntiles := 40 * wp / px
		y := make([]float32, co*ntiles*px)
		b.Run(fmt.Sprintf("forward/%s", l), func(b *testing.B) {
			for b.Loop() {
				Conv3x3Tiles(w, x, y, ci, wp*hp, wp, ntiles*px, ntiles)
			}
			b.ReportMetric(2*float64(co*ci*9*ntiles*px)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		lanes := Conv3x3Lanes()
		nvec := 40 * wp / lanes
		dy := make([]float32, 4*nvec*lanes)
		acc := make([]float32, 12)
		b.Run(fmt.Sprintf("wgrad/%s", l), func(b *testing.B) {
			for b.Loop() {
				for c := 0; c < ci; c++ {
					Conv3x3WeightGrad(dy, x[c*wp*hp:], acc, nvec*lanes, 3, nvec)
				}
			}
			b.ReportMetric(2*float64(12*ci*nvec*lanes)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
