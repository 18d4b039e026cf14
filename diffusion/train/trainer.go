package train

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// noiseSalt separates the noise stream from the initialization stream,
// which both derive from Config.Seed.
const noiseSalt = 0x6e6f_6973_65 // "noise"

// Trainer holds a run's whole state: network, optimizer, batch sampler,
// noise generator and (with Config.EMA) the averaged weights. Everything it
// does is a function of Config and Step, so Save / Resume reproduce an
// uninterrupted run exactly.
type Trainer struct {
	Cfg Config
	// Net is the network being trained (the raw weights).
	Net nn.Model
	Opt *nn.Adam
	// EMA is the moving average of Net's weights (nil without Config.EMA):
	// the network the run's model file holds.
	EMA nn.Model
	// Step is the number of completed optimizer steps.
	Step int

	// lossEMA and lossWeight are the running average behind
	// Progress.Smoothed and Result.Smoothed (lossEMA / lossWeight): part of
	// the checkpoint, so a resumed run reports the loss an uninterrupted one
	// would, even when it resumes at the last step.
	lossEMA, lossWeight float64

	set     *data.Set
	sampler *data.Sampler
	noise   *tensor.RNG
	obj     objective

	clean *tensor.Tensor // batch buffer [B,C,H,W], reused
	tape  *autograd.Tape // reset every step
}

// New starts a fresh run of cfg on the training set.
func New(cfg Config, set *data.Set) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	net, err := cfg.NewNet()
	if err != nil {
		return nil, err
	}
	t, err := newTrainer(cfg, set, net, tensor.NewRNG(cfg.Seed^noiseSalt))
	if err != nil {
		return nil, err
	}
	if t.EMA != nil { // the average starts at the initial weights
		copyState(t.EMA, t.Net)
	}
	return t, nil
}

func newTrainer(cfg Config, set *data.Set, net nn.Model, noise *tensor.RNG) (*Trainer, error) {
	if set.H != cfg.Size || set.W != cfg.Size {
		return nil, fmt.Errorf("train: the data are %dx%d images, the run is configured for %dx%d", set.H, set.W, cfg.Size, cfg.Size)
	}
	if c := max(1, cfg.Channels); set.Channels() != c {
		return nil, fmt.Errorf("train: the data have %d channels, the run is configured for %d", set.Channels(), c)
	}
	shape := []int{cfg.Batch, set.Channels(), set.H, set.W}
	if err := net.CheckInput(shape); err != nil {
		return nil, err
	}
	kind, err := lookupObjective(cfg.Objective)
	if err != nil {
		return nil, err
	}
	obj, err := kind.build(net, shape, cfg)
	if err != nil {
		return nil, fmt.Errorf("train: objective %s: %w", kind.name, err)
	}
	sampler, err := data.NewSampler(set, cfg.Batch, cfg.Seed)
	if err != nil {
		return nil, err
	}
	t := &Trainer{
		Cfg: cfg, Net: net, Opt: nn.NewAdam(net.Params()),
		set: set, sampler: sampler, noise: noise, obj: obj,
		clean: tensor.New(shape...), tape: autograd.NewTape(),
	}
	if cfg.EMA > 0 {
		if t.EMA, err = cfg.NewNet(); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// LR is the learning rate of step (from 0): the step schedule times the
// linear warm-up.
func (t *Trainer) LR(step int) float64 {
	lr := t.Cfg.Schedule().At(step)
	if w := t.Cfg.Warmup; w > 0 && step+1 < w {
		lr *= float64(step+1) / float64(w)
	}
	return lr
}

// TrainStep draws the next batch, applies the objective, and takes one Adam
// step (clipping the gradient and updating the EMA when configured). It
// returns the batch loss. A loss that is not finite stops before the update
// and is an error naming the step; so is a parameter that becomes NaN or
// Inf in the update (ReLU maps NaN to 0, so a diverged weight need not show
// in the loss).
func (t *Trainer) TrainStep() (float64, error) {
	t.sampler.Step = t.Step
	idx := t.sampler.Indices()
	t.set.Gather(t.clean.Data(), idx)
	// ReLU maps NaN to 0 here (unlike PyTorch), so a NaN pixel would not
	// reach the loss: check the data itself.
	if s := simd.SumSquares(t.clean.Data()); math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) {
		return 0, fmt.Errorf("train: step %d: the batch (images %v of %s) holds NaN or Inf pixels", t.Step+1, idx, t.set.Name)
	}
	l, err := t.update()
	if err != nil {
		return l, fmt.Errorf("train: step %d: %w", t.Step+1, err)
	}
	t.Step++
	return l, nil
}

// update records the loss, backpropagates, clips and steps. The tape is
// reset before and released after, so the activations live only during the
// step and their memory serves the next one. For the blind objective
// without clipping or EMA these are exactly nn.NoiseStep's operations, so
// study A's runs keep their bits.
func (t *Trainer) update() (float64, error) {
	tp := t.tape
	tp.Reset()
	defer tp.Release()
	loss, err := t.obj.loss(tp, t.clean, t.noise)
	if err != nil {
		return 0, err
	}
	l := float64(loss.Value.Data()[0])
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return l, fmt.Errorf("loss is %v%s (the run diverged; try a lower learning rate)", l, t.locate())
	}
	if err := nn.Backward(tp, loss, t.Net); err != nil {
		return l, err
	}
	// Before clipping (a NaN norm would spread to every gradient) and
	// before the update (the weights stay those that produced it).
	if p := nn.FirstNonFiniteGrad(t.Net.Params()); p != "" {
		return l, fmt.Errorf("the gradient of %s is NaN or Inf (loss %v)%s", p, l, t.locate())
	}
	if t.Cfg.Clip > 0 {
		ClipGradNorm(t.Net.Params(), t.Cfg.Clip)
	}
	if err := t.Opt.Update(t.LR(t.Step)); err != nil {
		return l, err
	}
	for _, p := range t.Net.Params() {
		if s := simd.SumSquares(p.Value.Data()); math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) {
			return l, fmt.Errorf("parameter %s became NaN or Inf in the update (loss %v, every gradient finite)", p.Name, l)
		}
	}
	if t.EMA != nil {
		updateEMA(t.EMA, t.Net, float32(t.Cfg.EMA))
	}
	return l, nil
}

// locate says where the step's non-finite values first appear, as the
// tail of an error message: nn.LocateNonFinite on the network's training
// pass over this step's input.
func (t *Trainer) locate() string {
	return nn.LocateNonFinite(t.Net.State(), t.obj.forward)
}
