package heat

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// cosineMode is the unit-norm DCT basis image of frequencies (p, q) on an
// h×w grid and its heat eigenvalue π²(p²/h² + q²/w²).
func cosineMode(h, w, p, q int) ([]float64, float64) {
	e := make([]float64, h*w)
	var ss float64
	for i := 0; i < h; i++ {
		for j := 0; j < w; j++ {
			v := math.Cos(math.Pi*float64((2*i+1)*p)/float64(2*h)) * math.Cos(math.Pi*float64((2*j+1)*q)/float64(2*w))
			e[i*w+j] = v
			ss += v * v
		}
	}
	for i := range e {
		e[i] /= math.Sqrt(ss)
	}
	fp, fq := float64(p)/float64(h), float64(q)/float64(w)
	return e, math.Pi * math.Pi * (fp*fp + fq*fq)
}

// modeUnblur is the exact inverse of one level of blur restricted to the
// mode e: f(u, k) = (r_k − 1)·<u, e>·e with r_k = exp(λ(t_k − t_{k−1})),
// so u + f multiplies u's e-coefficient by r_k and leaves every other
// direction alone. Computed in float64 per image.
func modeUnblur(s Schedule, e []float64, lambda float64) ResidualFunc {
	return func(_ context.Context, u *tensor.Tensor, k int) (*tensor.Tensor, error) {
		r := math.Exp(lambda * (s.Time(k) - s.Time(k-1)))
		out := tensor.New(u.Shape()...)
		d := len(e)
		for b := 0; b < u.Dim(0); b++ {
			img := u.Data()[b*d : (b+1)*d]
			var c float64
			for i, v := range img {
				c += float64(v) * e[i]
			}
			for i := range e {
				out.Data()[b*d+i] = float32((r - 1) * c * e[i])
			}
		}
		return out, nil
	}
}

// modeImages are n training images 0.5 + a_i·e (a_i = 0.1·(i+1)).
func modeImages(e []float64, n, h, w int) *tensor.Tensor {
	x := tensor.New(n, 1, h, w)
	for b := 0; b < n; b++ {
		for i, v := range e {
			x.Data()[b*h*w+i] = float32(0.5 + 0.1*float64(b+1)*v)
		}
	}
	return x
}

// Without noise, the prior blur_K(x) scales x's mode by exp(−λt_K) and K
// exact unblurring steps scale it back by ∏r_k = exp(λt_K): every sample is
// its training image, to float32 rounding.
func TestSampleRecoversCosineMode(t *testing.T) {
	const h, w = 8, 6
	s, err := NewSchedule(6, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range [][2]int{{1, 0}, {1, 2}} {
		e, lambda := cosineMode(h, w, m[0], m[1])
		train := modeImages(e, 3, h, w)
		opt := DefaultSampleOptions()
		opt.Delta, opt.PriorNoise = 0, false
		res, err := Sample(context.Background(), modeUnblur(s, e, lambda), s, train, 5, opt)
		if err != nil {
			t.Fatal(err)
		}
		for i, j := range res.Prior {
			if d := maxDiff32(train.Data()[j*h*w:(j+1)*h*w], res.Images.Data()[i*h*w:(i+1)*h*w]); d > 2e-6 {
				t.Errorf("mode %v sample %d: differs from training image %d by %g", m, i, j, d)
			}
		}
		if !slices.ContainsFunc(res.Prior, func(j int) bool { return j != res.Prior[0] }) {
			t.Errorf("mode %v: all 5 samples drew training image %d", m, res.Prior[0])
		}
	}
}

func maxDiff32(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

// With noise, the same linear sampler's output is x + noise whose law is
// known in closed form: off the mode, the prior's δz (when on) and the
// K−1 step noises pass unchanged, so E|perp|² = δ²(D−1)(K−1+p) with p = 1
// with prior noise, 0 without; on the mode, a noise added before the step
// at level m is multiplied by R_m = ∏_{j≤m} r_j = exp(λt_m), so the
// coefficient has mean a and variance δ²(p·R_K² + Σ_{m=1}^{K−1} R_m²).
// Tolerances are 5 standard errors of the estimates.
func TestSampleNoiseStatistics(t *testing.T) {
	const h, w, n, k, delta = 8, 8, 4000, 6, 0.05
	s, _ := NewSchedule(k, 2)
	e, lambda := cosineMode(h, w, 1, 0)
	train := modeImages(e, 1, h, w)
	d := h * w
	for _, prior := range []bool{true, false} {
		opt := DefaultSampleOptions()
		opt.Delta, opt.PriorNoise, opt.Seed, opt.Batch = delta, prior, 7, 500
		res, err := Sample(context.Background(), modeUnblur(s, e, lambda), s, train, n, opt)
		if err != nil {
			t.Fatal(err)
		}
		p := 0.0
		if prior {
			p = 1
		}
		wantPerp := delta * delta * float64(d-1) * (k - 1 + p)
		wantVar := p * math.Exp(2*lambda*s.Time(k))
		for m := 1; m < k; m++ {
			wantVar += math.Exp(2 * lambda * s.Time(m))
		}
		wantVar *= delta * delta
		var perp, c1, c2 float64
		for i := 0; i < n; i++ {
			var c, ss float64
			img := res.Images.Data()[i*d : (i+1)*d]
			for j, v := range img {
				r := float64(v) - float64(train.Data()[j])
				c += r * e[j]
				ss += r * r
			}
			perp += ss - c*c
			c1 += c
			c2 += c * c
		}
		perp /= n
		mean := c1 / n
		variance := c2/n - mean*mean
		if tol := 5 * wantPerp * math.Sqrt(2/(float64(d-1)*(k-1+p)*n)); math.Abs(perp-wantPerp) > tol {
			t.Errorf("prior noise %v: off-mode noise energy %.6g, closed form %.6g (±%.2g)", prior, perp, wantPerp, tol)
		}
		if tol := 5 * math.Sqrt(wantVar/n); math.Abs(mean) > tol {
			t.Errorf("prior noise %v: mode coefficient off by %.3g on average (±%.2g)", prior, mean, tol)
		}
		if tol := 5 * wantVar * math.Sqrt(2.0/n); math.Abs(variance-wantVar) > tol {
			t.Errorf("prior noise %v: mode coefficient variance %.6g, closed form %.6g (±%.2g)", prior, variance, wantVar, tol)
		}
	}
}

// perImage is a nonlinear residual that treats each image on its own.
func perImage(_ context.Context, u *tensor.Tensor, k int) (*tensor.Tensor, error) {
	out := tensor.New(u.Shape()...)
	for i, v := range u.Data() {
		out.Data()[i] = 0.1*float32(k)*v*v - 0.05*v
	}
	return out, nil
}

func randomImages(seed uint64, shape ...int) *tensor.Tensor {
	x := tensor.New(shape...)
	tensor.NewRNG(seed).FillUniform(x.Data(), 0, 1)
	return x
}

// A sample's streams depend on (seed, index) only: the batch changes no
// bit, another seed changes the samples.
func TestSampleIndependentOfBatch(t *testing.T) {
	s, _ := NewSchedule(4, 3)
	train := randomImages(1, 5, 2, 6, 6)
	run := func(batch int, seed uint64) *Samples {
		opt := DefaultSampleOptions()
		opt.Batch, opt.Seed = batch, seed
		res, err := Sample(context.Background(), ResidualFunc(perImage), s, train, 7, opt)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	ref := run(1, 3)
	for _, b := range []int{3, 16} {
		got := run(b, 3)
		if !slices.Equal(got.Images.Data(), ref.Images.Data()) || !slices.Equal(got.Prior, ref.Prior) {
			t.Errorf("batch %d: samples differ from batch 1", b)
		}
	}
	if other := run(3, 4); slices.Equal(other.Images.Data(), ref.Images.Data()) {
		t.Error("seeds 3 and 4 gave the same samples")
	}
}

// With K = 1 and f = 0 the sample is the prior itself: blur_1 of its
// training image exactly without prior noise (the released sampler), and
// that plus δz (std δ) with it.
func TestSamplePriorNoise(t *testing.T) {
	s, _ := NewSchedule(1, 3)
	train := randomImages(2, 4, 1, 16, 16)
	zero := ResidualFunc(func(_ context.Context, u *tensor.Tensor, _ int) (*tensor.Tensor, error) {
		return tensor.New(u.Shape()...), nil
	})
	blurred, err := Blur(train, s.Time(1))
	if err != nil {
		t.Fatal(err)
	}
	const n, d, delta = 6, 256, 0.02
	for _, prior := range []bool{false, true} {
		opt := DefaultSampleOptions()
		opt.PriorNoise, opt.Delta = prior, delta
		res, err := Sample(context.Background(), zero, s, train, n, opt)
		if err != nil {
			t.Fatal(err)
		}
		var ss float64
		for i, j := range res.Prior {
			for p := 0; p < d; p++ {
				r := float64(res.Images.Data()[i*d+p]) - float64(blurred.Data()[j*d+p])
				ss += r * r
			}
		}
		std := math.Sqrt(ss / (n * d))
		switch {
		case !prior && std != 0:
			t.Errorf("no prior noise: samples differ from the blurred training images (rms %g)", std)
		case prior && math.Abs(std-delta) > 5*delta/math.Sqrt(2*n*d):
			t.Errorf("prior noise: std %g around the blurred images, want δ = %g", std, delta)
		}
	}
}

// The strip's ends are samples a and b bit for bit, whatever the batch;
// the inside differs from both.
func TestInterpolateEnds(t *testing.T) {
	s, _ := NewSchedule(5, 3)
	train := randomImages(3, 6, 1, 8, 8)
	opt := DefaultSampleOptions()
	opt.Seed = 11
	samples, err := Sample(context.Background(), ResidualFunc(perImage), s, train, 6, opt)
	if err != nil {
		t.Fatal(err)
	}
	const d = 64
	img := func(x *tensor.Tensor, i int) []float32 { return x.Data()[i*d : (i+1)*d] }
	for _, b := range []int{2, 16} {
		opt.Batch = b
		strip, err := Interpolate(context.Background(), ResidualFunc(perImage), s, train, 2, 5, 5, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(img(strip, 0), img(samples.Images, 2)) || !slices.Equal(img(strip, 4), img(samples.Images, 5)) {
			t.Errorf("batch %d: the strip's ends are not samples 2 and 5", b)
		}
		if slices.Equal(img(strip, 2), img(strip, 0)) || slices.Equal(img(strip, 2), img(strip, 4)) {
			t.Errorf("batch %d: the middle of the strip equals an end", b)
		}
	}
}

// Slerp: exact ends, the length interpolated linearly (so kept when the
// ends have equal lengths), the angle from a growing as λΩ, and the
// linear fallback for parallel ends; all against float64 formulas.
func TestSlerp(t *testing.T) {
	const d = 200
	r := tensor.NewRNG(5)
	a, b := make([]float32, d), make([]float32, d)
	r.FillNormal(a, 0, 1)
	r.FillNormal(b, 0, 1)
	norm := func(v []float32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s)
	}
	dot := func(u, v []float32) float64 {
		var s float64
		for i := range u {
			s += float64(u[i]) * float64(v[i])
		}
		return s
	}
	omega := math.Acos(dot(a, b) / (norm(a) * norm(b)))
	dst := make([]float32, d)
	for _, l := range []float64{0, 0.1, 0.5, 0.9, 1} {
		Slerp(dst, a, b, l)
		want := (1-l)*norm(a) + l*norm(b)
		if math.Abs(norm(dst)-want) > 1e-5*want {
			t.Errorf("λ=%v: length %v, want %v", l, norm(dst), want)
		}
		if ang := math.Acos(math.Min(1, dot(dst, a)/(norm(dst)*norm(a)))); math.Abs(ang-l*omega) > 1e-3 {
			t.Errorf("λ=%v: angle from a %v, want λΩ = %v", l, ang, l*omega)
		}
	}
	Slerp(dst, a, b, 0)
	if !slices.Equal(dst, a) {
		t.Error("λ=0 is not a")
	}
	Slerp(dst, a, b, 1)
	if !slices.Equal(dst, b) {
		t.Error("λ=1 is not b")
	}
	// Equal lengths: the whole arc stays on the sphere.
	scale := float32(norm(a) / norm(b))
	for i := range b {
		b[i] *= scale
	}
	for l := 0.05; l < 1; l += 0.15 {
		Slerp(dst, a, b, l)
		if math.Abs(norm(dst)-norm(a)) > 1e-5*norm(a) {
			t.Errorf("equal lengths, λ=%.2f: length %v, want %v", l, norm(dst), norm(a))
		}
	}
	// Parallel ends: linear.
	for i := range b {
		b[i] = 2 * a[i]
	}
	Slerp(dst, a, b, 0.25)
	for i := range dst {
		if math.Abs(float64(dst[i])-1.25*float64(a[i])) > 1e-6 {
			t.Fatalf("parallel ends: %v at %d, want %v", dst[i], i, 1.25*a[i])
		}
	}
}

// Network evaluates the conditioned network at level k for every image,
// as training tells it k.
func TestNetworkResidual(t *testing.T) {
	net, err := nn.NewTCUNet(1, 4, []int{1, 2}, 1, 2, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	r := tensor.NewRNG(2)
	for _, p := range net.Params() { // the head starts at zero: move every weight
		r.FillNormal(p.Value.Data(), 0, 0.3)
	}
	u := randomImages(4, 3, 1, 8, 8)
	got, err := Network{Net: net}.Residual(context.Background(), u, 7)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		one, _ := tensor.FromSlice(slices.Clone(u.Data()[i*64:(i+1)*64]), 1, 1, 8, 8)
		tp := autograd.NewTape()
		want := net.Forward(tp, tp.Leaf(one, false), tensor.Full(7, 1), false)
		if d := maxDiff32(want.Value.Data(), got.Data()[i*64:(i+1)*64]); d > 1e-5 || tp.Err() != nil {
			t.Errorf("image %d: Network differs from Forward(x, 7) by %g (%v)", i, d, tp.Err())
		}
		if slices.Equal(want.Value.Data(), make([]float32, 64)) {
			t.Fatal("the network outputs zeros: the comparison proves nothing")
		}
	}
	if _, err := (Network{Net: net}).Residual(context.Background(), randomImages(5, 1, 1, 7, 7), 1); err == nil {
		t.Error("a 7x7 input to a two-level tc-unet was accepted")
	}
}

// Bad input is refused, naming the value, before the network runs; a
// non-finite residual names the sample and the level.
func TestSampleErrors(t *testing.T) {
	s, _ := NewSchedule(3, 3)
	good := randomImages(6, 2, 1, 4, 4)
	calls := 0
	counting := ResidualFunc(func(ctx context.Context, u *tensor.Tensor, k int) (*tensor.Tensor, error) {
		calls++
		return perImage(ctx, u, k)
	})
	nan := good.Clone()
	nan.Data()[21] = float32(math.NaN())
	opt := func(f func(*SampleOptions)) SampleOptions {
		o := DefaultSampleOptions()
		f(&o)
		return o
	}
	for _, c := range []struct {
		train *tensor.Tensor
		n     int
		opt   SampleOptions
		want  string
	}{
		{good, 0, DefaultSampleOptions(), "number of samples 0"},
		{good, 2, opt(func(o *SampleOptions) { o.Delta = -0.1 }), "δ = -0.1"},
		{good, 2, opt(func(o *SampleOptions) { o.Delta = math.NaN() }), "δ = NaN"},
		{good, 2, opt(func(o *SampleOptions) { o.Batch = 0 }), "batch 0"},
		{nan, 2, DefaultSampleOptions(), "NaN at index [1 0 1 1]"},
		{tensor.New(0, 1, 4, 4), 2, DefaultSampleOptions(), "N ≥ 1, got [0 1 4 4]"},
		{tensor.New(2, 16), 2, DefaultSampleOptions(), "got [2 16]"},
		{tensor.New(2, 1, 1, 4), 2, DefaultSampleOptions(), "1x4"},
	} {
		_, err := Sample(context.Background(), counting, s, c.train, c.n, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to say %q", err, c.want)
		}
	}
	if _, err := Interpolate(context.Background(), counting, s, good, 0, 1, 1, DefaultSampleOptions()); err == nil || !strings.Contains(err.Error(), "got 1") {
		t.Errorf("a strip of 1: error %v", err)
	}
	if calls != 0 {
		t.Errorf("the network ran %d times before the input was refused", calls)
	}
	bad := ResidualFunc(func(_ context.Context, u *tensor.Tensor, k int) (*tensor.Tensor, error) {
		out := tensor.New(u.Shape()...)
		if k == 2 {
			out.Data()[16+3] = float32(math.Inf(1))
		}
		return out, nil
	})
	if _, err := Sample(context.Background(), bad, s, good, 3, DefaultSampleOptions()); err == nil || !strings.Contains(err.Error(), "sample 1: residual at level 2 is +Inf") {
		t.Errorf("an infinite residual: error %v", err)
	}
	short := ResidualFunc(func(_ context.Context, u *tensor.Tensor, _ int) (*tensor.Tensor, error) {
		return tensor.New(1, 1, 4, 4), nil
	})
	if _, err := Sample(context.Background(), short, s, good, 3, DefaultSampleOptions()); err == nil || !strings.Contains(err.Error(), "shape [1 1 4 4] for input [3 1 4 4]") {
		t.Errorf("a wrong-shaped residual: error %v", err)
	}
}

// Progress counts image-levels up to n·K.
func TestSampleProgress(t *testing.T) {
	s, _ := NewSchedule(4, 3)
	var seen []int
	opt := DefaultSampleOptions()
	opt.Batch = 2
	opt.Progress = func(done, total int) {
		if total != 12 {
			t.Errorf("total %d, want 3 samples × 4 levels", total)
		}
		seen = append(seen, done)
	}
	if _, err := Sample(context.Background(), ResidualFunc(perImage), s, randomImages(7, 2, 1, 4, 4), 3, opt); err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 4, 6, 8, 9, 10, 11, 12}; !slices.Equal(seen, want) {
		t.Errorf("progress %v, want %v", seen, want)
	}
}
