package analytic

import (
	"context"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

var ctx = context.Background()

// maxDiff is max |got − want| over an image.
func maxDiff(got []float32, want []float64) float64 {
	var m float64
	for i, v := range want {
		m = math.Max(m, math.Abs(float64(got[i])-v))
	}
	return m
}

func image(x *tensor.Tensor, i int) []float64 {
	d := x.Numel() / x.Dim(0)
	out := make([]float64, d)
	for j := range d {
		out[j] = float64(x.Data()[i*d+j])
	}
	return out
}

// The channel-major layout and coupling are exercised with 2 channels.
func testSet(seed int64, n int) (*tensor.Tensor, *rand.Rand) {
	rng := rand.New(rand.NewSource(seed))
	return testImages(rng, n, 2, 3, 4), rng
}

func TestStatsMatchBruteForce(t *testing.T) {
	x, rng := testSet(1, 70)
	checkStats(t, x)
	checkStats(t, testImages(rng, 33, 1, 3, 5)) // d = 15: a partial 4×4 block
}

func checkStats(t *testing.T, x *tensor.Tensor) {
	t.Helper()
	s, err := ComputeStats(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, d := rows64(x)
	mu, cov := bruteMeanCov(rows, d)
	for j := range d {
		if math.Abs(s.Mean[j]-mu[j]) > 1e-12 {
			t.Fatalf("mean[%d] = %v, want %v", j, s.Mean[j], mu[j])
		}
	}
	// U diag(λ) Uᵀ reproduces the covariance.
	for a := range d {
		for b := range d {
			var v float64
			for k, l := range s.Values {
				v += l * s.Vectors[k*d+a] * s.Vectors[k*d+b]
			}
			if math.Abs(v-cov[a*d+b]) > 1e-12 {
				t.Fatalf("reconstructed cov[%d,%d] = %v, want %v", a, b, v, cov[a*d+b])
			}
		}
	}
}

func TestWienerEqualsClosedForm(t *testing.T) {
	x, rng := testSet(2, 80)
	s, err := ComputeStats(x)
	if err != nil {
		t.Fatal(err)
	}
	w := NewWiener(s)
	rows, d := rows64(x)
	_, cov := bruteMeanCov(rows, d)
	for _, a := range []float64{0.001, 0.2, 0.7, 0.999} {
		xt := noisy(rng, x, a)
		got, err := w.PredictVP(ctx, xt, a)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			want := bruteWiener(rows, d, image(xt, i), a)
			if e := maxDiff(got.Data()[i*d:], want); e > 2e-5 {
				t.Errorf("ᾱ=%v image %d: Wiener differs from μ+S(S+σ²)⁻¹(y−μ) by %g", a, i, e)
			}
		}
		// Sensitivity row m is row m of P/√ᾱ.
		p := bruteFilter(cov, d, (1-a)/a)
		f, err := s.Sensitivity(5, a)
		if err != nil {
			t.Fatal(err)
		}
		for j := range d {
			if e := math.Abs(f[j] - p[5*d+j]/math.Sqrt(a)); e > 1e-9/math.Sqrt(a) {
				t.Fatalf("ᾱ=%v sensitivity[5,%d] off by %g", a, j, e)
			}
		}
	}
}

func TestWienerSigmaSpaceAndJacobian(t *testing.T) {
	x, rng := testSet(3, 60)
	s, _ := ComputeStats(x)
	w := NewWiener(s)
	rows, d := rows64(x)
	mu, cov := bruteMeanCov(rows, d)
	const sigma = 0.6
	y := x.Clone()
	for i := range y.Data() {
		y.Data()[i] += float32(sigma * rng.NormFloat64())
	}
	got, err := w.Denoise(ctx, y, denoise.Same(sigma, y.Dim(0)))
	if err != nil {
		t.Fatal(err)
	}
	p := bruteFilter(cov, d, sigma*sigma)
	yi := image(y, 0)
	want := make([]float64, d)
	for a := range d {
		want[a] = mu[a]
		for b := range d {
			want[a] += p[a*d+b] * (yi[b] - mu[b])
		}
	}
	if e := maxDiff(got.Data(), want); e > 2e-5 {
		t.Fatalf("σ-space Wiener off by %g", e)
	}
	one, _ := tensor.FromSlice(y.Data()[:d], 1, 2, 3, 4)
	lin, err := denoise.Linearize(ctx, w, one, sigma)
	if err != nil {
		t.Fatal(err)
	}
	// JVP of basis vectors gives the columns of P.
	src := make([]float32, d*d)
	for j := range d {
		src[j*d+j] = 1
	}
	dst := make([]float32, d*d)
	if err := lin.JVP(dst, src, d); err != nil {
		t.Fatal(err)
	}
	for j := range d {
		for a := range d {
			if e := math.Abs(float64(dst[j*d+a]) - p[a*d+j]); e > 1e-6 {
				t.Fatalf("J[%d,%d] off by %g", a, j, e)
			}
		}
	}
}

func TestOptimalMatchesBruteForce(t *testing.T) {
	x, rng := testSet(4, 90)
	o, err := NewOptimal(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, d := rows64(x)
	fresh := testImages(rng, 6, 2, 3, 4)
	for _, a := range []float64{1e-4, 0.1, 0.5, 0.9, 0.995} {
		xt := noisy(rng, fresh, a)
		got, err := o.PredictVP(ctx, xt, a)
		if err != nil {
			t.Fatal(err)
		}
		for i := range xt.Dim(0) {
			want := bruteOptimal(rows, image(xt, i), a)
			if e := maxDiff(got.Data()[i*d:], want); e > 1e-5 {
				t.Errorf("ᾱ=%v image %d: optimal differs from the float64 loop by %g", a, i, e)
			}
		}
	}
}

// A batch larger than one score block and dense weights (high noise) take
// the GEMM path; low noise the refined sparse path: both against brute force.
func TestOptimalDensePathManyImages(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	x := testImages(rng, 1500, 1, 4, 4)
	o, _ := NewOptimal(x)
	rows, d := rows64(x)
	xt := noisy(rng, testImages(rng, 3, 1, 4, 4), 0.05)
	got, _ := o.PredictVP(ctx, xt, 0.05)
	for i := range 3 {
		if e := maxDiff(got.Data()[i*d:], bruteOptimal(rows, image(xt, i), 0.05)); e > 1e-5 {
			t.Errorf("image %d: dense optimal off by %g", i, e)
		}
	}
}

func TestOptimalTinyNoiseIsNearest(t *testing.T) {
	x, rng := testSet(6, 50)
	o, _ := NewOptimal(x)
	nn, _ := NewNearest(x)
	rows, d := rows64(x)
	fresh := testImages(rng, 4, 2, 3, 4)
	for _, a := range []float64{1 - 1e-7, 1} {
		xt := noisy(rng, fresh, a)
		got, err := o.PredictVP(ctx, xt, a)
		if err != nil {
			t.Fatal(err)
		}
		near, _ := nn.PredictVP(ctx, xt, a)
		for i := range 4 {
			y := image(xt, i)
			for j := range y {
				y[j] /= math.Sqrt(a)
			}
			want := bruteNearest(rows, y)
			if e := maxDiff(got.Data()[i*d:], want); e > 1e-6 {
				t.Errorf("ᾱ=%v image %d: optimal is %g from the nearest training image", a, i, e)
			}
			if e := maxDiff(near.Data()[i*d:], want); e != 0 {
				t.Errorf("ᾱ=%v image %d: nearest is %g from the brute-force nearest image", a, i, e)
			}
		}
	}
}

func TestNearestScalesByAlphabar(t *testing.T) {
	x, rng := testSet(7, 40)
	nn, _ := NewNearest(x)
	rows, d := rows64(x)
	xt := noisy(rng, testImages(rng, 5, 2, 3, 4), 0.3)
	got, _ := nn.PredictVP(ctx, xt, 0.3)
	for i := range 5 {
		y := image(xt, i)
		for j := range y {
			y[j] /= math.Sqrt(0.3)
		}
		if e := maxDiff(got.Data()[i*d:], bruteNearest(rows, y)); e != 0 {
			t.Errorf("image %d: not the training image nearest to x_t/√ᾱ (off by %g)", i, e)
		}
	}
}

func TestLocalityMatchesBruteForce(t *testing.T) {
	x, rng := testSet(8, 300) // more than two blocks of training images
	s, _ := ComputeStats(x)
	rows, d := rows64(x)
	// Eleven queries: a full group of eight and a partial one.
	fresh := testImages(rng, 11, 2, 3, 4)
	for _, tau := range []float64{0.02, 0.2} {
		l, err := NewLocality(x, s, tau)
		if err != nil {
			t.Fatal(err)
		}
		// ᾱ near 1 too, where 1/(2(1−ᾱ)) magnifies any rounding of the
		// distances into the weights.
		for _, a := range []float64{0.05, 0.5, 0.95, 0.9999} {
			mask := bruteLocalityMask(rows, d, a, tau)
			m, _ := l.Mask(a)
			ones := 0
			for i, v := range mask {
				if (m[i] == 1) != v {
					t.Fatalf("τ=%v ᾱ=%v: mask entry %d is %v, want %v", tau, a, i, m[i], v)
				}
				if v {
					ones++
				}
			}
			if ones == d*d || ones == 0 {
				t.Fatalf("τ=%v ᾱ=%v: trivial mask (%d ones), the test would not test masking", tau, a, ones)
			}
			xt := noisy(rng, fresh, a)
			got, err := l.PredictVP(ctx, xt, a)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 11 {
				want := bruteLocality(rows, d, image(xt, i), a, mask)
				if e := maxDiff(got.Data()[i*d:], want); e > 1e-5 {
					t.Errorf("τ=%v ᾱ=%v image %d: locality off by %g", tau, a, i, e)
				}
			}
		}
	}
}

func TestLocalityTauZeroIsOptimal(t *testing.T) {
	x, rng := testSet(9, 200)
	s, _ := ComputeStats(x)
	l, _ := NewLocality(x, s, 0)
	o, _ := NewOptimal(x)
	fresh := testImages(rng, 4, 2, 3, 4)
	for _, a := range []float64{0.02, 0.6, 0.97} {
		xt := noisy(rng, fresh, a)
		gl, _ := l.PredictVP(ctx, xt, a)
		goo, _ := o.PredictVP(ctx, xt, a)
		for i, v := range gl.Data() {
			if e := math.Abs(float64(v - goo.Data()[i])); e > 1e-5 {
				t.Fatalf("ᾱ=%v: locality τ=0 differs from optimal by %g at %d", a, e, i)
			}
		}
	}
}

func TestDenoiserSigmaSpace(t *testing.T) {
	x, rng := testSet(10, 60)
	o, _ := NewOptimal(x)
	y := testImages(rng, 3, 2, 3, 4)
	sigma := []float64{0.3, 2, 0.3}
	got, err := o.Denoise(ctx, y, sigma)
	if err != nil {
		t.Fatal(err)
	}
	rows, d := rows64(x)
	for i, s := range sigma {
		a := 1 / (1 + s*s)
		yi := image(y, i)
		for j := range yi {
			yi[j] *= math.Sqrt(a)
		}
		if e := maxDiff(got.Data()[i*d:], bruteOptimal(rows, yi, a)); e > 1e-5 {
			t.Errorf("image %d σ=%v: σ-space optimal off by %g", i, s, e)
		}
	}
}

func TestErrors(t *testing.T) {
	x, _ := testSet(11, 10)
	s, _ := ComputeStats(x)
	o, _ := NewOptimal(x)
	nan := x.Clone()
	nan.Data()[7] = float32(math.NaN())
	wrong := tensor.New(2, 1, 3, 4)
	cases := []struct {
		err  error
		want string
	}{
		{func() error { _, e := ComputeStats(firstImage(x)); return e }(), "at least 2"},
		{func() error { _, e := o.PredictVP(ctx, x, 0); return e }(), "alphabar 0"},
		{func() error { _, e := o.PredictVP(ctx, x, 1.5); return e }(), "alphabar 1.5"},
		{func() error { _, e := o.PredictVP(ctx, wrong, 0.5); return e }(), "[2 1 3 4]"},
		{func() error { _, e := o.PredictVP(ctx, nan, 0.5); return e }(), "NaN"},
		{func() error { _, e := NewOptimal(nan); return e }(), "NaN"},
		{func() error { _, e := NewLocality(x, s, -0.1); return e }(), "tau -0.1"},
	}
	for i, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("case %d: error %v, want one naming %q", i, c.err, c.want)
		}
	}
}

func firstImage(x *tensor.Tensor) *tensor.Tensor {
	d := x.Numel() / x.Dim(0)
	one, _ := tensor.FromSlice(append([]float32(nil), x.Data()[:d]...), 1, x.Dim(1), x.Dim(2), x.Dim(3))
	return one
}

// At ᾱ = 1 (σ = 0) each pixel takes the mean over the training images at
// the smallest masked distance; for a training image as input that
// distance is 0 and every image attaining it has the same pixel value, so
// the input comes back exactly.
func TestLocalityNoNoiseReturnsTrainingImage(t *testing.T) {
	x, _ := testSet(12, 150)
	s, _ := ComputeStats(x)
	l, _ := NewLocality(x, s, 0.05)
	d := x.Numel() / x.Dim(0)
	xt, _ := tensor.FromSlice(append([]float32(nil), x.Data()[7*d:9*d]...), 2, 2, 3, 4)
	got, err := l.PredictVP(ctx, xt, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got.Data() {
		if v != xt.Data()[i] {
			t.Fatalf("value %d: locality at ᾱ=1 gives %v for the training image's %v", i, v, xt.Data()[i])
		}
	}
}
