// Package nn holds the study's bias-free networks (BF-UNet, BF-CNN) built
// from autograd ops, their initialization, and their optimizer (Adam with a
// step learning-rate schedule), and the time-conditioned TC-UNet of studies
// B and C. A Net predicts the noise: Denoise and Linearize (JVP and VJP at an
// image) apply the denoiser y − net(y), and NoiseStep takes one training step
// on the noise-prediction loss.
//
// Checkpoints are safetensors files (SaveModel, LoadModel, Load) whose
// parameter and buffer names are the state-dict names of the PyTorch twin
// torch_reference.py (see docs/reproduce.md), so they load into the reference
// networks.
//
// Architectures are registered by name (Register; bf-unet, bf-cnn and
// tc-unet register themselves): a Config (arch, channels, base, levels or
// layers, or a tc-unet's mult, res_blocks, groups) is exactly a checkpoint's
// metadata, New(cfg, rng) builds any registered network and Load(path)
// reads a checkpoint back with its Config, so no code outside nn switches
// on architecture names.
//
// New and Load return a Model, which is one of three kinds: a Net, the
// blind noise predictor net(y) of study A (bf-unet, bf-cnn), a Conditioned,
// the time-conditioned net(x, t) of studies B and C (tc-unet), told one
// time value per image, or a Classifier (classifier), whose embedding
// study C's sample-quality measures compare. IsConditioned says which kind a Config builds
// before building it; AsNet and AsConditioned turn a Model into the kind a
// caller needs, with an error naming the network otherwise (LoadModel
// loads blind networks only).
package nn

import (
	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Param is a named tensor of a network: a trainable parameter (weights,
// gamma) or a buffer (running_sd), which the optimizer never touches.
type Param struct {
	Name  string
	Value *tensor.Tensor
	// Grad is the gradient from the last training step (parameters only).
	Grad *tensor.Tensor
	// Buffer marks running statistics: saved in checkpoints, not trained.
	Buffer bool

	leaf *autograd.Var // the tape leaf of the last training forward pass
}

// registry collects a network's tensors in PyTorch's state-dict order.
type registry struct{ all []*Param }

func (r *registry) param(name string, shape ...int) *Param {
	p := &Param{Name: name, Value: tensor.New(shape...)}
	r.all = append(r.all, p)
	return p
}

func (r *registry) buffer(name string, shape ...int) *Param {
	p := r.param(name, shape...)
	p.Buffer = true
	return p
}

// Params returns the trainable parameters, in state-dict order.
func (r *registry) Params() []*Param {
	var out []*Param
	for _, p := range r.all {
		if !p.Buffer {
			out = append(out, p)
		}
	}
	return out
}

// State returns parameters and buffers, in state-dict order (the contents
// of a checkpoint).
func (r *registry) State() []*Param { return r.all }

// NumParams counts the trainable scalars (buffers excluded, as PyTorch's
// sum(p.numel() for p in net.parameters())).
func (r *registry) NumParams() int {
	n := 0
	for _, p := range r.Params() {
		n += p.Value.Numel()
	}
	return n
}

// bind records p on the tape for one forward pass. In training, the leaf
// wants a gradient and is remembered so CollectGrads can find it; otherwise
// the weights are constants of the computation (JVPs, VJPs and denoising
// then do no weight-gradient work, and the network may be shared read-only
// by several goroutines).
func (p *Param) bind(tp *autograd.Tape, train bool) *autograd.Var {
	v := tp.Leaf(p.Value, train)
	if train {
		p.leaf = v
	}
	return v
}
