package sample

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

// blind is a test denoiser that ignores σ, as the study's networks do.
func blind(f func(*tensor.Tensor) (*tensor.Tensor, error)) denoise.Func {
	return denoise.Func{R: denoise.Unit, F: func(_ context.Context, y *tensor.Tensor, _ []float64) (*tensor.Tensor, error) { return f(y) }}
}

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
	res, err := Run(context.Background(), blind(c.f), 7, h, w, opt)
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
		res, err := Run(context.Background(), blind(c.f), n, h, w, opt)
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
		if _, err := Run(context.Background(), blind(c.f), 1, 2, 2, opt); err == nil {
			t.Fatalf("options %+v accepted", opt)
		}
	}
}

// gain is the bias-free toy denoiser f(y) = a·y: positively homogeneous like
// the study's networks, with gain a along every direction. It records the
// first input it sees.
type gain struct {
	a     float32
	first []float32
}

func (g *gain) f(y *tensor.Tensor) (*tensor.Tensor, error) {
	out := tensor.New(y.Shape()...)
	if g.first == nil {
		g.first = append([]float32(nil), y.Data()...)
	}
	for i, v := range y.Data() {
		out.Data()[i] = g.a * v
	}
	return out, nil
}

func rms(v []float32) float64 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	return math.Sqrt(ss / float64(len(v)))
}

// With gain a = 1.05 and β = 1 (no injected noise) the chain is
// y_{t+1} = (1 + 0.05·h_t)·y_t, so σ_t = 0.05·rms(y_t) grows as
// σ_1·∏_{s<t}(1 + 0.05·h_s): the sampler must stop it at the first t where
// that product exceeds the ratio, mark it diverged and not converged.
func TestGainAboveOneDiverges(t *testing.T) {
	const h, w = 4, 4
	g := &gain{a: 1.05}
	opt := Defaults()
	opt.Beta, opt.Seed = 1, 7
	res, err := Run(context.Background(), blind(g.f), 1, h, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	want, prod := 1, 1.0
	for prod <= opt.DivergeRatio {
		prod *= 1 + 0.05*StepSize(opt.H0, want)
		want++
	}
	if !res.Diverged[0] || res.Converged[0] || res.NumDiverged() != 1 || res.NumConverged() != 0 {
		t.Fatalf("diverged %v converged %v", res.Diverged, res.Converged)
	}
	if res.Steps[0] != want || want >= opt.MaxSteps {
		t.Fatalf("stopped after %d steps, want %d (max %d)", res.Steps[0], want, opt.MaxSteps)
	}
	sigma1 := 0.05 * rms(g.first)
	if r := res.Sigma[0] / sigma1; math.Abs(r-prod) > 1e-4*prod {
		t.Fatalf("σ_t/σ_1 = %v at the stop, want ∏(1 + 0.05 h_s) = %v", r, prod)
	}
	if got := res.DivergedIndices(); len(got) != 1 || got[0] != 0 {
		t.Fatalf("diverged indices %v", got)
	}
	// The trace holds every step's σ_t: σ_1·∏_{s<t}(1 + 0.05·h_s).
	if len(res.Trace[0]) != res.Steps[0] {
		t.Fatalf("trace of %d values for %d steps", len(res.Trace[0]), res.Steps[0])
	}
	p := 1.0
	for i, s := range res.Trace[0] {
		if math.Abs(s-sigma1*p) > 1e-4*sigma1*p {
			t.Fatalf("trace step %d: σ_t = %v, want %v", i+1, s, sigma1*p)
		}
		p *= 1 + 0.05*StepSize(opt.H0, i+1)
	}
	if last := res.Trace[0][len(res.Trace[0])-1]; last != res.Sigma[0] {
		t.Fatalf("trace ends at %v, the last σ_t is %v", last, res.Sigma[0])
	}
}

// Without detection the same expanding chain runs to MaxSteps and is
// neither converged nor diverged.
func TestDivergenceDetectionOff(t *testing.T) {
	g := &gain{a: 1.05}
	opt := Defaults()
	opt.DivergeRatio, opt.MaxSteps = 0, 300
	res, err := Run(context.Background(), blind(g.f), 2, 4, 4, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if res.Steps[i] != 300 || res.Diverged[i] || res.Converged[i] {
			t.Fatalf("sample %d: steps %d diverged %v converged %v", i, res.Steps[i], res.Diverged[i], res.Converged[i])
		}
	}
}

// mixed expands images of positive mean (f = 1.05·y) and contracts the
// others towards the constant image −1: in one batch some chains diverge
// and the others converge.
func mixed(y *tensor.Tensor) (*tensor.Tensor, error) {
	out := tensor.New(y.Shape()...)
	d := y.Shape()[2] * y.Shape()[3]
	yd, od := y.Data(), out.Data()
	for lo := 0; lo < len(yd); lo += d {
		var m float32
		for _, v := range yd[lo : lo+d] {
			m += v
		}
		for p := lo; p < lo+d; p++ {
			if m > 0 {
				od[p] = 1.05 * yd[p]
			} else {
				od[p] = -1 + 0.5*(yd[p]+1)
			}
		}
	}
	return out, nil
}

// Stopping diverged chains leaves every other chain bit-identical to a run
// without detection (each chain owns its noise stream), and stops the
// diverged ones earlier than that run ends them. (Not every flagged chain
// would fail to converge: this toy's switch between its two branches lets a
// chain whose mean the injected noise flips come back, which is why the
// default ratio is generous.)
func TestDivergenceLeavesOtherChainsIntact(t *testing.T) {
	const n, h, w = 12, 4, 4
	run := func(ratio float64) *Result {
		opt := Defaults()
		opt.Mean, opt.Seed, opt.Batch, opt.MaxSteps, opt.DivergeRatio = 0, 3, 5, 400, ratio
		res, err := Run(context.Background(), blind(mixed), n, h, w, opt)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	on, off := run(4), run(0)
	if on.NumDiverged() == 0 || on.NumConverged() == 0 {
		t.Fatalf("want both kinds of chains, got %d diverged, %d converged", on.NumDiverged(), on.NumConverged())
	}
	d := h * w
	for i := range n {
		if on.Diverged[i] {
			if on.Converged[i] || on.Steps[i] >= off.Steps[i] {
				t.Fatalf("sample %d flagged diverged after %d steps (converged %v), the run without detection took %d", i, on.Steps[i], on.Converged[i], off.Steps[i])
			}
			continue
		}
		a, b := on.Samples.Data()[i*d:(i+1)*d], off.Samples.Data()[i*d:(i+1)*d]
		if !slices.Equal(a, b) || on.Steps[i] != off.Steps[i] || on.Sigma[i] != off.Sigma[i] || on.Converged[i] != off.Converged[i] {
			t.Fatalf("sample %d changed by divergence detection", i)
		}
	}
}

func TestDivergeRatioValidation(t *testing.T) {
	c := &contraction{target: target(4), a: 0.5}
	for _, r := range []float64{1, 0.5, -1, math.NaN(), math.Inf(1)} {
		opt := Defaults()
		opt.DivergeRatio = r
		if _, err := Run(context.Background(), blind(c.f), 1, 2, 2, opt); err == nil {
			t.Fatalf("diverge ratio %v accepted", r)
		}
	}
	opt := Defaults()
	opt.DivergeRatio = 0
	if _, err := Run(context.Background(), blind(c.f), 1, 2, 2, opt); err != nil {
		t.Fatalf("diverge ratio 0 (off) rejected: %v", err)
	}
}

// A denoiser that is told σ gets σ0 at the first step and (1 − βh_t)·σ_t
// after step t, σ_t = ‖f(y) − y‖/√D measured from what it returned.
func TestDenoiserIsToldTheNoiseLevel(t *testing.T) {
	const h, w = 3, 4
	d := h * w
	c := &contraction{target: target(d), a: 0.5}
	var told []float64
	var sigmas []float64 // σ_t from each call's input and output
	den := denoise.Func{R: denoise.Unit, F: func(_ context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
		told = append(told, sigma...)
		f, err := c.f(y)
		var ss float64
		for p, v := range f.Data() {
			r := float64(v - y.Data()[p])
			ss += r * r
		}
		sigmas = append(sigmas, math.Sqrt(ss/float64(d)))
		return f, err
	}}
	opt := Defaults()
	opt.Sigma0, opt.Beta = 0.8, 0.3
	res, err := Run(context.Background(), den, 1, h, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(told) != res.Steps[0] || len(told) < 10 {
		t.Fatalf("%d calls for %d steps", len(told), res.Steps[0])
	}
	if told[0] != opt.Sigma0 {
		t.Fatalf("first σ told %v, want σ0 = %v", told[0], opt.Sigma0)
	}
	for k := 1; k < len(told); k++ {
		want := (1 - opt.Beta*StepSize(opt.H0, k)) * sigmas[k-1]
		if told[k] != want {
			t.Fatalf("step %d: told σ = %v, want (1 − βh)σ_t = %v", k+1, told[k], want)
		}
	}
	// A cancelled context stops the sampler.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, den, 1, h, w, opt); err == nil {
		t.Fatal("a cancelled context did not stop the sampler")
	}
}
