package train

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// noiseSalt separates the noise stream from the initialization stream,
// which both derive from Config.Seed.
const noiseSalt = 0x6e6f_6973_65 // "noise"

// Trainer holds a run's whole state: network, optimizer, batch sampler and
// noise generator. Everything it does is a function of Config and Step, so
// Save / Resume reproduce an uninterrupted run exactly.
type Trainer struct {
	Cfg Config
	Net nn.Net
	Opt *nn.Adam
	// Step is the number of completed optimizer steps.
	Step int

	set     *data.Set
	sampler *data.Sampler
	noise   *tensor.RNG

	clean, noisy, target *tensor.Tensor // batch buffers [B,C,H,W], reused
	tape                 *autograd.Tape // reset every step
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
	return newTrainer(cfg, set, net, tensor.NewRNG(cfg.Seed^noiseSalt))
}

func newTrainer(cfg Config, set *data.Set, net nn.Net, noise *tensor.RNG) (*Trainer, error) {
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
	sampler, err := data.NewSampler(set, cfg.Batch, cfg.Seed)
	if err != nil {
		return nil, err
	}
	return &Trainer{
		Cfg: cfg, Net: net, Opt: nn.NewAdam(net.Params()),
		set: set, sampler: sampler, noise: noise,
		clean: tensor.New(shape...), noisy: tensor.New(shape...), target: tensor.New(shape...),
		tape: autograd.NewTape(),
	}, nil
}

// TrainStep draws the next batch, adds noise, and takes one Adam step. It
// returns the batch loss Σ (net(noisy) − noise)² / B. A loss that is not
// finite stops before the update and is an error naming the step.
func (t *Trainer) TrainStep() (float64, error) {
	t.sampler.Step = t.Step
	idx := t.sampler.Indices()
	t.set.Gather(t.clean.Data(), idx)
	// ReLU maps NaN to 0 here (unlike PyTorch), so a NaN pixel would not
	// reach the loss: check the data itself.
	if s := simd.SumSquares(t.clean.Data()); math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) {
		return 0, fmt.Errorf("train: step %d: the batch (images %v of %s) holds NaN or Inf pixels", t.Step+1, idx, t.set.Name)
	}
	t.addNoise()
	l, err := nn.NoiseStep(t.tape, t.Net, t.Opt, t.Cfg.Schedule().At(t.Step), t.noisy, t.target)
	if err != nil {
		return l, fmt.Errorf("train: step %d: %w", t.Step+1, err)
	}
	t.Step++
	return l, nil
}

// addNoise draws σ = U² per image and z ~ N(0, I): noisy = x + σz, and the
// target (what the network must predict) is σz.
func (t *Trainer) addNoise() {
	d := t.set.D()
	x, y, n := t.clean.Data(), t.noisy.Data(), t.target.Data()
	for i := range t.Cfg.Batch {
		sigma := float32(schedule.BlindSigma(t.noise))
		zi := n[i*d : (i+1)*d]
		t.noise.FillNormal(zi, 0, 1)
		for j := range zi {
			zi[j] *= sigma
			y[i*d+j] = x[i*d+j] + zi[j]
		}
	}
}
