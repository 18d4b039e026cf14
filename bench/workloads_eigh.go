package bench

import (
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/linalg"
)

// The symmetric eigendecompositions (values and vectors) of study B's data
// covariances, at the sizes of MNIST (784), a 40×40 image (1600) and a 32×32
// RGB image (3072), on the matrix analytic_reference.py passes to
// np.linalg.eigh: (R+Rᵀ)/2 with R standard normal, which gives the solver no
// structure (clusters, deflation) to exploit.
var (
	_ = registerEigh(784)
	_ = registerEigh(1600)
	_ = registerEigh(3072)
)

func registerEigh(n int) struct{} {
	return register(Workload{Name: fmt.Sprintf("eigh %d float64", n), Prepare: func() (func(), error) {
		rng := tensor.NewRNG(uint64(n))
		r := make([]float64, n*n)
		for i := range r {
			r[i] = rng.Normal()
		}
		a := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				a[i*n+j] = (r[i*n+j] + r[j*n+i]) / 2
			}
		}
		return func() { _, _, err := linalg.EigSym(a, n); must(err) }, nil
	}})
}
