package linalg

import (
	"fmt"
	"testing"
)

// laBenchMatrix is a dense symmetric n×n matrix with Gaussian entries (a
// Wigner matrix): no structure for the solvers to exploit, so QL needs its
// typical number of sweeps.
func laBenchMatrix(n int) []float64 {
	r := laTestRNG(uint64(n))
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := r.NormFloat64()
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	return a
}

func BenchmarkEigSym(b *testing.B) {
	for _, n := range []int{400, 784, 1600, 4096} {
		a := laBenchMatrix(n)
		b.Run(fmt.Sprintf("n=%d/vectors", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, _, err := EigSym(a, n); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/values", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := EigSymValues(a, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
