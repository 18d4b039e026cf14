package linalg_test

import (
	"fmt"

	"github.com/harmonic-go/harmonic/tensor/linalg"
)

func ExampleEigSym() {
	// [[2 1] [1 2]] has eigenvalues 1 and 3.
	values, _, err := linalg.EigSym([]float64{2, 1, 1, 2}, 2)
	fmt.Printf("%.6f %v\n", values, err)
	// Output: [1.000000 3.000000] <nil>
}
