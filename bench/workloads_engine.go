package bench

import (
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/linalg"
)

// Engine workloads: GEMM of any shape, the float64 GEMM of the eigensolvers
// and the 3×3 convolution of the U-Nets.

var _ = registerFamily(parametric{prefix: "gemm ", example: "gemm 1024x1024x1024", build: gemmWorkload})

// gemmWorkload times C = A·B with A M×K and B K×N ("gemm MxKxN", the order of
// openblas_sgemm.py).
func gemmWorkload(dims string) (Workload, error) {
	var m, k, n int
	if c, err := fmt.Sscanf(dims, "%dx%dx%d", &m, &k, &n); err != nil || c != 3 || m < 1 || k < 1 || n < 1 {
		return Workload{}, fmt.Errorf("gemm workload %q: want \"gemm MxKxN\" with positive sizes", "gemm "+dims)
	}
	return Workload{Name: fmt.Sprintf("gemm %dx%dx%d", m, k, n), Prepare: func() (func(), error) {
		rng := tensor.NewRNG(1)
		a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
		rng.FillNormal(a, 0, 1)
		rng.FillNormal(b, 0, 1)
		return func() { tensor.Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) }, nil
	}}, nil
}

// The float64 GEMM under the eigensolvers, C = A·B at 1024³ as
// analytic_reference.py times numpy's A @ B (a fresh C each call there; C
// overwritten, beta 0, here).
var _ = register(Workload{Name: "dgemm 1024x1024x1024 float64", Prepare: func() (func(), error) {
	const n = 1024
	rng := tensor.NewRNG(1)
	a, b, c := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	for i := range a {
		a[i], b[i] = rng.Normal(), rng.Normal()
	}
	return func() { linalg.Dgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) }, nil
}})

var _ = register(Workload{Name: "conv3x3 64->64 [16,64,40,40] forward", Prepare: func() (func(), error) {
	x, w := convInputs()
	y := tensor.New(16, 64, 40, 40)
	return func() { must(tensor.Conv2dInto(y, x, w, 1, 1)) }, nil
}})

// forward+backward matches torch_reference.py's conv_fb: the forward, then the
// gradients of sum(conv(x)) with respect to the input and the weight.
var _ = register(Workload{Name: "conv3x3 64->64 [16,64,40,40] forward+backward", Prepare: func() (func(), error) {
	x, w := convInputs()
	y := tensor.New(16, 64, 40, 40)
	return func() {
		must(tensor.Conv2dInto(y, x, w, 1, 1))
		dy := tensor.New(16, 64, 40, 40)
		dy.Fill(1)
		_, err := tensor.Conv2dBackwardInput(dy, w, 40, 40, 1, 1)
		must(err)
		_, err = tensor.Conv2dBackwardWeight(x, dy, 3, 3, 1, 1)
		must(err)
	}, nil
}})

func convInputs() (x, w *tensor.Tensor) {
	rng := tensor.NewRNG(2)
	x, w = tensor.New(16, 64, 40, 40), tensor.New(64, 64, 3, 3)
	rng.FillNormal(x.Data(), 0, 1)
	rng.FillNormal(w.Data(), 0, 0.06)
	return x, w
}

// must panics on errors that cannot happen for the fixed, valid shapes above.
func must(err error) {
	if err != nil {
		panic(err)
	}
}
