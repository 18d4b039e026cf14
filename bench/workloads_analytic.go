package bench

import (
	"context"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/tensor"
)

// Study B's analytic denoisers, as analytic_reference.py bench times them:
// N training vectors uniform in [−1,1] (d = 784 as one 28×28 channel),
// queries standard normal, ᾱ = 0.5. The reference's mask (locality) is
// built outside the timed part, as ours is (it depends on ᾱ only and is
// cached across calls); the statistics are computed untimed too.

func analyticInputs(n, b int) (train, xt *tensor.Tensor) {
	rng := tensor.NewRNG(0)
	train = tensor.New(n, 1, 28, 28)
	rng.FillUniform(train.Data(), -1, 1)
	xt = tensor.New(b, 1, 28, 28)
	rng.FillNormal(xt.Data(), 0, 1)
	return train, xt
}

var _ = register(Workload{Name: "optimal denoiser 60000x784, 128 images", Prepare: func() (func(), error) {
	train, xt := analyticInputs(60000, 128)
	o, err := analytic.NewOptimal(train)
	if err != nil {
		return nil, err
	}
	return func() { _, err := o.PredictVP(context.Background(), xt, 0.5); must(err) }, nil
}})

var _ = register(Workload{Name: "locality denoiser 2000x784, 8 images, tau 0.005", Prepare: func() (func(), error) {
	train, xt := analyticInputs(2000, 8)
	s, err := analytic.ComputeStats(train)
	if err != nil {
		return nil, err
	}
	l, err := analytic.NewLocality(train, s, 0.005)
	if err != nil {
		return nil, err
	}
	if _, err := l.Mask(0.5); err != nil { // build the cached mask untimed
		return nil, err
	}
	return func() { _, err := l.PredictVP(context.Background(), xt, 0.5); must(err) }, nil
}})
