package bench

import (
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/linalg"
)

// The covariance of study B's statistics as analytic_reference.py times it
// (mean, centre, XcᵀXc/(N−1) of 60000×784 uniform values): ours reads the
// float32 images and streams float64 blocks.
var _ = register(Workload{Name: "covariance 60000x784 float64", Prepare: func() (func(), error) {
	const n, d = 60000, 784
	x := make([]float32, n*d)
	tensor.NewRNG(0).FillUniform(x, 0, 1)
	return func() { _, _, err := linalg.Covariance(x, n, d); must(err) }, nil
}})
