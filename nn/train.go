package nn

import (
	"encoding/hex"
	"fmt"
	"math"
	"path/filepath"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Trainer runs the authors' blind-denoiser training step: for each clean
// image x of a batch (values in [0,1]) draw σ = U², U ~ Uniform[0,1] (small
// σ densely sampled), noise n = σ·z with z ~ N(0, I), and minimize
// Σ (net(x + n) − n)² / B with Adam under a step learning-rate schedule.
// All randomness comes from RNG, so a run is reproducible from its seed and
// resumable from a checkpoint (SaveState / LoadState).
type Trainer struct {
	Net Net
	Opt *Adam
	LR  StepLR
	RNG *tensor.RNG

	tape *autograd.Tape
}

// NewTrainer returns a trainer of net with fresh Adam state and an RNG
// seeded with seed.
func NewTrainer(net Net, lr StepLR, seed uint64) *Trainer {
	return &Trainer{Net: net, Opt: NewAdam(net.Params()), LR: lr, RNG: tensor.NewRNG(seed), tape: autograd.NewTape()}
}

// Step is the number of training steps taken.
func (tr *Trainer) Step() int { return tr.Opt.Step }

// TrainStep takes one step on a batch of clean images [B,1,H,W] and returns
// the loss. A non-finite loss stops with an error naming the step, before
// any parameter changes.
func (tr *Trainer) TrainStep(clean *tensor.Tensor) (float64, error) {
	if err := tr.Net.CheckInput(clean.Shape()); err != nil {
		return 0, err
	}
	clean = clean.Contiguous()
	if !finite(clean.Data()) {
		return 0, fmt.Errorf("training step %d: the batch of clean images holds NaN or Inf", tr.Step()+1)
	}
	step := tr.Step() + 1
	noisy, noise := tr.corrupt(clean)
	l, err := NoiseStep(tr.tape, tr.Net, tr.Opt, tr.LR.At(tr.Step()), noisy, noise)
	if err != nil {
		return l, fmt.Errorf("training step %d: %w", step, err)
	}
	return l, nil
}

// corrupt draws one σ per image, then the standard normals of the whole
// batch, in that order.
func (tr *Trainer) corrupt(clean *tensor.Tensor) (noisy, noise *tensor.Tensor) {
	b := clean.Dim(0)
	per := clean.Numel() / b
	sigma := make([]float32, b)
	for i := range sigma {
		u := tr.RNG.Float64()
		sigma[i] = float32(u * u)
	}
	noise = tensor.New(clean.Shape()...)
	noisy = tensor.New(clean.Shape()...)
	nd, yd, xd := noise.Data(), noisy.Data(), clean.Data()
	tr.RNG.FillNormal(nd, 0, 1)
	for i := range nd {
		nd[i] *= sigma[i/per]
		yd[i] = xd[i] + nd[i]
	}
	return noisy, noise
}

// Checkpoint file names inside a checkpoint directory: the model alone (the
// torch_reference.py contract) and the training state next to it.
const (
	ModelFile = "model.safetensors"
	StateFile = "train_state.safetensors"
)

// SaveState writes the model and the training state (Adam moments and step,
// RNG state, schedule) into dir, each file atomically.
func (tr *Trainer) SaveState(dir string, extra map[string]string) error {
	if err := SaveModel(filepath.Join(dir, ModelFile), tr.Net, extra); err != nil {
		return err
	}
	rng, err := tr.RNG.MarshalBinary()
	if err != nil {
		return err
	}
	meta := map[string]string{"rng": hex.EncodeToString(rng)}
	for k, v := range extra {
		meta[k] = v
	}
	return SaveAdam(filepath.Join(dir, StateFile), tr.Opt, meta)
}

// LoadTrainer restores a trainer saved by SaveState (the schedule is given
// again by the caller, as it is part of the run's configuration).
func LoadTrainer(dir string, lr StepLR) (*Trainer, map[string]string, error) {
	net, meta, err := LoadModel(filepath.Join(dir, ModelFile))
	if err != nil {
		return nil, nil, err
	}
	tr := NewTrainer(net, lr, 0)
	path := filepath.Join(dir, StateFile)
	smeta, err := LoadAdam(path, tr.Opt)
	if err != nil {
		return nil, nil, err
	}
	raw, err := hex.DecodeString(smeta["rng"])
	if err == nil {
		err = tr.RNG.UnmarshalBinary(raw)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: bad rng state: %w", path, err)
	}
	return tr, meta, nil
}

// finite reports whether x holds no NaN or Inf: any such value makes the
// float32 sum of squares NaN or Inf (finite values overflow only beyond ~1e19).
func finite(x []float32) bool {
	s := simd.SumSquares(x)
	return !math.IsNaN(float64(s)) && !math.IsInf(float64(s), 0)
}
