package analytic

import (
	"math"
	"math/rand"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// noisyVP is one VP image x_t of ᾱ from the first training image.
func noisyVP(rng *rand.Rand, x *tensor.Tensor, a float64) *tensor.Tensor {
	d := x.Numel() / x.Dim(0)
	xt := tensor.New(1, x.Dim(1), x.Dim(2), x.Dim(3))
	for q := range d {
		xt.Data()[q] = float32(math.Sqrt(a)*float64(x.Data()[q]) + math.Sqrt(1-a)*rng.NormFloat64())
	}
	return xt
}

// The Wiener filter used as a "network" has, through its VJP, exactly the
// analytic fields, and both are rows of the brute-force P/√ᾱ (Gauss–Jordan
// on the explicit covariance); P is symmetric, so field m at pixel n is
// field n at pixel m.
func TestWienerFieldIdentity(t *testing.T) {
	x, rng := testSet(21, 80)
	s, err := ComputeStats(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, d := rows64(x)
	_, cov := bruteMeanCov(rows, d)
	pixels := []int{0, 5, 13, d - 1}
	for _, a := range []float64{0.02, 0.4, 0.97} {
		p := bruteFilter(cov, d, (1-a)/a)
		want, err := WienerFields(s, pixels, a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DenoiserFields(ctx, NewWiener(s), noisyVP(rng, x, a), a, pixels)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range pixels {
			for n := range d {
				ref := p[m*d+n] / math.Sqrt(a)
				if e := math.Abs(want[i][n] - ref); e > 1e-9/math.Sqrt(a) {
					t.Fatalf("ᾱ=%v Wiener field %d at %d: %v, brute force %v", a, m, n, want[i][n], ref)
				}
				if e := math.Abs(got[i][n] - ref); e > 1e-5/math.Sqrt(a) {
					t.Fatalf("ᾱ=%v VJP field %d at %d: %v, brute force %v", a, m, n, got[i][n], ref)
				}
				if math.Abs(p[m*d+n]-p[n*d+m]) > 1e-12 {
					t.Fatalf("P not symmetric at (%d,%d)", m, n)
				}
			}
			c, err := Cosine(got[i], want[i])
			if err != nil || math.Abs(c-1) > 1e-6 {
				t.Fatalf("cosine of identical fields %v (%v)", c, err)
			}
		}
		// Symmetry of the fields: field[m][n] = field[n][m].
		if e := math.Abs(want[1][pixels[2]] - want[2][pixels[1]]); e > 1e-12 {
			t.Fatalf("ᾱ=%v fields not symmetric: %g", a, e)
		}
	}
}

// tinyEps is a small random tc-unet as an ε-network on 1×8×8 images.
func tinyEps(t *testing.T) denoise.EpsNet {
	t.Helper()
	net, err := nn.NewTCUNet(1, 4, []int{1, 2}, 1, 2, tensor.NewRNG(5))
	if err != nil {
		t.Fatal(err)
	}
	return denoise.EpsNet{Net: net}
}

// The network's field is a row of its Jacobian in x_t: ⟨Jv,u⟩ = ⟨v,Jᵀu⟩
// against JVPs, and central finite differences of x̂0[m] in x_t (which also
// checks the 1/√ᾱ of the VP form and the ε → x̂0 conversion).
func TestNetworkFieldIsJacobianRow(t *testing.T) {
	eps := tinyEps(t)
	sched := schedule.DDPM()
	den := denoise.VP(eps, sched)
	rng := rand.New(rand.NewSource(3))
	const c, h, w = 1, 8, 8
	d := c * h * w
	tStep := 300
	a := sched.AlphaBar[tStep]
	xt := tensor.New(1, c, h, w)
	for q := range d {
		xt.Data()[q] = float32(rng.NormFloat64())
	}
	pixels := []int{0, 27, 63}
	fields, err := DenoiserFields(ctx, den, xt, a, pixels)
	if err != nil {
		t.Fatal(err)
	}
	// x̂0(x_t) = (x_t − √(1−ᾱ) ε̂(x_t, t))/√ᾱ, evaluated directly.
	x0 := func(x *tensor.Tensor) []float64 {
		e, err := eps.PredictNoise(ctx, x, []int{tStep})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float64, d)
		for q := range out {
			out[q] = (float64(x.Data()[q]) - math.Sqrt(1-a)*float64(e.Data()[q])) / math.Sqrt(a)
		}
		return out
	}
	const step = 1e-2
	for _, n := range []int{0, 9, 27, 40} {
		plus, minus := xt.Clone(), xt.Clone()
		plus.Data()[n] += step
		minus.Data()[n] -= step
		fp, fm := x0(plus), x0(minus)
		for i, m := range pixels {
			fd := (fp[m] - fm[m]) / (2 * step)
			if e := math.Abs(fd - fields[i][n]); e > 2e-3*(1+math.Abs(fd)) {
				t.Fatalf("field of pixel %d at %d: VJP %v, finite difference %v", m, n, fields[i][n], fd)
			}
		}
	}
	// ⟨Jv, u⟩ = ⟨v, Jᵀu⟩ on random v, u through the σ-space linearization.
	y := xt.Clone()
	for q := range y.Data() {
		y.Data()[q] = float32(float64(y.Data()[q]) / math.Sqrt(a))
	}
	lin, err := denoise.Linearize(ctx, den, y, schedule.SigmaOfAlphaBar(a))
	if err != nil {
		t.Fatal(err)
	}
	v, u := make([]float32, d), make([]float32, d)
	for q := range v {
		v[q], u[q] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	jv, jtu := make([]float32, d), make([]float32, d)
	if err := lin.JVP(jv, v, 1); err != nil {
		t.Fatal(err)
	}
	if err := lin.VJP(jtu, u, 1); err != nil {
		t.Fatal(err)
	}
	var lhs, rhs, scale float64
	for q := range d {
		lhs += float64(jv[q]) * float64(u[q])
		rhs += float64(v[q]) * float64(jtu[q])
		scale += math.Abs(float64(jv[q]) * float64(u[q]))
	}
	if math.Abs(lhs-rhs) > 1e-5*scale {
		t.Fatalf("⟨Jv,u⟩ = %v, ⟨v,Jᵀu⟩ = %v", lhs, rhs)
	}
}

func TestCosine(t *testing.T) {
	if c, err := Cosine([]float64{1, 2, 2}, []float64{2, 4, 4}); err != nil || math.Abs(c-1) > 1e-15 {
		t.Fatalf("parallel: %v %v", c, err)
	}
	if c, err := Cosine([]float64{1, 0}, []float64{0, 3}); err != nil || c != 0 {
		t.Fatalf("orthogonal: %v %v", c, err)
	}
	// (1,1)·(1,0) / √2 = 1/√2.
	if c, _ := Cosine([]float64{1, 1}, []float64{-1, 0}); math.Abs(c+1/math.Sqrt2) > 1e-15 {
		t.Fatalf("135°: %v", c)
	}
	if _, err := Cosine([]float64{1}, []float64{1, 2}); err == nil {
		t.Fatal("lengths 1 and 2 accepted")
	}
	if _, err := Cosine([]float64{0, 0}, []float64{1, 2}); err == nil {
		t.Fatal("zero field accepted")
	}
}

func TestFieldErrors(t *testing.T) {
	x, rng := testSet(22, 10)
	s, _ := ComputeStats(x)
	w := NewWiener(s)
	xt := noisyVP(rng, x, 0.5)
	d := xt.Numel()
	if _, err := DenoiserFields(ctx, w, xt, 0.5, []int{d}); err == nil {
		t.Fatal("pixel d accepted")
	}
	if _, err := DenoiserFields(ctx, w, xt, 0, []int{0}); err == nil {
		t.Fatal("ᾱ = 0 accepted")
	}
	if _, err := DenoiserFields(ctx, w, x, 0.5, []int{0}); err == nil {
		t.Fatal("a batch of images accepted")
	}
	if _, err := DenoiserFields(ctx, w, xt, 0.5, nil); err == nil {
		t.Fatal("no pixels accepted")
	}
	opt, _ := NewOptimal(x)
	if _, err := DenoiserFields(ctx, opt, xt, 0.5, []int{0}); err == nil {
		t.Fatal("a denoiser without a Jacobian accepted")
	}
	if _, err := WienerFields(s, []int{-1}, 0.5); err == nil {
		t.Fatal("pixel −1 accepted")
	}
}

// σ-space fields: the Wiener filter's VJP rows are Stats.SensitivitySigma,
// and a blind [0,1] network of study A gets, through the range adaptor,
// the rows of its own Jacobian ∂(u − net(u))/∂u at u = (y+1)/2 (an affine
// change of range on both sides leaves the Jacobian unchanged).
func TestSigmaSpaceFields(t *testing.T) {
	x, rng := testSet(23, 40)
	s, _ := ComputeStats(x)
	y := noisyVP(rng, x, 1) // ᾱ = 1: the clean first image, then σ-space noise
	const sigma = 0.3
	for q := range y.Data() {
		y.Data()[q] += float32(sigma * rng.NormFloat64())
	}
	pixels := []int{2, 17}
	got, err := DenoiserFieldsSigma(ctx, NewWiener(s), y, sigma, pixels)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range pixels {
		want, _ := s.SensitivitySigma(m, sigma*sigma, 1)
		for q, v := range want {
			if math.Abs(got[i][q]-v) > 1e-5 {
				t.Fatalf("Wiener σ-field %d at %d: %v, want %v", m, q, got[i][q], v)
			}
		}
	}

	net, err := nn.NewBFUNet(1, 4, tensor.NewRNG(7))
	if err != nil {
		t.Fatal(err)
	}
	img := tensor.New(1, 1, 8, 8)
	for q := range img.Data() {
		img.Data()[q] = float32(rng.Float64()*2 - 1)
	}
	netPixels := []int{0, 36}
	f, err := DenoiserFieldsSigma(ctx, denoise.Blind(net), img, 0.2, netPixels)
	if err != nil {
		t.Fatal(err)
	}
	u := img.Clone()
	for q, v := range u.Data() {
		u.Data()[q] = (v + 1) / 2
	}
	lin, err := nn.Linearize(net, u, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range netPixels {
		e := tensor.New(1, 1, 8, 8)
		e.Data()[m] = 1
		row, err := lin.VJP(e) // row m of ∂(u − net(u))/∂u
		if err != nil {
			t.Fatal(err)
		}
		for q, v := range row.Data() {
			want := float64(v)
			if math.Abs(f[i][q]-want) > 1e-5 {
				t.Fatalf("blind field %d at %d: %v, want %v", m, q, f[i][q], want)
			}
		}
	}
	if _, err := DenoiserFieldsSigma(ctx, NewWiener(s), y, -1, pixels); err == nil {
		t.Fatal("σ = −1 accepted")
	}
}
