package nn

import (
	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// conv3 is a bias-free 3×3 convolution with padding 1 (size-preserving).
type conv3 struct{ w *Param }

func newConv3(r *registry, rng *tensor.RNG, name string, ci, co int) *conv3 {
	c := &conv3{w: r.param(name+".weight", co, ci, 3, 3)}
	initConv(rng, c.w.Value)
	return c
}

func (c *conv3) forward(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var {
	return observe(tp, c.w, autograd.Conv2d(x, c.w.bind(tp, train), 1, 1))
}

// upConv is a bias-free transposed convolution, kernel 2, stride 2.
type upConv struct{ w *Param }

func newUpConv(r *registry, rng *tensor.RNG, name string, ci, co int) *upConv {
	u := &upConv{w: r.param(name+".weight", ci, co, 2, 2)}
	initConvTranspose(rng, u.w.Value)
	return u
}

func (u *upConv) forward(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var {
	return observe(tp, u.w, autograd.ConvTranspose2x2(x, u.w.bind(tp, train)))
}

// bfBatchNorm is the bias-free batch norm: x / sd · gamma per channel, sd from
// the batch in training (updating running_sd with momentum 0.1) and
// running_sd in evaluation.
type bfBatchNorm struct{ gamma, runningSD *Param }

// bnMomentum is PyTorch's default BatchNorm momentum, used by the authors.
const bnMomentum = 0.1

func newBFBatchNorm(r *registry, rng *tensor.RNG, name string, c int) *bfBatchNorm {
	b := &bfBatchNorm{gamma: r.param(name+".gamma", c), runningSD: r.buffer(name+".running_sd", c)}
	initGamma(rng, b.gamma.Value)
	fill(b.runningSD.Value, 1)
	return b
}

func (b *bfBatchNorm) forward(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var {
	g := b.gamma.bind(tp, train)
	if !train {
		return observe(tp, b.gamma, autograd.BatchNormEval(x, g, b.runningSD.Value))
	}
	y, sd := autograd.BatchNormTrain(x, g)
	if sd != nil {
		// Same float32 rounding steps as torch's running_sd.mul_(0.9).add_(0.1*sd).
		r := b.runningSD.Value.Data()
		for c, s := range sd {
			r[c] = float32(r[c]*(1-bnMomentum)) + float32(bnMomentum*s)
		}
	}
	return observe(tp, b.gamma, y)
}

// pair is conv–BN–ReLU twice, the building block of every UNet level (the
// first BN is absent on the UNet's first conv; the second pair is absent in
// the outermost decoder level).
type pair struct {
	conv1, conv2 *conv3
	bn1, bn2     *bfBatchNorm
}

func newPair(r *registry, rng *tensor.RNG, name string, ci, co int, firstBN, second bool) *pair {
	p := &pair{conv1: newConv3(r, rng, name+".conv1", ci, co)}
	if firstBN {
		p.bn1 = newBFBatchNorm(r, rng, name+".bn1", co)
	}
	if second {
		p.conv2 = newConv3(r, rng, name+".conv2", co, co)
		p.bn2 = newBFBatchNorm(r, rng, name+".bn2", co)
	}
	return p
}

func (p *pair) forward(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var {
	x = p.conv1.forward(tp, x, train)
	if p.bn1 != nil {
		x = p.bn1.forward(tp, x, train)
	}
	x = autograd.ReLU(x)
	if p.conv2 != nil {
		x = autograd.ReLU(p.bn2.forward(tp, p.conv2.forward(tp, x, train), train))
	}
	return x
}
