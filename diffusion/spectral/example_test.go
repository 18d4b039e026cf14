package spectral_test

import (
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/spectral"
)

// The analyses take any denoise.Linear; here an explicit 3×3 Jacobian. Full
// recovers it from JVPs with the unit vectors, Trace is the effective
// dimension tr∇f, DenseEigen diagonalizes the symmetric part (J+Jᵀ)/2 and
// Asymmetry is ‖J−Jᵀ‖_F/‖J‖_F.
func ExampleFull() {
	lin := &spectral.Matrix{N: 3, A: []float64{
		0.5, 0.25, 0,
		0.25, 0.5, 0,
		0, 0, 0.125,
	}}
	J, err := spectral.Full(lin, 2) // two JVPs at a time
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("J %.4f\n", J)
	fmt.Printf("trace %.4f, asymmetry %.4f\n", spectral.Trace(J, 3), spectral.Asymmetry(J, 3))
	eig, err := spectral.DenseEigen(J, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("eigenvalues %.4f\n", eig.Values)
	// Output:
	// J [0.5000 0.2500 0.0000 0.2500 0.5000 0.0000 0.0000 0.0000 0.1250]
	// trace 1.1250, asymmetry 0.0000
	// eigenvalues [0.7500 0.2500 0.1250]
}

// SURE estimates a denoiser's squared error ‖f(y) − x‖² without the clean
// image x, from y, f(y), σ and tr∇f: here f(y) = y/2, whose trace is d/2.
func ExampleSURE() {
	y := []float32{0.5, -0.25, 1, 0.75}
	fy := make([]float32, len(y))
	for i, v := range y {
		fy[i] = v / 2
	}
	const sigma = 0.5
	fmt.Printf("%.5f\n", spectral.SURE(sigma, float64(len(y))/2, y, fy))
	// Output: 0.46875
}
