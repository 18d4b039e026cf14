package train

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// An objective turns a clean batch (pixels in [0,1]) into the network's
// inputs and targets, drawing its noise from the run's noise generator, and
// records the loss on a tape.
type objective interface {
	loss(tp *autograd.Tape, clean *tensor.Tensor, noise *tensor.RNG) (*autograd.Var, error)
	// forward records the network's training pass on the input of the last
	// loss again, drawing no noise: how a failed step is located.
	forward(tp *autograd.Tape) *autograd.Var
}

// objectiveKind is a registered objective: whether it trains a
// time-conditioned network, and how to build it for one.
type objectiveKind struct {
	name        string
	conditioned bool
	build       func(net nn.Model, shape []int, cfg Config) (objective, error)
}

var objectives = map[string]objectiveKind{
	"blind": {name: "blind", build: func(net nn.Model, shape []int, cfg Config) (objective, error) {
		n, err := nn.AsNet(net)
		if err != nil {
			return nil, err
		}
		o := &blindObjective{net: n, noisy: tensor.New(shape...), target: tensor.New(shape...), weight: cfg.SigmaWeight}
		if o.weight > 0 {
			o.scale = tensor.New(shape...)
		}
		return o, nil
	}},
	"vp-eps": {name: "vp-eps", conditioned: true, build: func(net nn.Model, shape []int, _ Config) (objective, error) {
		n, err := nn.AsConditioned(net)
		if err != nil {
			return nil, err
		}
		return &vpEpsObjective{net: n, sched: schedule.DDPM(), xt: tensor.New(shape...), eps: tensor.New(shape...), times: tensor.New(shape[0])}, nil
	}},
	"heat": {name: "heat", conditioned: true, build: func(net nn.Model, shape []int, cfg Config) (objective, error) {
		return newHeatObjective(net, shape, cfg.HeatLevels(), cfg.HeatSigmaMaxOrDefault())
	}},
}

// Objectives lists the objective names, sorted.
func Objectives() []string {
	names := make([]string, 0, len(objectives))
	for n := range objectives {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// lookupObjective resolves a Config.Objective ("" is blind).
func lookupObjective(name string) (objectiveKind, error) {
	if name == "" {
		name = "blind"
	}
	o, ok := objectives[name]
	if !ok {
		return objectiveKind{}, fmt.Errorf("train: unknown objective %q (known: %s)", name, strings.Join(Objectives(), ", "))
	}
	return o, nil
}

// blindObjective is study A's: σ = U² per image, noisy = x + σz, target σz,
// loss Σ (net(noisy) − σz)² / B (nn.NoiseLoss). With a σ weight c > 0 each
// image's squared error is divided by σ² + c (Config.SigmaWeight).
type blindObjective struct {
	net           nn.Net
	noisy, target *tensor.Tensor
	weight        float64        // c of the σ weighting (0: none)
	scale         *tensor.Tensor // 1/√(σ² + c) of each image, repeated over its pixels
}

func (o *blindObjective) loss(tp *autograd.Tape, clean *tensor.Tensor, noise *tensor.RNG) (*autograd.Var, error) {
	o.draw(clean, noise)
	if o.weight == 0 {
		return nn.NoiseLoss(tp, o.net, o.noisy, o.target)
	}
	return o.weightedLoss(tp)
}

// weightedLoss records Σ_i ‖net(noisy_i) − σ_i z_i‖² / (σ_i² + c) / B as the
// squared error of the prediction and the target both scaled by
// 1/√(σ_i² + c): the weight then reaches the gradient through the one
// elementwise product the prediction goes through.
func (o *blindObjective) weightedLoss(tp *autograd.Tape) (*autograd.Var, error) {
	if err := o.net.CheckInput(o.noisy.Shape()); err != nil {
		return nil, err
	}
	s := tp.Leaf(o.scale, false)
	pred := autograd.Mul(o.net.Forward(tp, tp.Leaf(o.noisy, false), true), s)
	target := autograd.Mul(tp.Leaf(o.target, false), s)
	loss := autograd.Scale(autograd.SquaredError(pred, target), 1/float32(o.noisy.Dim(0)))
	return loss, tp.Err()
}

func (o *blindObjective) forward(tp *autograd.Tape) *autograd.Var {
	return o.net.Forward(tp, tp.Leaf(o.noisy, false), true)
}

// draw fills noisy and target for the clean batch.
func (o *blindObjective) draw(clean *tensor.Tensor, noise *tensor.RNG) {
	b := clean.Dim(0)
	d := clean.Numel() / b
	x, y, n := clean.Data(), o.noisy.Data(), o.target.Data()
	for i := range b {
		s64 := schedule.BlindSigma(noise)
		sigma := float32(s64)
		zi := n[i*d : (i+1)*d]
		noise.FillNormal(zi, 0, 1)
		for j := range zi {
			zi[j] *= sigma
			y[i*d+j] = x[i*d+j] + zi[j]
		}
		if o.scale != nil {
			// σ as float64 (σ² + c for small c would lose digits in float32).
			w := float32(1 / math.Sqrt(s64*s64+o.weight))
			si := o.scale.Data()[i*d : (i+1)*d]
			for j := range si {
				si[j] = w
			}
		}
	}
}

// vpEpsObjective is DDPM's ε-prediction: x0 = 2u − 1, a step
// t ~ U{0..T−1} for each image of the batch, then ε ~ N(0, I) image by
// image, x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε, loss
// Σ (ε̂(x_t, t) − ε)² / B.
type vpEpsObjective struct {
	net     nn.Conditioned
	sched   *schedule.Discrete
	xt, eps *tensor.Tensor
	times   *tensor.Tensor // [B] the steps as the network reads them
}

func (o *vpEpsObjective) loss(tp *autograd.Tape, clean *tensor.Tensor, noise *tensor.RNG) (*autograd.Var, error) {
	b := clean.Dim(0)
	ts := make([]int, b)
	for i := range ts {
		ts[i] = noise.Intn(o.sched.T())
	}
	vpNoise(o.sched, clean, ts, o.xt, o.eps, o.times, noise)
	return conditionedLoss(tp, o.net, o.xt, o.times, o.eps)
}

func (o *vpEpsObjective) forward(tp *autograd.Tape) *autograd.Var {
	return o.net.Forward(tp, tp.Leaf(o.xt, false), o.times, true)
}

// vpNoise fills eps ~ N(0, I) image by image and x_t = √ᾱ_t·(2u−1) +
// √(1−ᾱ_t)·ε for the steps ts, and times with ts as float32.
func vpNoise(sched *schedule.Discrete, clean *tensor.Tensor, ts []int, xt, eps, times *tensor.Tensor, noise *tensor.RNG) {
	b := clean.Dim(0)
	d := clean.Numel() / b
	u, x, e := clean.Data(), xt.Data(), eps.Data()
	for i, t := range ts {
		ab := sched.AlphaBar[t]
		a, s := float32(math.Sqrt(ab)), float32(math.Sqrt(1-ab))
		ei := e[i*d : (i+1)*d]
		noise.FillNormal(ei, 0, 1)
		for j, ev := range ei {
			x[i*d+j] = a*(2*u[i*d+j]-1) + s*ev
		}
		times.Data()[i] = float32(t)
	}
}

// conditionedLoss records Σ (net(x, t) − target)² / B in training mode.
func conditionedLoss(tp *autograd.Tape, net nn.Conditioned, x, t, target *tensor.Tensor) (*autograd.Var, error) {
	if err := net.CheckInput(x.Shape()); err != nil {
		return nil, err
	}
	pred := net.Forward(tp, tp.Leaf(x, false), t, true)
	loss := autograd.Scale(autograd.SquaredError(pred, tp.Leaf(target, false)), 1/float32(x.Dim(0)))
	return loss, tp.Err()
}
