package sample

import (
	"context"
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/tensor"
)

// gaussianWiener is the Wiener filter of n draws of x = μ + A·z in
// c×h×w values (small variances, so that no x̂0 along a DDIM trajectory
// leaves [−1,1]).
func gaussianWiener(t *testing.T, n, c, h, w int, seed int64) *analytic.Wiener {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	d := c * h * w
	a := make([]float64, d*d)
	for i := range a {
		a[i] = 0.08 * rng.NormFloat64()
	}
	mu := make([]float64, d)
	for i := range mu {
		mu[i] = 0.3 * (rng.Float64() - 0.5)
	}
	x := tensor.New(n, c, h, w)
	z := make([]float64, d)
	for k := range n {
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		for i := range d {
			v := mu[i]
			for j := range d {
				v += a[i*d+j] * z[j]
			}
			x.Data()[k*d+i] = float32(v)
		}
	}
	s, err := analytic.ComputeStats(x)
	if err != nil {
		t.Fatal(err)
	}
	return analytic.NewWiener(s)
}

// The exact posterior mean of Gaussian data makes η = 0 DDIM linear. With
// y = x_t/√ᾱ the step is y' = x̂0 + (σ'/σ)(y − x̂0) and x̂0 = μ + P(y − μ),
// so in the eigenbasis of S each coordinate r = uᵀ(y − μ) is multiplied by
// g + (σ'/σ)(1 − g), g = λ/(λ+σ²), and the returned x̂0 at t = 0 is
// μ + Σ_k g_0 r_k u_k: a closed form in float64 from the initial noise.
func TestDDIMGaussianClosedForm(t *testing.T) {
	const n, c, h, w = 5, 1, 2, 3
	wf := gaussianWiener(t, 400, c, h, w, 1)
	s := wf.S
	d := c * h * w
	opt := DDIMDefaults()
	opt.Seed = 7
	maxAbs := 0.0
	opt.Observer = func(o Observation) error {
		for _, v := range o.X0.Data() {
			maxAbs = max(maxAbs, math.Abs(float64(v)))
		}
		return nil
	}
	res, err := DDIM(context.Background(), []X0Predictor{FromVP(wf)}, n, c, h, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	if maxAbs >= 1 {
		t.Fatalf("an x̂0 reached %v: the clip acts and the closed form does not apply", maxAbs)
	}
	ts, _ := Timesteps(1000, 10)
	sig := func(s int) float64 {
		if s >= len(ts) {
			return 0
		}
		return schedule.SigmaOfAlphaBar(opt.Schedule.AlphaBar[ts[s]])
	}
	x0 := InitialNoise(n, c, h, w, opt.Seed)
	var worst float64
	for i := range n {
		y := make([]float64, d)
		for q := range y {
			y[q] = float64(x0.Data()[i*d+q])/math.Sqrt(opt.Schedule.AlphaBar[ts[0]]) - s.Mean[q]
		}
		want := slices.Clone(s.Mean)
		for k, lam := range s.Values {
			u := s.Vectors[k*d : (k+1)*d]
			var r float64
			for q := range u {
				r += u[q] * y[q]
			}
			for st := range len(ts) - 1 {
				g := lam / (lam + sig(st)*sig(st))
				r *= g + sig(st+1)/sig(st)*(1-g)
			}
			r *= lam / (lam + sig(len(ts)-1)*sig(len(ts)-1))
			for q := range u {
				want[q] += r * u[q]
			}
		}
		for q, v := range want {
			worst = max(worst, math.Abs(float64(res[0].Samples.Data()[i*d+q])-v))
		}
	}
	if worst > 2e-5 {
		t.Fatalf("DDIM of the Gaussian posterior mean is %g from the closed form", worst)
	}
}

// squash is a nonlinear per-value x̂0 = 1.6·tanh(2x_t + t/1000) that
// overshoots [−1,1], so the clip acts.
type squash struct{}

func (squash) PredictX0(_ context.Context, xt *tensor.Tensor, t int, _ float64) (*tensor.Tensor, error) {
	out := tensor.New(xt.Shape()...)
	for i, v := range xt.Contiguous().Data() {
		out.Data()[i] = float32(squashValue(float64(v), t))
	}
	return out, nil
}

func squashValue(x float64, t int) float64 { return 1.6 * math.Tanh(2*x+float64(t)/1000) }

// naiveDDIM is the diffusers step written out in float64 for one value.
func naiveDDIM(x float64, ab []float64, ts []int, clip bool) float64 {
	var x0 float64
	for s, t := range ts {
		a := ab[t]
		prev := 1.0
		if s+1 < len(ts) {
			prev = ab[ts[s+1]]
		}
		x0 = squashValue(x, t)
		eps := (x - math.Sqrt(a)*x0) / math.Sqrt(1-a)
		c := x0
		if clip {
			c = math.Max(-1, math.Min(1, c))
		}
		x = math.Sqrt(prev)*c + math.Sqrt(1-prev)*eps
	}
	return x0
}

// With clipping acting, the sampler follows a float64 loop of the update,
// and clipping changes the result.
func TestDDIMMatchesNaiveWithClip(t *testing.T) {
	const n, c, h, w = 3, 2, 2, 2
	sched := schedule.DDPM()
	for _, steps := range []int{10, 7} {
		ts, err := Timesteps(1000, steps)
		if err != nil {
			t.Fatal(err)
		}
		var diffClip float64
		for _, clip := range []bool{true, false} {
			opt := DDIMDefaults()
			opt.Steps, opt.Clip, opt.Seed = steps, clip, 3
			res, err := DDIM(context.Background(), []X0Predictor{squash{}}, n, c, h, w, opt)
			if err != nil {
				t.Fatal(err)
			}
			noise := InitialNoise(n, c, h, w, opt.Seed)
			for i, v := range noise.Data() {
				want := naiveDDIM(float64(v), sched.AlphaBar, ts, clip)
				got := float64(res[0].Samples.Data()[i])
				if math.Abs(got-want) > 1e-5 {
					t.Fatalf("steps %d clip %v value %d: %v, naive %v", steps, clip, i, got, want)
				}
				if clip {
					diffClip = max(diffClip, math.Abs(want-naiveDDIM(float64(v), sched.AlphaBar, ts, false)))
				}
			}
		}
		if diffClip < 1e-2 {
			t.Fatalf("steps %d: clipping changed the samples by only %g: the test does not exercise it", steps, diffClip)
		}
	}
}

func TestTimesteps(t *testing.T) {
	ts, err := Timesteps(1000, 10)
	if err != nil || !slices.Equal(ts, []int{900, 800, 700, 600, 500, 400, 300, 200, 100, 0}) {
		t.Fatalf("10 of 1000: %v %v", ts, err)
	}
	ts, _ = Timesteps(1000, 3) // ⌊1000/3⌋ = 333
	if !slices.Equal(ts, []int{666, 333, 0}) {
		t.Fatalf("3 of 1000: %v", ts)
	}
	// ᾱ on the grid, as diffusers' float32 schedule gives it (the locality
	// paper's reference notes, 4–5 significant digits).
	want := []float64{2.702e-4, 1.5075e-3, 6.868e-3, 2.5568e-2, 7.780e-2, 0.19357, 0.39401, 0.65635, 0.89514, 0.99990}
	sched := schedule.DDPM()
	for i, t0 := range []int{900, 800, 700, 600, 500, 400, 300, 200, 100, 0} {
		if a := sched.AlphaBar[t0]; math.Abs(a-want[i]) > 5e-4*want[i] {
			t.Fatalf("ᾱ_%d = %v, reference %v", t0, a, want[i])
		}
	}
	for _, s := range []int{0, -1, 1001} {
		if _, err := Timesteps(1000, s); err == nil {
			t.Fatalf("%d steps accepted", s)
		}
	}
}

// The observer sees the ten steps in order with the schedule's ᾱ, the
// initial noise as the first x_t, and the unclipped x̂0.
func TestDDIMObserver(t *testing.T) {
	const n, c, h, w = 4, 1, 3, 3
	opt := DDIMDefaults()
	opt.Seed = 11
	var got []Observation
	opt.Observer = func(o Observation) error {
		o.Xt, o.X0 = o.Xt.Clone(), o.X0.Clone()
		got = append(got, o)
		return nil
	}
	res, err := DDIM(context.Background(), []X0Predictor{squash{}}, n, c, h, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Fatalf("observer called %d times, want 10", len(got))
	}
	noise := InitialNoise(n, c, h, w, opt.Seed)
	var over float64
	for s, o := range got {
		if o.Step != s || o.T != 900-100*s || o.AlphaBar != opt.Schedule.AlphaBar[o.T] || o.Model != 0 || o.Traj != 0 {
			t.Fatalf("observation %d: step %d t %d ᾱ %v model %d traj %d", s, o.Step, o.T, o.AlphaBar, o.Model, o.Traj)
		}
		want, _ := squash{}.PredictX0(context.Background(), o.Xt, o.T, o.AlphaBar)
		if !slices.Equal(o.X0.Data(), want.Data()) {
			t.Fatalf("step %d: observed x̂0 is not the model's output at the observed x_t", s)
		}
		for _, v := range o.X0.Data() {
			over = max(over, math.Abs(float64(v)))
		}
	}
	if !slices.Equal(got[0].Xt.Data(), noise.Data()) {
		t.Fatal("the first x_t is not the initial noise")
	}
	if over <= 1 {
		t.Fatalf("observed x̂0 within [−1,1] (max %v): clipped before the observer", over)
	}
	if !slices.Equal(res[0].Samples.Data(), got[9].X0.Data()) {
		t.Fatal("the samples are not the last step's unclipped x̂0")
	}
	opt.Observer = func(Observation) error { return context.Canceled }
	if _, err := DDIM(context.Background(), []X0Predictor{squash{}}, n, c, h, w, opt); err == nil {
		t.Fatal("an observer error did not stop the run")
	}
}

// Samples do not depend on the batch size or on how many are drawn, and
// every model starts from the same noise on its own trajectory.
func TestDDIMDeterministicAcrossBatches(t *testing.T) {
	const c, h, w = 1, 2, 3
	wf := gaussianWiener(t, 100, c, h, w, 2)
	var ref *tensor.Tensor
	for _, b := range []int{1, 3, 32} {
		for _, n := range []int{7, 4} {
			opt := DDIMDefaults()
			opt.Batch, opt.Seed = b, 5
			res, err := DDIM(context.Background(), []X0Predictor{FromVP(wf), squash{}}, n, c, h, w, opt)
			if err != nil {
				t.Fatal(err)
			}
			if ref == nil {
				ref = res[0].Samples
				solo, err := DDIM(context.Background(), []X0Predictor{squash{}}, n, c, h, w, opt)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(solo[0].Samples.Data(), res[1].Samples.Data()) {
					t.Fatal("a model's samples depend on the other models of the run")
				}
				continue
			}
			if !slices.Equal(res[0].Samples.Data(), ref.Data()[:res[0].Samples.Numel()]) {
				t.Fatalf("batch %d, %d samples: samples differ", b, n)
			}
		}
	}
}

// SingleStep evaluates every model on the trajectory model's x_t, and its
// trajectory is that model's own DDIM run.
func TestSingleStep(t *testing.T) {
	const n, c, h, w = 3, 1, 2, 3
	wf := gaussianWiener(t, 100, c, h, w, 3)
	models := []X0Predictor{FromVP(wf), squash{}}
	opt := DDIMDefaults()
	opt.Seed = 9
	var trajX []*tensor.Tensor
	opt.Observer = func(o Observation) error {
		if o.Model == 0 {
			trajX = append(trajX, o.Xt.Clone())
		}
		return nil
	}
	own, err := DDIM(context.Background(), models[:1], n, c, h, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	opt.Observer = func(o Observation) error {
		calls++
		if o.Traj != 0 || !slices.Equal(o.Xt.Data(), trajX[o.Step].Data()) {
			t.Errorf("model %d step %d: x_t is not model 0's trajectory (traj %d)", o.Model, o.Step, o.Traj)
		}
		want, _ := models[o.Model].PredictX0(context.Background(), trajX[o.Step], o.T, o.AlphaBar)
		if !slices.Equal(o.X0.Data(), want.Data()) {
			t.Errorf("model %d step %d: x̂0 is not the model at the trajectory's x_t", o.Model, o.Step)
		}
		return nil
	}
	res, err := SingleStep(context.Background(), models, 0, n, c, h, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 20 {
		t.Fatalf("%d observations, want 2 models × 10 steps", calls)
	}
	if !slices.Equal(res.Samples.Data(), own[0].Samples.Data()) {
		t.Fatal("the single-step trajectory differs from the model's own run")
	}
	if _, err := SingleStep(context.Background(), models, 2, n, c, h, w, opt); err == nil {
		t.Fatal("trajectory model 2 of 2 accepted")
	}
}

// epsOf is the ε-prediction of an x̂0 predictor, ε̂ = (x_t − √ᾱ x̂0)/√(1−ᾱ),
// as a time-conditioned network would give it.
type epsOf struct {
	p     VPPredictor
	sched *schedule.Discrete
}

func (e epsOf) PredictNoise(ctx context.Context, x *tensor.Tensor, t []int) (*tensor.Tensor, error) {
	ab := e.sched.AlphaBar[t[0]]
	x0, err := e.p.PredictVP(ctx, x, ab)
	if err != nil {
		return nil, err
	}
	out := tensor.New(x.Shape()...)
	for i, v := range x.Data() {
		out.Data()[i] = float32((float64(v) - math.Sqrt(ab)*float64(x0.Data()[i])) / math.Sqrt(1-ab))
	}
	return out, nil
}

// The three adaptors (analytic ᾱ, ε-network, σ-space denoiser) give the same
// samples for one underlying model.
func TestDDIMAdaptorsAgree(t *testing.T) {
	const n, c, h, w = 4, 1, 2, 2
	wf := gaussianWiener(t, 100, c, h, w, 4)
	sched := schedule.DDPM()
	viaSigma, err := FromDenoiser(wf)
	if err != nil {
		t.Fatal(err)
	}
	viaVPNet, err := FromDenoiser(denoise.VP(epsOf{wf, sched}, sched))
	if err != nil {
		t.Fatal(err)
	}
	models := []X0Predictor{FromVP(wf), FromNoise(epsOf{wf, sched}), viaSigma, viaVPNet}
	res, err := DDIM(context.Background(), models, n, c, h, w, DDIMDefaults())
	if err != nil {
		t.Fatal(err)
	}
	for m := 1; m < len(models); m++ {
		for i, v := range res[m].Samples.Data() {
			if d := math.Abs(float64(v - res[0].Samples.Data()[i])); d > 1e-4 {
				t.Fatalf("adaptor %d value %d: %v vs %v", m, i, v, res[0].Samples.Data()[i])
			}
		}
	}
}

func TestDDIMErrors(t *testing.T) {
	ctx := context.Background()
	m := []X0Predictor{squash{}}
	bad := []struct {
		name string
		run  func() error
	}{
		{"no models", func() error { _, err := DDIM(ctx, nil, 1, 1, 2, 2, DDIMDefaults()); return err }},
		{"zero samples", func() error { _, err := DDIM(ctx, m, 0, 1, 2, 2, DDIMDefaults()); return err }},
		{"zero steps", func() error { o := DDIMDefaults(); o.Steps = 0; _, err := DDIM(ctx, m, 1, 1, 2, 2, o); return err }},
		{"zero batch", func() error { o := DDIMDefaults(); o.Batch = 0; _, err := DDIM(ctx, m, 1, 1, 2, 2, o); return err }},
		{"no schedule", func() error { o := DDIMDefaults(); o.Schedule = nil; _, err := DDIM(ctx, m, 1, 1, 2, 2, o); return err }},
		{"NaN prediction", func() error {
			nan := FromVP(vpFunc(func(x *tensor.Tensor) *tensor.Tensor { return tensor.Full(float32(math.NaN()), x.Shape()...) }))
			_, err := DDIM(ctx, []X0Predictor{nan}, 1, 1, 2, 2, DDIMDefaults())
			return err
		}},
		{"wrong shape", func() error {
			wrong := FromVP(vpFunc(func(x *tensor.Tensor) *tensor.Tensor { return tensor.New(1, 1, 1, 1) }))
			_, err := DDIM(ctx, []X0Predictor{wrong}, 2, 1, 2, 2, DDIMDefaults())
			return err
		}},
	}
	for _, b := range bad {
		if err := b.run(); err == nil {
			t.Errorf("%s: no error", b.name)
		}
	}
}

type vpFunc func(*tensor.Tensor) *tensor.Tensor

func (f vpFunc) PredictVP(_ context.Context, x *tensor.Tensor, _ float64) (*tensor.Tensor, error) {
	return f(x), nil
}
