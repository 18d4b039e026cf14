// Package sample draws images from a denoiser: study B's DDIM (ddim.go:
// η = 0 on the DDPM schedule, every model from the same noise, an observer
// of every step) and, here, the stochastic coarse-to-fine ascent of
// Kadkhodaie & Simoncelli (Algorithm 1 in docs/study.md):
//
//	y0 ~ N(m, σ0²I); repeat: d = f(y) − y; σ_t² = ‖d‖²/D;
//	h_t = h0·t/(1 + h0(t−1)); γ_t² = ((1 − βh_t)² − (1 − h_t)²)σ_t²;
//	y ← y + h_t·d + γ_t·z; until σ_t < σ∞; return f(y).
//
// Every sample index owns its own noise stream (initial noise, then one
// Gaussian image per step, drawn in step order), derived from the seed and the
// index only. So two denoisers run with the same seed start from the same
// noise and receive the same injected noise at every step, whatever the batch
// composition and even when they stop after different numbers of steps: the
// two-network experiment of the study relies on this.
//
// A chain whose σ_t grows past DivergeRatio·σ_1 is stopped and marked
// diverged (see Options.DivergeRatio); stopping it changes no other chain.
//
// The algorithm was made for blind denoisers, which estimate the noise
// level themselves. A denoiser that is told σ (denoise.Denoiser takes one
// per image) gets the chain's current noise level: σ0 at the first step,
// then (1 − βh_t)·σ_t, the level the update leaves (the injected γ_t is
// chosen so that (1 − h_t)²σ_t² + γ_t² = (1 − βh_t)²σ_t²).
package sample

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/internal/rng"
	"github.com/harmonic-go/harmonic/tensor"
)

// Options of the sampler. Defaults() gives the paper's values.
type Options struct {
	H0       float64 // initial step size h0 (0.01)
	Beta     float64 // noise injection β in (0,1]: 1 is deterministic (0.1)
	Sigma0   float64 // initial noise std σ0 (1)
	SigmaInf float64 // stop when the effective noise σ_t falls below this
	// Mean is the initial mean m: a scalar, or MeanImage (D values) if set.
	Mean      float64
	MeanImage []float32
	MaxSteps  int    // give up after this many steps (the sample is still returned)
	Seed      uint64 // noise streams: stream i belongs to sample i
	Batch     int    // samples pushed through the denoiser together
	// DivergeRatio stops a chain, marked diverged, once its σ_t exceeds
	// DivergeRatio·σ_1 (σ_1: its first effective noise); 0 disables it.
	// A bias-free denoiser is positively homogeneous, f(αy) = αf(y), so
	// where its gain along y exceeds 1 the ascent y ← y + h_t(f(y) − y)
	// scales y up geometrically and σ_t ∝ ‖y‖ never reaches σ∞.
	DivergeRatio float64
}

// Defaults are Algorithm 1's parameters. σ∞ = 0.01 as in the authors' code
// (the paper's text says 0.05): the smaller value ends on finer detail at a
// cost of a few tens of extra steps.
//
// DivergeRatio = 4: on a converging chain the expected σ_t shrinks like
// ∏(1 − βh_t), and the injected noise only adds per-step fluctuations of
// order σ_t/√D, so σ_t stays within a few percent of σ_1 at most (the quick
// study preset's eight two-network models, 512 chains run without the
// check: converged chains peaked at 1.13·σ_1). A diverging chain grows
// geometrically, a few percent per step once h_t is large (those models: 62
// chains crossed 4·σ_1, at step ~200–250, none came back, all ended above
// 1e20·σ_1 after 1500 steps), so waiting for 4·σ_1 rather than 1.5·σ_1
// costs a few dozen steps and leaves ample room against false alarms.
func Defaults() Options {
	return Options{H0: 0.01, Beta: 0.1, Sigma0: 1, SigmaInf: 0.01, Mean: 0.5, MaxSteps: 3000, Batch: 16, DivergeRatio: 4}
}

// Result holds n samples [n,1,H,W] (the final f(y)) and per-sample diagnostics.
type Result struct {
	Samples *tensor.Tensor
	// Steps taken, the last effective noise σ_t, whether σ_t < σ∞ was
	// reached before MaxSteps, and whether the chain was stopped because
	// σ_t exceeded DivergeRatio·σ_1 (a diverged chain is not converged; its
	// sample is f(y) at the step it was stopped).
	Steps     []int
	Sigma     []float64
	Converged []bool
	Diverged  []bool
	// Trace is each sample's σ_t at every step it took (Trace[i] has
	// Steps[i] values): where a chain levels off, and where it turns.
	Trace [][]float64
}

func (o Options) check(d int) error {
	switch {
	case !(o.H0 > 0 && o.H0 <= 1):
		return fmt.Errorf("sample: h0 = %v must be in (0,1]", o.H0)
	case !(o.Beta > 0 && o.Beta <= 1):
		return fmt.Errorf("sample: β = %v must be in (0,1]", o.Beta)
	case !(o.Sigma0 >= 0) || math.IsInf(o.Sigma0, 0):
		return fmt.Errorf("sample: σ0 = %v must be a finite non-negative number", o.Sigma0)
	case !(o.SigmaInf > 0):
		return fmt.Errorf("sample: σ∞ = %v must be positive", o.SigmaInf)
	case o.MaxSteps < 1:
		return fmt.Errorf("sample: max steps %d must be positive", o.MaxSteps)
	case o.Batch < 1:
		return fmt.Errorf("sample: batch %d must be positive", o.Batch)
	case !(o.DivergeRatio == 0 || o.DivergeRatio > 1) || math.IsInf(o.DivergeRatio, 0):
		// A ratio ≤ 1 would stop chains whose σ_t merely fluctuates early on.
		return fmt.Errorf("sample: diverge ratio %v must be 0 (off) or a finite number > 1", o.DivergeRatio)
	case o.MeanImage != nil && len(o.MeanImage) != d:
		return fmt.Errorf("sample: mean image has %d pixels, the samples have %d", len(o.MeanImage), d)
	}
	return nil
}

// streamSeed gives sample i's noise stream a seed that depends only on
// (seed, i): SplitMix64's output i+1 from seed.
func streamSeed(seed uint64, i int) uint64 { return rng.SplitMix64At(seed, uint64(i+1)) }

// StepSize is h_t of Algorithm 1 (t counts from 1).
func StepSize(h0 float64, t int) float64 {
	return h0 * float64(t) / (1 + h0*float64(t-1))
}

// chain is one sample's state.
type chain struct {
	index  int
	y      []float32
	rng    *tensor.RNG
	steps  int
	sigma1 float64 // σ_t at the first step, the reference of divergence
	level  float64 // the noise level the denoiser is told at the next step
}

// Run draws n samples of h×w pixels from den. The samples, Mean and σ's are
// in [0,1] units; a denoiser working in another range is adapted
// (denoise.In). Each image's output must depend on that image only (an
// eval-mode network's does).
func Run(ctx context.Context, den denoise.Denoiser, n, h, w int, opt Options) (*Result, error) {
	d := h * w
	if n < 1 || h < 1 || w < 1 {
		return nil, fmt.Errorf("sample: need n, h, w >= 1, got %d samples of %dx%d", n, h, w)
	}
	if err := opt.check(d); err != nil {
		return nil, err
	}
	f, err := denoise.In(denoise.Unit, den)
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	res := &Result{Samples: tensor.New(n, 1, h, w), Steps: make([]int, n), Sigma: make([]float64, n),
		Converged: make([]bool, n), Diverged: make([]bool, n), Trace: make([][]float64, n)}
	out := res.Samples.Data()
	// Chains run in groups of Batch; a finished chain leaves its group, so
	// the forward passes shrink as samples converge.
	for lo := 0; lo < n; lo += opt.Batch {
		hi := min(lo+opt.Batch, n)
		active := make([]*chain, 0, hi-lo)
		for i := lo; i < hi; i++ {
			active = append(active, newChain(i, d, opt))
		}
		for len(active) > 0 {
			next, err := step(ctx, f, active, h, w, opt, res, out)
			if err != nil {
				return nil, err
			}
			active = next
		}
	}
	return res, nil
}

func newChain(i, d int, opt Options) *chain {
	c := &chain{index: i, y: make([]float32, d), rng: tensor.NewRNG(streamSeed(opt.Seed, i)), level: opt.Sigma0}
	c.rng.FillNormal(c.y, 0, float32(opt.Sigma0))
	for p := range c.y {
		m := float32(opt.Mean)
		if opt.MeanImage != nil {
			m = opt.MeanImage[p]
		}
		c.y[p] += m
	}
	return c
}

// step evaluates f on every active chain, finishes those whose σ_t fell
// below σ∞ (or that diverged or hit MaxSteps), updates the others and
// returns them.
func step(ctx context.Context, f denoise.Denoiser, active []*chain, h, w int, opt Options, res *Result, out []float32) ([]*chain, error) {
	d := h * w
	y := tensor.New(len(active), 1, h, w)
	yd := y.Data()
	levels := make([]float64, len(active))
	for j, c := range active {
		copy(yd[j*d:], c.y)
		levels[j] = c.level
	}
	fy, err := f.Denoise(ctx, y, levels)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(fy.Shape(), y.Shape()) {
		return nil, fmt.Errorf("sample: denoiser returned %v for input %v", fy.Shape(), y.Shape())
	}
	fd := fy.Contiguous().Data()
	z := make([]float32, d)
	var next []*chain
	for j, c := range active {
		fj := fd[j*d : (j+1)*d]
		var ss float64
		for p := range fj {
			r := float64(fj[p] - c.y[p])
			ss += r * r
		}
		sigma := math.Sqrt(ss / float64(d))
		if math.IsNaN(sigma) || math.IsInf(sigma, 0) {
			return nil, fmt.Errorf("sample: sample %d: denoiser output is not finite at step %d", c.index, c.steps+1)
		}
		c.steps++
		if c.steps == 1 {
			c.sigma1 = sigma
		}
		res.Steps[c.index], res.Sigma[c.index] = c.steps, sigma
		res.Trace[c.index] = append(res.Trace[c.index], sigma)
		if c.done(sigma, opt, res) {
			copy(out[c.index*d:], fj)
			continue
		}
		ht := StepSize(opt.H0, c.steps)
		g2 := ((1-opt.Beta*ht)*(1-opt.Beta*ht) - (1-ht)*(1-ht)) * sigma * sigma
		gamma := float32(math.Sqrt(math.Max(g2, 0)))
		c.rng.FillNormal(z, 0, 1)
		for p := range c.y {
			c.y[p] += float32(ht)*(fj[p]-c.y[p]) + gamma*z[p]
		}
		c.level = (1 - opt.Beta*ht) * sigma
		next = append(next, c)
	}
	return next, nil
}

// done records and reports whether the chain stops at this step's σ_t:
// converged (σ_t < σ∞), diverged (σ_t > DivergeRatio·σ_1) or out of steps.
func (c *chain) done(sigma float64, opt Options, res *Result) bool {
	switch {
	case sigma < opt.SigmaInf:
		res.Converged[c.index] = true
	case opt.DivergeRatio > 0 && sigma > opt.DivergeRatio*c.sigma1:
		res.Diverged[c.index] = true
	case c.steps >= opt.MaxSteps:
	default:
		return false
	}
	return true
}

// ErrNoSamples is returned by helpers given an empty result.
var ErrNoSamples = errors.New("sample: no samples")

// MeanSteps is the average number of steps over the samples.
func (r *Result) MeanSteps() (float64, error) {
	if len(r.Steps) == 0 {
		return 0, ErrNoSamples
	}
	s := 0
	for _, v := range r.Steps {
		s += v
	}
	return float64(s) / float64(len(r.Steps)), nil
}

// NumConverged counts the samples that reached σ∞.
func (r *Result) NumConverged() int { return count(r.Converged) }

// NumDiverged counts the samples stopped for divergence.
func (r *Result) NumDiverged() int { return count(r.Diverged) }

// DivergedIndices lists the diverged samples in index order.
func (r *Result) DivergedIndices() []int {
	idx := []int{}
	for i, d := range r.Diverged {
		if d {
			idx = append(idx, i)
		}
	}
	return idx
}

func count(v []bool) int {
	n := 0
	for _, b := range v {
		if b {
			n++
		}
	}
	return n
}
