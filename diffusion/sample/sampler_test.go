package sample

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// contraction is the denoiser f(y) = x* + a(y − x*) towards a fixed image x*;
// it records the first input it sees for every image of the first call.
type contraction struct {
	target []float32
	a      float32
	first  []float32
}

func (c *contraction) f(y *tensor.Tensor) (*tensor.Tensor, error) {
	out := tensor.New(y.Shape()...)
	d := len(c.target)
	yd, od := y.Data(), out.Data()
	if c.first == nil {
		c.first = append([]float32(nil), yd...)
	}
	for i := range yd {
		t := c.target[i%d]
		od[i] = t + c.a*(yd[i]-t)
	}
	return out, nil
}

func target(d int) []float32 {
	t := make([]float32, d)
	for i := range t {
		t[i] = float32(i%7) / 7
	}
	return t
}

func TestStepSize(t *testing.T) {
	if got := StepSize(0.01, 1); got != 0.01 {
		t.Fatalf("h_1 = %v, want h0 = 0.01", got)
	}
	// h_t = h0 t / (1 + h0 (t−1)) by hand at t = 101: 1.01 / 2 = 0.505.
	if got := StepSize(0.01, 101); math.Abs(got-0.505) > 1e-15 {
		t.Fatalf("h_101 = %v, want 0.505", got)
	}
	if got := StepSize(0.01, 1e7); !(got < 1 && got > 0.9999) {
		t.Fatalf("h_t should approach 1, got %v", got)
	}
}

// The sampler converges to the fixed point of a contraction and stops once
// σ_t < σ∞: then ‖f(y) − x*‖_rms = a/(1−a)·σ_t < σ∞ for a = 1/2.
func TestConvergesToFixedPoint(t *testing.T) {
	const h, w = 4, 5
	c := &contraction{target: target(h * w), a: 0.5}
	opt := Defaults()
	opt.Batch = 3
	res, err := Run(c.f, 7, h, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	d := h * w
	for i := 0; i < 7; i++ {
		if !res.Converged[i] || res.Sigma[i] >= opt.SigmaInf || res.Steps[i] < 10 {
			t.Fatalf("sample %d: converged %v, σ %v, steps %d", i, res.Converged[i], res.Sigma[i], res.Steps[i])
		}
		var ss float64
		for p, v := range res.Samples.Data()[i*d : (i+1)*d] {
			e := float64(v - c.target[p])
			ss += e * e
		}
		if rms := math.Sqrt(ss / float64(d)); rms >= opt.SigmaInf {
			t.Fatalf("sample %d: rms distance to the fixed point %v >= σ∞", i, rms)
		}
	}
}

// Samples do not depend on how they are batched, and two different
// denoisers see the same initial noise for the same sample index.
func TestNoiseStreamsPerSample(t *testing.T) {
	const h, w, n = 3, 3, 5
	run := func(batch int, a float32) (*Result, *contraction) {
		c := &contraction{target: target(h * w), a: a}
		opt := Defaults()
		opt.Batch, opt.Seed = batch, 42
		res, err := Run(c.f, n, h, w, opt)
		if err != nil {
			t.Fatal(err)
		}
		return res, c
	}
	r1, c1 := run(1, 0.5)
	r5, c5 := run(5, 0.5)
	for i, v := range r1.Samples.Data() {
		if v != r5.Samples.Data()[i] {
			t.Fatalf("pixel %d differs between batch 1 and batch 5: %v vs %v", i, v, r5.Samples.Data()[i])
		}
	}
	_, c2 := run(5, 0.8) // another model: the same initial images
	for i, v := range c5.first {
		if v != c2.first[i] {
			t.Fatalf("initial pixel %d differs between two models: %v vs %v", i, v, c2.first[i])
		}
	}
	// First image of the batch-1 run equals sample 0 of the batch-5 run.
	for p := 0; p < h*w; p++ {
		if c1.first[p] != c5.first[p] {
			t.Fatal("sample 0's initial noise depends on the batch")
		}
	}
	// Different samples get different noise, with std ≈ σ0 about m.
	var s, ss float64
	for _, v := range c5.first {
		s += float64(v) - 0.5
		ss += (float64(v) - 0.5) * (float64(v) - 0.5)
	}
	if std := math.Sqrt(ss / float64(len(c5.first))); std < 0.6 || std > 1.4 {
		t.Fatalf("initial noise std %v, want about σ0 = 1", std)
	}
}

func TestOptionErrors(t *testing.T) {
	c := &contraction{target: target(4), a: 0.5}
	for _, mod := range []func(*Options){
		func(o *Options) { o.H0 = 0 },
		func(o *Options) { o.Beta = 1.5 },
		func(o *Options) { o.SigmaInf = 0 },
		func(o *Options) { o.MaxSteps = 0 },
		func(o *Options) { o.MeanImage = make([]float32, 3) },
	} {
		opt := Defaults()
		mod(&opt)
		if _, err := Run(c.f, 1, 2, 2, opt); err == nil {
			t.Fatalf("options %+v accepted", opt)
		}
	}
}
