package heat

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/harmonic-go/harmonic/internal/rng"
	"github.com/harmonic-go/harmonic/tensor"
)

// TrainingNoise is σ, the std of the noise the heat objective adds to its
// inputs on [0,1] data (config.model.sigma = 0.01 in every released
// config); the sampler's default δ is 1.25σ.
const TrainingNoise = 0.01

// DefaultDelta is δ = 1.25σ, the sampling noise of the released training
// previews (train.py); the released sample.py defaults to δ = σ instead.
const DefaultDelta = 1.25 * TrainingNoise

// Residual is the reverse process's network: for a batch u [B,C,H,W] of
// images all at level k (1..K) it returns f(u, k) [B,C,H,W], the step
// u_{k−1} ≈ u + f(u, k). Each output image must depend on its own input
// image only (an eval-mode network's does), so that a sample does not
// depend on the batch it is computed in.
type Residual interface {
	Residual(ctx context.Context, u *tensor.Tensor, k int) (*tensor.Tensor, error)
}

// ResidualFunc is a function used as a Residual (analytic models, tests).
type ResidualFunc func(ctx context.Context, u *tensor.Tensor, k int) (*tensor.Tensor, error)

// Residual calls f.
func (f ResidualFunc) Residual(ctx context.Context, u *tensor.Tensor, k int) (*tensor.Tensor, error) {
	return f(ctx, u, k)
}

// SampleOptions configure Sample and Interpolate; DefaultSampleOptions
// gives the study's values.
type SampleOptions struct {
	// Delta is the std δ of the noise added after each step (and of the
	// prior's noise).
	Delta float64
	// PriorNoise adds δ·z to the blurred training image of the prior, the
	// KDE the paper describes. Off reproduces the released sampler, whose
	// prior is the blurred image alone. The prior noise is drawn either
	// way, so both settings see the same training image and the same step
	// noise.
	PriorNoise bool
	// Seed names the noise streams: sample i draws its training image,
	// its prior noise and then one noise image per step from stream i.
	Seed uint64
	// Batch is how many images go through the network together; it
	// changes no sample.
	Batch int
	// Progress, if set, is called after each network evaluation with the
	// image-levels done and the total (images × K).
	Progress func(done, total int)
}

// DefaultSampleOptions: δ = 1.25σ, prior noise on, seed 0, batch 16.
func DefaultSampleOptions() SampleOptions {
	return SampleOptions{Delta: DefaultDelta, PriorNoise: true, Batch: 16}
}

func (o SampleOptions) check() error {
	switch {
	case !(o.Delta >= 0) || math.IsInf(o.Delta, 0):
		return fmt.Errorf("heat: sampling noise δ = %v must be finite and ≥ 0", o.Delta)
	case o.Batch < 1:
		return fmt.Errorf("heat: sampling batch %d must be positive", o.Batch)
	}
	return nil
}

// Samples are the outputs of Sample: images [n,C,H,W] and, per sample, the
// index of the training image its prior blurred.
type Samples struct {
	Images *tensor.Tensor
	Prior  []int
}

// Sample draws n images by inverse heat dissipation (Rissanen et al.,
// Algorithm 2): the KDE prior u_K = blur_K(x_j) + δz with x_j a training
// image drawn uniformly (without the δz when PriorNoise is off), then for
// k = K..1: μ = u + f(u, k), u = μ + δz; the result is the last μ (no noise
// after the last step). train is the training set [N,C,H,W] in [0,1].
//
// Every check (options, sizes, a non-finite training pixel) runs before
// the first network evaluation; a non-finite residual stops the run with an
// error naming the sample and level.
func Sample(ctx context.Context, f Residual, sched Schedule, train *tensor.Tensor, n int, opt SampleOptions) (*Samples, error) {
	if n < 1 {
		return nil, fmt.Errorf("heat: number of samples %d must be positive", n)
	}
	p, err := newPriorSet(sched, train, opt)
	if err != nil {
		return nil, err
	}
	res := &Samples{Images: tensor.New(append([]int{n}, p.shape...)...), Prior: make([]int, n)}
	out := res.Images.Data()
	done, total := 0, n*sched.K()
	for lo := 0; lo < n; lo += opt.Batch {
		hi := min(lo+opt.Batch, n)
		chains := make([]*heatChain, hi-lo)
		for i := range chains {
			c, err := p.draw(lo + i)
			if err != nil {
				return nil, err
			}
			chains[i] = c
			res.Prior[lo+i] = c.image
		}
		states := make([][]float32, len(chains))
		for i, c := range chains {
			states[i] = priorState(c.blurred, c.z, p.priorStd())
		}
		err := p.run(ctx, f, states, lo, func() {
			for _, c := range chains {
				c.rng.FillNormal(c.z, 0, 1)
			}
		}, func(i int) []float32 { return chains[i].z }, &done, total)
		if err != nil {
			return nil, err
		}
		for i, s := range states {
			copy(out[(lo+i)*p.d:], s)
		}
	}
	return res, nil
}

// Interpolate runs the sampler along a strip of n ≥ 2 latents between the
// prior draws of samples a and b of opt.Seed: at λ = j/(n−1) the blurred
// training images are mixed linearly, (1−λ)·blur_a + λ·blur_b, and every
// noise image (the prior's and each step's) spherically with Slerp, so the
// noise keeps the length a Gaussian draw has. Image 0 is sample a of
// Sample with the same options and image n−1 is sample b, exactly.
func Interpolate(ctx context.Context, f Residual, sched Schedule, train *tensor.Tensor, a, b, n int, opt SampleOptions) (*tensor.Tensor, error) {
	if n < 2 {
		return nil, fmt.Errorf("heat: an interpolation strip needs at least 2 images, got %d", n)
	}
	if a < 0 || b < 0 {
		return nil, fmt.Errorf("heat: interpolation ends %d and %d must be sample indices ≥ 0", a, b)
	}
	p, err := newPriorSet(sched, train, opt)
	if err != nil {
		return nil, err
	}
	strip := tensor.New(append([]int{n}, p.shape...)...)
	out := strip.Data()
	done, total := 0, n*sched.K()
	for lo := 0; lo < n; lo += opt.Batch {
		hi := min(lo+opt.Batch, n)
		// Each group replays both ends' streams from their start.
		ca, err := p.draw(a)
		if err != nil {
			return nil, err
		}
		cb, err := p.draw(b)
		if err != nil {
			return nil, err
		}
		lambdas := make([]float64, hi-lo)
		states := make([][]float32, hi-lo)
		noise := make([][]float32, hi-lo)
		blurred, z := make([]float32, p.d), make([]float32, p.d)
		for i := range states {
			lambdas[i] = float64(lo+i) / float64(n-1)
			lerp(blurred, ca.blurred, cb.blurred, lambdas[i])
			Slerp(z, ca.z, cb.z, lambdas[i])
			states[i] = priorState(blurred, z, p.priorStd())
			noise[i] = make([]float32, p.d)
		}
		err = p.run(ctx, f, states, lo, func() {
			ca.rng.FillNormal(ca.z, 0, 1)
			cb.rng.FillNormal(cb.z, 0, 1)
			for i, l := range lambdas {
				Slerp(noise[i], ca.z, cb.z, l)
			}
		}, func(i int) []float32 { return noise[i] }, &done, total)
		if err != nil {
			return nil, err
		}
		for i, s := range states {
			copy(out[(lo+i)*p.d:], s)
		}
	}
	return strip, nil
}

// priorSet is the training set and schedule a run draws priors from.
type priorSet struct {
	sched Schedule
	train []float32 // [N,C,H,W] contiguous
	n, d  int
	shape []int // C,H,W
	opt   SampleOptions
}

func newPriorSet(sched Schedule, train *tensor.Tensor, opt SampleOptions) (*priorSet, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	if sched.K() < 1 {
		return nil, fmt.Errorf("heat: the sampler needs a schedule (got K = %d levels)", sched.K())
	}
	if train == nil || train.Rank() != 4 || train.Dim(0) < 1 {
		var shape []int
		if train != nil {
			shape = train.Shape()
		}
		return nil, fmt.Errorf("heat: the KDE prior needs training images [N,C,H,W] with N ≥ 1, got %v", shape)
	}
	if h, w := train.Dim(2), train.Dim(3); h < 2 || w < 2 {
		return nil, fmt.Errorf("heat: training images of %dx%d; both sides must be at least 2", h, w)
	}
	train = train.Contiguous()
	if err := checkFinite(train); err != nil {
		return nil, fmt.Errorf("training images: %w", err)
	}
	n := train.Dim(0)
	return &priorSet{sched: sched, train: train.Data(), n: n, d: train.Numel() / n, shape: train.Shape()[1:], opt: opt}, nil
}

// priorStd is the std of the prior's noise: δ, or 0 without prior noise.
func (p *priorSet) priorStd() float64 {
	if p.opt.PriorNoise {
		return p.opt.Delta
	}
	return 0
}

// heatChain is one stream's draw: its training image, the image's blur to
// level K and the current noise image z (the prior's, then each step's).
type heatChain struct {
	rng     *tensor.RNG
	image   int
	blurred []float32
	z       []float32
}

// streamSeed gives sample i's stream a seed that depends only on
// (seed, i).
func streamSeed(seed uint64, i int) uint64 { return rng.SplitMix64At(seed, uint64(i+1)) }

// draw starts stream i: the training image index, its blur to level K and
// the prior noise.
func (p *priorSet) draw(i int) (*heatChain, error) {
	c := &heatChain{rng: tensor.NewRNG(streamSeed(p.opt.Seed, i)), z: make([]float32, p.d)}
	c.image = c.rng.Intn(p.n)
	img, err := tensor.FromSlice(p.train[c.image*p.d:(c.image+1)*p.d], append([]int{1}, p.shape...)...)
	if err != nil {
		return nil, err
	}
	u, err := Blur(img, p.sched.Time(p.sched.K()))
	if err != nil {
		return nil, err
	}
	c.blurred = u.Data()
	c.rng.FillNormal(c.z, 0, 1)
	return c, nil
}

// priorState is the prior u_K = blurred + std·z (one function for Sample
// and Interpolate, so a strip's ends are samples bit for bit).
func priorState(blurred, z []float32, std float64) []float32 {
	u := make([]float32, len(blurred))
	s := float32(std)
	for i, v := range blurred {
		u[i] = v + s*z[i]
	}
	return u
}

// run takes the states (one image each) from level K down to 0 in place:
// μ = u + f(u, k); at k > 1 nextNoise() draws the step's noise images and
// u = μ + δ·noise(i); at k = 1 the state becomes μ. first is the first
// state's sample index, for error messages; done counts image-levels for
// Progress.
func (p *priorSet) run(ctx context.Context, f Residual, states [][]float32, first int, nextNoise func(),
	noise func(i int) []float32, done *int, total int) error {
	b := len(states)
	u := tensor.New(append([]int{b}, p.shape...)...)
	ud := u.Data()
	delta := float32(p.opt.Delta)
	for k := p.sched.K(); k >= 1; k-- {
		if err := ctx.Err(); err != nil {
			return err
		}
		for i, s := range states {
			copy(ud[i*p.d:], s)
		}
		r, err := f.Residual(ctx, u, k)
		if err != nil {
			return fmt.Errorf("heat: residual at level %d: %w", k, err)
		}
		if !slices.Equal(r.Shape(), u.Shape()) {
			return fmt.Errorf("heat: residual at level %d has shape %v for input %v", k, r.Shape(), u.Shape())
		}
		rd := r.Contiguous().Data()
		if k > 1 {
			nextNoise()
		}
		for i, s := range states {
			ri := rd[i*p.d : (i+1)*p.d]
			var z []float32
			if k > 1 {
				z = noise(i)
			}
			for j := range s {
				v := ri[j]
				if v-v != 0 {
					return fmt.Errorf("heat: sample %d: residual at level %d is %v at value %d; the network's output must be finite", first+i, k, v, j)
				}
				mu := s[j] + v
				if z != nil {
					mu += delta * z[j]
				}
				s[j] = mu
			}
		}
		*done += b
		if p.opt.Progress != nil {
			p.opt.Progress(*done, total)
		}
	}
	return nil
}

// lerp sets dst = (1−λ)·a + λ·b (computed in float64: λ = 0 gives a and
// λ = 1 gives b exactly).
func lerp(dst, a, b []float32, lambda float64) {
	for i := range dst {
		dst[i] = float32((1-lambda)*float64(a[i]) + lambda*float64(b[i]))
	}
}

// Slerp sets dst to the spherical interpolation of a and b at λ ∈ [0,1]:
// the direction moves along the great circle from a's to b's at constant
// angular speed and the length is (1−λ)|a| + λ|b|, so two Gaussian draws
// (whose lengths are both ≈ √D) interpolate through vectors of that same
// length instead of shrinking towards 0 as a linear mix does (to |a|/√2
// halfway for independent draws). λ = 0 and 1 copy a and b exactly. When
// a or b is zero or the two are (anti)parallel, the great circle is not
// defined and the mix is linear.
func Slerp(dst, a, b []float32, lambda float64) {
	switch lambda {
	case 0:
		copy(dst, a)
		return
	case 1:
		copy(dst, b)
		return
	}
	var aa, bb, ab float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		aa += x * x
		bb += y * y
		ab += x * y
	}
	na, nb := math.Sqrt(aa), math.Sqrt(bb)
	if na == 0 || nb == 0 {
		lerp(dst, a, b, lambda)
		return
	}
	cos := math.Max(-1, math.Min(1, ab/(na*nb)))
	omega := math.Acos(cos)
	sin := math.Sin(omega)
	if sin < 1e-7 {
		lerp(dst, a, b, lambda)
		return
	}
	length := (1-lambda)*na + lambda*nb
	wa := length * math.Sin((1-lambda)*omega) / (sin * na)
	wb := length * math.Sin(lambda*omega) / (sin * nb)
	for i := range dst {
		dst[i] = float32(wa*float64(a[i]) + wb*float64(b[i]))
	}
}
