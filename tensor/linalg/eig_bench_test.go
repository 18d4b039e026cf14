package linalg

import (
	"fmt"
	"testing"

	"github.com/harmonic-go/harmonic/internal/parallel"
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

// BenchmarkEigPhases times the three phases of EigSym separately on the
// bench matrix, on one and two workers: the reduction, divide and conquer,
// and applying Q.
func BenchmarkEigPhases(b *testing.B) {
	defer parallel.SetWorkers(parallel.Workers())
	for _, n := range []int{784, 1600} {
		a := laBenchMatrix(n)
		work := append([]float64(nil), a...)
		d, e, tau := eigTridiagonalize(work, n)
		dd := append([]float64(nil), d...)
		z0, err := tridiagDC(dd, e)
		if err != nil {
			b.Fatal(err)
		}
		for _, workers := range []int{1, 2} {
			parallel.SetWorkers(workers)
			b.Run(fmt.Sprintf("n=%d/tridiagonalize/workers=%d", n, workers), func(b *testing.B) {
				w := make([]float64, n*n)
				for i := 0; i < b.N; i++ {
					copy(w, a)
					eigTridiagonalize(w, n)
				}
			})
			b.Run(fmt.Sprintf("n=%d/divide-conquer/workers=%d", n, workers), func(b *testing.B) {
				dd := make([]float64, n)
				for i := 0; i < b.N; i++ {
					copy(dd, d)
					if _, err := tridiagDC(dd, e); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprintf("n=%d/apply-q/workers=%d", n, workers), func(b *testing.B) {
				z := make([]float64, n*n)
				for i := 0; i < b.N; i++ {
					copy(z, z0)
					eigApplyQ(work, n, tau, z)
				}
			})
		}
	}
}
