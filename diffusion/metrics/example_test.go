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

// The Fréchet distance between a set of points and the same set shifted by
// (3, 4): the covariances are equal, so it is the squared shift, 25.
func ExampleFrechetDistance() {
	a := []float32{0, 0, 1, 0, 0, 2, 1, 1}
	b := []float32{3, 4, 4, 4, 3, 6, 4, 5}
	fd, err := metrics.FrechetDistance(a, b, 2)
	fmt.Printf("%.6f %v\n", fd, err)
	// Output: 25.000000 <nil>
}

// Novelty of two samples against four training images one unit apart: a
// copy has ratio 0, a point half-way between two images ratio 0.5.
func ExampleSampleNovelty() {
	train := []float32{0, 1, 2, 3}
	nov, err := metrics.SampleNovelty([]float32{2, 0.5}, train, 1, metrics.NoveltyOptions{})
	fmt.Println(nov.Ratio, nov.NearestIndex, err)
	// Output: [0 0.5] [2 0] <nil>
}
