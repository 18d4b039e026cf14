package spectral

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// smallNet is a 1-level bias-free UNet (base 8) linearized at a random
// 20×20 image, with its exact Jacobian.
func smallNet(t *testing.T) (denoise.Linearization, []float64) {
	t.Helper()
	net, err := nn.NewBFUNet(1, 8, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	// The initial batch-norm gains are ~1e-2 (the authors' init), which
	// makes f ≈ identity; unit gains give a Jacobian with a real spectrum.
	for _, p := range net.Params() {
		if strings.HasSuffix(p.Name, ".gamma") {
			p.Value.Fill(1)
		}
	}
	y := tensor.New(1, 1, 20, 20)
	tensor.NewRNG(5).FillUniform(y.Data(), 0, 1)
	lin, err := AtImage(context.Background(), denoise.Blind(net), y, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	J, err := Full(lin, 48)
	if err != nil {
		t.Fatal(err)
	}
	return lin, J
}

func matVec(J []float64, d int, v []float32, trans bool) []float64 {
	out := make([]float64, d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			a := J[i*d+j]
			if trans {
				a = J[j*d+i]
			}
			out[i] += a * float64(v[j])
		}
	}
	return out
}

func maxRelDiff(a []float64, b []float32) float64 {
	var num, den float64
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-float64(b[i])))
		den = math.Max(den, math.Abs(a[i]))
	}
	return num / den
}

// The exact Jacobian's columns reproduce JVPs and its rows VJPs (so
// <Jv,u> = <v,Jᵀu>) for random directions, batched k = 3 at a time.
func TestFullJacobianMatchesJVPAndVJP(t *testing.T) {
	lin, J := smallNet(t)
	d := lin.Dim()
	const k = 3
	v := make([]float32, k*d)
	tensor.NewRNG(9).FillNormal(v, 0, 1)
	jv := make([]float32, k*d)
	jtv := make([]float32, k*d)
	if err := lin.JVP(jv, v, k); err != nil {
		t.Fatal(err)
	}
	if err := lin.VJP(jtv, v, k); err != nil {
		t.Fatal(err)
	}
	for c := 0; c < k; c++ {
		vc := v[c*d : (c+1)*d]
		if e := maxRelDiff(matVec(J, d, vc, false), jv[c*d:(c+1)*d]); e > 1e-4 {
			t.Fatalf("vector %d: J·v from the full Jacobian differs from the JVP by %.2g relative", c, e)
		}
		if e := maxRelDiff(matVec(J, d, vc, true), jtv[c*d:(c+1)*d]); e > 1e-4 {
			t.Fatalf("vector %d: Jᵀ·u from the full Jacobian differs from the VJP by %.2g relative", c, e)
		}
	}
	// Asymmetry: the formula against a direct double loop.
	var num, den float64
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			num += (J[i*d+j] - J[j*d+i]) * (J[i*d+j] - J[j*d+i])
			den += J[i*d+j] * J[i*d+j]
		}
	}
	exact := Asymmetry(J, d)
	if want := math.Sqrt(num / den); math.Abs(exact-want) > 1e-12*want {
		t.Fatalf("asymmetry %v, direct %v", exact, want)
	}
	est, err := AsymmetryEstimate(lin, 64, 16, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(est-exact) > 0.15*exact {
		t.Fatalf("asymmetry estimate %v vs exact %v", est, exact)
	}
}

// At a 20×20 image the top 20 Lanczos eigenvalues of (J+Jᵀ)/2 match the
// dense eigendecomposition of the exact Jacobian's symmetric part to 1e-3.
func TestLanczosMatchesDense(t *testing.T) {
	lin, J := smallNet(t)
	d := lin.Dim()
	dense, err := DenseEigen(J, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range []int{1, 8} {
		res, err := Lanczos(lin, LanczosOptions{Top: 20, Bottom: 20, Steps: 160 / block, Block: block, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if e := RelErr(res.Top.Values, dense.Values, 20); e > 1e-3 {
			t.Fatalf("block %d: top 20 Lanczos values differ from dense by %.2g relative\n%v\n%v", block, e, res.Top.Values, dense.Values[:20])
		}
		t.Logf("block %d: top-20 rel err %.2g, λ1 %.4g λ20 %.4g, λmin %.4g", block, RelErr(res.Top.Values, dense.Values, 20), dense.Values[0], dense.Values[19], dense.Values[d-1])
		// The bottom end (smallest first) against the dense tail; its
		// values sit near 0, so compare on the scale of λ_max.
		for k := 0; k < 5; k++ {
			want := dense.Values[d-1-k]
			if diff := math.Abs(res.Bottom.Values[k] - want); diff > 1e-3*dense.Values[0] {
				t.Fatalf("block %d: bottom value %d = %v, dense %v", block, k, res.Bottom.Values[k], want)
			}
		}
		// The top eigenvector agrees up to sign.
		var dot float64
		for i := 0; i < d; i++ {
			dot += res.Top.Vectors[i] * dense.Vectors[i]
		}
		if math.Abs(math.Abs(dot)-1) > 1e-3 {
			t.Fatalf("block %d: top eigenvectors have |cos| = %v", block, math.Abs(dot))
		}
	}
}

// For a linear denoiser f(y) = Ay, E[SURE] = E[‖Ay − x‖²] =
// ‖(A−I)x‖² + σ² tr(AᵀA); the sample mean of SURE over many noise draws
// agrees with both within a few standard errors.
func TestSUREUnbiasedForLinearDenoiser(t *testing.T) {
	const d, draws = 16, 4000
	const sigma = 0.3
	rng := tensor.NewRNG(11)
	A := make([]float64, d*d)
	for i := range A {
		A[i] = 0.15 * rng.Normal()
	}
	for i := 0; i < d; i++ {
		A[i*d+i] += 0.5
	}
	x := make([]float32, d)
	rng.FillUniform(x, 0, 1)
	m := &Matrix{A: A, N: d}
	tr := Trace(A, d)
	var bias, frob float64
	for i := 0; i < d; i++ {
		var r float64
		for j := 0; j < d; j++ {
			r += A[i*d+j] * float64(x[j])
			frob += A[i*d+j] * A[i*d+j]
		}
		bias += (r - float64(x[i])) * (r - float64(x[i]))
	}
	closed := bias + sigma*sigma*frob
	y := make([]float32, d)
	fy := make([]float32, d)
	var sSure, sErr, ssDiff float64
	for n := 0; n < draws; n++ {
		for i := range y {
			y[i] = x[i] + float32(sigma*rng.Normal())
		}
		if err := m.JVP(fy, y, 1); err != nil {
			t.Fatal(err)
		}
		s, e := SURE(sigma, tr, y, fy), SquaredError(fy, x)
		sSure += s
		sErr += e
		ssDiff += (s - closed) * (s - closed)
	}
	meanSure, meanErr := sSure/draws, sErr/draws
	se := math.Sqrt(ssDiff/draws) / math.Sqrt(draws)
	if math.Abs(meanSure-closed) > 4*se || math.Abs(meanErr-closed) > 4*se {
		t.Fatalf("mean SURE %v, mean error %v, closed form %v (standard error %v)", meanSure, meanErr, closed, se)
	}
	est, stderr, err := HutchinsonTrace(m, 2000, 64, 3)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(est-tr) > 4*stderr || stderr > 0.05*math.Abs(tr) {
		t.Fatalf("Hutchinson trace %v ± %v, exact %v", est, stderr, tr)
	}
}

func TestAtImageShapeError(t *testing.T) {
	net, _ := nn.NewBFUNet(1, 4, tensor.NewRNG(1))
	if _, err := AtImage(context.Background(), denoise.Blind(net), tensor.New(2, 1, 4, 4), 0.1); err == nil {
		t.Fatal("a batch of two images was accepted")
	}
	// A denoiser without a Jacobian is an error, not a panic.
	plain := denoise.Func{F: func(_ context.Context, y *tensor.Tensor, _ []float64) (*tensor.Tensor, error) { return y.Clone(), nil }}
	if _, err := Analyze(context.Background(), plain, make([]float32, 16), nil, 4, 4, 0.1, Options{}); err == nil || !strings.Contains(err.Error(), "no Jacobian") {
		t.Fatalf("a denoiser without Linearize: %v", err)
	}
}

// Lanczos sees only the symmetric part: A = Q diag(λ) Qᵀ + K with K
// antisymmetric has (A+Aᵀ)/2 = Q diag(λ) Qᵀ, whose known top and bottom
// eigenvalues Lanczos must return (and the Matrix's VJP must be Aᵀ).
func TestLanczosKnownSpectrumOfSymmetricPart(t *testing.T) {
	const n = 60
	rng := tensor.NewRNG(21)
	// Q from Gram–Schmidt on a Gaussian matrix.
	q := make([]float64, n*n)
	for i := range q {
		q[i] = rng.Normal()
	}
	for i := 0; i < n; i++ {
		row := q[i*n : (i+1)*n]
		for j := 0; j < i; j++ {
			prev := q[j*n : (j+1)*n]
			var dot float64
			for k := range row {
				dot += row[k] * prev[k]
			}
			for k := range row {
				row[k] -= dot * prev[k]
			}
		}
		var nn float64
		for _, v := range row {
			nn += v * v
		}
		for k := range row {
			row[k] /= math.Sqrt(nn)
		}
	}
	lambda := make([]float64, n)
	for k := range lambda {
		lambda[k] = 2 - 0.05*float64(k) // 2, 1.95, ..., -0.95
	}
	A := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for k := 0; k < n; k++ {
				s += q[k*n+i] * lambda[k] * q[k*n+j]
			}
			A[i*n+j] = s
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			k := 0.3 * rng.Normal()
			A[i*n+j] += k
			A[j*n+i] -= k
		}
	}
	res, err := Lanczos(&Matrix{A: A, N: n}, LanczosOptions{Top: 4, Bottom: 4, Steps: n, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 4; k++ {
		if d := math.Abs(res.Top.Values[k] - lambda[k]); d > 1e-5 {
			t.Fatalf("top %d: %v, want %v", k, res.Top.Values[k], lambda[k])
		}
		if d := math.Abs(res.Bottom.Values[k] - lambda[n-1-k]); d > 1e-5 {
			t.Fatalf("bottom %d: %v, want %v", k, res.Bottom.Values[k], lambda[n-1-k])
		}
	}
	if a := Asymmetry(A, n); a < 0.1 {
		t.Fatalf("the test matrix should be far from symmetric, asymmetry %v", a)
	}
}

// The exact Jacobian and the Lanczos values are bit-identical for 1 and 2
// threads (columns and the JVP/VJP halves are computed the same way).
func TestThreadIndependence(t *testing.T) {
	defer tensor.SetThreads(tensor.Threads())
	var js [][]float64
	var vals [][]float64
	for _, th := range []int{1, 2} {
		tensor.SetThreads(th)
		lin, J := smallNet(t)
		res, err := Lanczos(lin, LanczosOptions{Top: 5, Steps: 30, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		js, vals = append(js, J), append(vals, res.Top.Values)
	}
	for i := range js[0] {
		if js[0][i] != js[1][i] {
			t.Fatalf("Jacobian entry %d differs between 1 and 2 threads: %v vs %v", i, js[0][i], js[1][i])
		}
	}
	for i := range vals[0] {
		if vals[0][i] != vals[1][i] {
			t.Fatalf("Lanczos value %d differs between 1 and 2 threads", i)
		}
	}
}
