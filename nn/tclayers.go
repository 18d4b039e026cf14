package nn

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Layers of the time-conditioned UNet (tcunet.go). Unlike the bias-free
// networks, every convolution and linear map has a bias, and the
// initialization is PyTorch's default, so a fresh network matches a fresh
// torch_reference.py TCUNet in distribution: weights and biases
// U(−1/√fan_in, 1/√fan_in) (kaiming_uniform_ with a = √5), GroupNorm
// weight 1 and bias 0.

// initTorchDefault fills w and b with PyTorch's default Conv2d/Linear init.
func initTorchDefault(rng *tensor.RNG, w, b *tensor.Tensor, fanIn int) {
	bound := float32(1 / math.Sqrt(float64(fanIn)))
	rng.FillUniform(w.Data(), -bound, bound)
	rng.FillUniform(b.Data(), -bound, bound)
}

// biasConv is a convolution with bias: kernel k×k, padding k/2, the given
// stride.
type biasConv struct {
	w, b   *Param
	stride int
}

func newBiasConv(r *registry, rng *tensor.RNG, name string, ci, co, k, stride int) *biasConv {
	c := &biasConv{w: r.param(name+".weight", co, ci, k, k), b: r.param(name+".bias", co), stride: stride}
	initTorchDefault(rng, c.w.Value, c.b.Value, ci*k*k)
	return c
}

func (c *biasConv) forward(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var {
	k := c.w.Value.Dim(2)
	return observe(tp, c.w, autograd.Conv2dBias(x, c.w.bind(tp, train), c.b.bind(tp, train), c.stride, k/2))
}

// linear is PyTorch's nn.Linear: weight [out,in], bias [out].
type linear struct{ w, b *Param }

func newLinear(r *registry, rng *tensor.RNG, name string, in, out int) *linear {
	l := &linear{w: r.param(name+".weight", out, in), b: r.param(name+".bias", out)}
	initTorchDefault(rng, l.w.Value, l.b.Value, in)
	return l
}

func (l *linear) forward(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var {
	return observe(tp, l.w, autograd.Linear(x, l.w.bind(tp, train), l.b.bind(tp, train)))
}

// groupNorm is nn.GroupNorm(min(groups, c), c) with affine weight and bias.
type groupNorm struct {
	w, b   *Param
	groups int
}

func newGroupNorm(r *registry, name string, groups, c int) (*groupNorm, error) {
	g := min(groups, c)
	if g < 1 || c%g != 0 {
		return nil, fmt.Errorf("%s: GroupNorm(%d) does not divide %d channels", name, g, c)
	}
	n := &groupNorm{w: r.param(name+".weight", c), b: r.param(name+".bias", c), groups: g}
	fill(n.w.Value, 1)
	return n, nil
}

// forwardSiLU is silu(groupnorm(x)), the only way the network uses a
// GroupNorm. Outside training it is one op (autograd.GroupNormSiLU: the
// bits of the two ops, 7% faster forward, the normalized values never
// stored); a training step keeps the two ops, whose first pullback measured
// faster than the fused op's (docs/design.md).
func (n *groupNorm) forwardSiLU(tp *autograd.Tape, x *autograd.Var, train bool) *autograd.Var {
	w, b := n.w.bind(tp, train), n.b.bind(tp, train)
	if !train {
		return observe(tp, n.w, autograd.GroupNormSiLU(x, w, b, n.groups))
	}
	return autograd.SiLU(observe(tp, n.w, autograd.GroupNorm(x, w, b, n.groups)))
}

// resBlock is torch_reference.py's ResBlock(ci → co):
//
//	h = conv1(silu(gn1(x))) + tproj(silu(temb))[:, :, None, None]
//	h = conv2(silu(gn2(h)))
//	out = h + skip(x)       (skip a 1×1 conv when ci ≠ co, the identity otherwise)
type resBlock struct {
	gn1, gn2     *groupNorm
	conv1, conv2 *biasConv
	tproj        *linear
	skip         *biasConv // nil when ci == co
}

func newResBlock(r *registry, rng *tensor.RNG, name string, ci, co, tdim, groups int) (*resBlock, error) {
	b := &resBlock{}
	var err error
	if b.gn1, err = newGroupNorm(r, name+".gn1", groups, ci); err != nil {
		return nil, err
	}
	b.conv1 = newBiasConv(r, rng, name+".conv1", ci, co, 3, 1)
	b.tproj = newLinear(r, rng, name+".tproj", tdim, co)
	if b.gn2, err = newGroupNorm(r, name+".gn2", groups, co); err != nil {
		return nil, err
	}
	b.conv2 = newBiasConv(r, rng, name+".conv2", co, co, 3, 1)
	if ci != co {
		b.skip = newBiasConv(r, rng, name+".skip", ci, co, 1, 1)
	}
	return b, nil
}

// forward takes silu(temb) [B, tdim], shared by every block of a pass.
func (b *resBlock) forward(tp *autograd.Tape, x, siluTemb *autograd.Var, train bool) *autograd.Var {
	h := b.conv1.forward(tp, b.gn1.forwardSiLU(tp, x, train), train)
	h = autograd.AddChannelVectors(h, b.tproj.forward(tp, siluTemb, train))
	h = b.conv2.forward(tp, b.gn2.forwardSiLU(tp, h, train), train)
	if b.skip != nil {
		return autograd.Add(h, b.skip.forward(tp, x, train))
	}
	return autograd.Add(h, x)
}

// SinusoidalEmbedding returns torch_reference.py's sinusoid(t, dim) [B, dim]
// for times t [B]: [sin(t·f_i), cos(t·f_i)], f_i = exp(−ln(10000)·i/(dim/2)),
// i < dim/2, with the reference's float32 steps (each product, quotient and
// function value rounded to float32), so it matches PyTorch to about an ulp.
func SinusoidalEmbedding(t []float32, dim int) (*tensor.Tensor, error) {
	if dim < 2 || dim%2 != 0 {
		return nil, fmt.Errorf("sinusoidal embedding: dimension %d must be even and at least 2", dim)
	}
	half := dim / 2
	negLog := -float32(math.Log(10000))
	freqs := make([]float32, half)
	for i := range freqs {
		a := float32(negLog*float32(i)) / float32(half)
		freqs[i] = float32(math.Exp(float64(a)))
	}
	e := tensor.New(len(t), dim)
	d := e.Data()
	for n, tv := range t {
		for i, f := range freqs {
			arg := float64(tv * f)
			d[n*dim+i] = float32(math.Sin(arg))
			d[n*dim+half+i] = float32(math.Cos(arg))
		}
	}
	return e, nil
}
