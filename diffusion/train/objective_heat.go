package train

import (
	"fmt"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// HeatNoise is the σ of the heat objective's input noise on [0,1] data
// (config.model.sigma = 0.01 in every released config).
const HeatNoise = heat.TrainingNoise

// Default heat schedule at CPU scale (docs/study.md, study C: K = 20–50
// with a tc-unet of base 32; the released MNIST config has σ_max = 20).
const (
	DefaultHeatK        = 20
	DefaultHeatSigmaMax = 20
)

// heatObjective is inverse heat dissipation's (Rissanen et al.): data u0 in
// [0,1], a level k ~ U{1..K} for each image (K included: the sampler starts
// there), then ε image by image; input ũ = u_k + σε with u_k the heat blur
// of level k, the network (told k) predicts the residual f, and the loss is
// Σ (u_{k−1} − (ũ + f(ũ, k)))² / B, i.e. f's target is u_{k−1} − ũ.
type heatObjective struct {
	net           nn.Conditioned
	sched         heat.Schedule
	input, target *tensor.Tensor
	times         *tensor.Tensor // [B] the levels as the network reads them
}

func newHeatObjective(net nn.Model, shape []int, k int, sigmaMax float64) (objective, error) {
	n, err := nn.AsConditioned(net)
	if err != nil {
		return nil, err
	}
	sched, err := heat.NewSchedule(k, sigmaMax)
	if err != nil {
		return nil, err
	}
	return &heatObjective{net: n, sched: sched, input: tensor.New(shape...), target: tensor.New(shape...), times: tensor.New(shape[0])}, nil
}

func (o *heatObjective) forward(tp *autograd.Tape) *autograd.Var {
	return o.net.Forward(tp, tp.Leaf(o.input, false), o.times, true)
}

func (o *heatObjective) loss(tp *autograd.Tape, clean *tensor.Tensor, noise *tensor.RNG) (*autograd.Var, error) {
	b := clean.Dim(0)
	ks := make([]int, b)
	for i := range ks {
		ks[i] = 1 + noise.Intn(o.sched.K())
	}
	if err := heatPair(o.sched, clean, ks, o.input, o.target, o.times, noise); err != nil {
		return nil, err
	}
	return conditionedLoss(tp, o.net, o.input, o.times, o.target)
}

// heatPair fills, for levels ks, input = u_k + σε (ε drawn image by image)
// and target = u_{k−1} − input, and times with ks as float32.
func heatPair(sched heat.Schedule, clean *tensor.Tensor, ks []int, input, target, times *tensor.Tensor, noise *tensor.RNG) error {
	shape := clean.Shape()
	one := append([]int{1}, shape[1:]...)
	d := clean.Numel() / shape[0]
	in, tg, u := input.Data(), target.Data(), clean.Contiguous().Data()
	for i, k := range ks {
		img, err := tensor.FromSlice(u[i*d:(i+1)*d], one...)
		if err != nil {
			return err
		}
		uk, err := heat.Blur(img, sched.Time(k))
		if err != nil {
			return fmt.Errorf("heat objective: %w", err)
		}
		prev, err := heat.Blur(img, sched.Time(k-1))
		if err != nil {
			return fmt.Errorf("heat objective: %w", err)
		}
		x := in[i*d : (i+1)*d]
		noise.FillNormal(x, 0, HeatNoise)
		for j, v := range uk.Data() {
			x[j] += v
			tg[i*d+j] = prev.Data()[j] - x[j]
		}
		times.Data()[i] = float32(k)
	}
	return nil
}
