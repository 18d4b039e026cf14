package heat_test

import (
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/tensor"
)

// Blurring one bright pixel along MNIST's schedule (K = 100, σ_max = 20):
// the peak spreads out while the image's mean stays 1/784. (The values
// agree with scipy's idctn(dctn(x)·exp(−λt)) in analytic_reference.py.)
func ExampleBlur() {
	s, _ := heat.NewSchedule(100, 20)
	x := tensor.New(1, 1, 28, 28)
	x.Set(1, 0, 0, 14, 14)
	for _, k := range []int{0, 1, 50, 100} {
		u, _ := heat.Blur(x, s.Time(k))
		var sum float64
		for _, v := range u.Data() {
			sum += float64(v)
		}
		fmt.Printf("level %3d: σ_B %6.3f, peak %.4f, mean×784 %.4f\n", k, s.Sigma(k), u.At(0, 0, 14, 14), sum)
	}
	// Output:
	// level   0: σ_B  0.000, peak 1.0000, mean×784 1.0000
	// level   1: σ_B  0.500, peak 0.4974, mean×784 1.0000
	// level  50: σ_B  3.104, peak 0.0165, mean×784 1.0000
	// level 100: σ_B 20.000, peak 0.0013, mean×784 1.0000
}
