package autograd

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// BNEpsilon is added to the batch variance before the square root, as in
// PyTorch's BatchNorm and the authors' bias-free batch norm.
const BNEpsilon = 1e-5

// BatchNormTrain records bias-free batch norm with batch statistics:
//
//	y[b,c,h,w] = x[b,c,h,w] / sd[c] · gamma[c],  sd[c] = sqrt(var_c + 1e-5),
//
// where var_c is the biased variance over (batch, H, W) about the channel
// mean (torch's x.var(dim=(0,2,3), unbiased=False)), while the output itself
// is not mean-subtracted. x is [B,C,H,W], gamma [C]. It also returns sd so the
// caller can update its running statistic (nil if the op failed). Both
// derivatives differentiate through sd, including its mean term.
func BatchNormTrain(x, gamma *Var) (*Var, []float32) {
	var sdOut []float32
	y := x.tape.record([]*Var{x, gamma}, func() (*tensor.Tensor, op, error) {
		d, err := bnCheck(x.Value, gamma.Value, nil)
		if err != nil {
			return nil, nil, err
		}
		o := &bnTrainOp{d: d, mean: make([]float64, d.c), sd: make([]float64, d.c)}
		xd, g := x.Value.Data(), gamma.Value.Data()
		yt := tensor.Empty(x.Value.Shape()...)
		sdOut = make([]float32, d.c)
		d.eachChannel(1, func(_, c int) {
			mu := d.dot(xd, nil, c, 0) / float64(d.n())
			v := d.centeredSquares(xd, c, mu) / float64(d.n())
			o.mean[c], o.sd[c] = mu, math.Sqrt(v+BNEpsilon)
			sdOut[c] = float32(o.sd[c])
			d.combine(yt.Data(), nil, xd, 0, c, 0, float64(g[c])/o.sd[c], 0)
		})
		return yt, o, nil
	})
	return y, sdOut
}

type bnTrainOp struct {
	d        bnShape
	mean, sd []float64
}

func (*bnTrainOp) name() string { return "batchnorm_train" }

// jvp: with s = sd and N = B·H·W, ds = Σ (x−μ)·dx / (N s), and
// dy = (γ/s)·dx + (dγ/s − γ·ds/s²)·x, per channel and per vector.
func (o *bnTrainOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	d, x, g := o.d, out.inputs[0].Value.Data(), out.inputs[1].Value.Data()
	y := tensor.Empty(blockShape(out.Value, k)...)
	d.eachChannel(k, func(j, c int) {
		s, gc := o.sd[c], float64(g[c])
		var a, b float64
		if tin[0] != nil {
			dx := tin[0].Data()
			ds := d.centeredDot(dx, x, c, j, o.mean[c]) / (float64(d.n()) * s)
			a, b = gc/s, -gc*ds/(s*s)
		}
		if tin[1] != nil {
			b += float64(tin[1].Data()[j*d.c+c]) / s
		}
		var dx []float32
		if tin[0] != nil {
			dx = tin[0].Data()
		}
		d.combine(y.Data(), dx, x, j, c, a, b, 0)
	})
	return y
}

// vjp: with G = Σ g·x over the channel, dγ = G/s and
// dx = (γ/s)·g − γ·G·(x − μ)/(N s³).
func (o *bnTrainOp) vjp(out *Var, gt *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	d, x, g := o.d, out.inputs[0].Value.Data(), out.inputs[1].Value.Data()
	var gx, gg *tensor.Tensor
	if need[0] {
		gx = tensor.New(gt.Shape()...)
	}
	if need[1] {
		gg = tensor.New(k * d.c)
	}
	gd := gt.Data()
	d.eachChannel(k, func(j, c int) {
		s, gc := o.sd[c], float64(g[c])
		G := d.dot(gd, x, c, j)
		if gg != nil {
			gg.Data()[j*d.c+c] = float32(G / s)
		}
		if gx != nil {
			e := -gc * G / (float64(d.n()) * s * s * s)
			d.combine(gx.Data(), gd, x, j, c, gc/s, e, o.mean[c])
		}
	})
	return []*tensor.Tensor{gx, gg}
}

// BatchNormEval records bias-free batch norm with a fixed per-channel
// runningSD (a constant, no derivative): y = x / runningSD[c] · gamma[c].
func BatchNormEval(x, gamma *Var, runningSD *tensor.Tensor) *Var {
	return x.tape.record([]*Var{x, gamma}, func() (*tensor.Tensor, op, error) {
		d, err := bnCheck(x.Value, gamma.Value, runningSD)
		if err != nil {
			return nil, nil, err
		}
		o := &bnEvalOp{d: d, inv: make([]float64, d.c)}
		yt := tensor.Empty(x.Value.Shape()...)
		for c, r := range runningSD.Data() {
			o.inv[c] = 1 / float64(r)
		}
		d.eachChannel(1, func(_, c int) {
			d.combine(yt.Data(), nil, x.Value.Data(), 0, c, 0, float64(gamma.Value.Data()[c])*o.inv[c], 0)
		})
		return yt, o, nil
	})
}

type bnEvalOp struct {
	d   bnShape
	inv []float64 // 1 / running sd
}

func (*bnEvalOp) name() string { return "batchnorm_eval" }

// jvp: dy = (γ/r)·dx + (dγ/r)·x.
func (o *bnEvalOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	d, x, g := o.d, out.inputs[0].Value.Data(), out.inputs[1].Value.Data()
	y := tensor.Empty(blockShape(out.Value, k)...)
	var dx []float32
	if tin[0] != nil {
		dx = tin[0].Data()
	}
	d.eachChannel(k, func(j, c int) {
		var b float64
		if tin[1] != nil {
			b = float64(tin[1].Data()[j*d.c+c]) * o.inv[c]
		}
		d.combine(y.Data(), dx, x, j, c, float64(g[c])*o.inv[c], b, 0)
	})
	return y
}

// vjp: dx = (γ/r)·g, dγ = Σ g·x / r.
func (o *bnEvalOp) vjp(out *Var, gt *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	d, x, g := o.d, out.inputs[0].Value.Data(), out.inputs[1].Value.Data()
	res := make([]*tensor.Tensor, 2)
	if need[0] {
		res[0] = tensor.New(gt.Shape()...)
	}
	if need[1] {
		res[1] = tensor.New(k * d.c)
	}
	d.eachChannel(k, func(j, c int) {
		if res[0] != nil {
			d.combine(res[0].Data(), gt.Data(), x, j, c, float64(g[c])*o.inv[c], 0, 0)
		}
		if res[1] != nil {
			res[1].Data()[j*d.c+c] = float32(d.dot(gt.Data(), x, c, j) * o.inv[c])
		}
	})
	return res
}

// bnShape views x as [b, c, hw]; a block of k vectors is k such arrays in a row.
type bnShape struct{ b, c, hw int }

func (d bnShape) n() int    { return d.b * d.hw }
func (d bnShape) size() int { return d.b * d.c * d.hw }

func bnCheck(x, gamma, running *tensor.Tensor) (bnShape, error) {
	if x.Rank() != 4 {
		return bnShape{}, fmt.Errorf("batch norm: input %v is not [B,C,H,W]", x.Shape())
	}
	s := x.Shape()
	d := bnShape{b: s[0], c: s[1], hw: s[2] * s[3]}
	if gamma.Rank() != 1 || gamma.Dim(0) != d.c {
		return d, fmt.Errorf("batch norm: input %v has %d channels, gamma has shape %v", s, d.c, gamma.Shape())
	}
	if running != nil && (running.Rank() != 1 || running.Dim(0) != d.c || !running.IsContiguous()) {
		return d, fmt.Errorf("batch norm: input %v has %d channels, running sd has shape %v", s, d.c, running.Shape())
	}
	if d.n() == 0 {
		return d, fmt.Errorf("batch norm: input %v is empty", s)
	}
	return d, nil
}

// dot returns Σ t·x over channel c of vector j of the block t, where x is one
// vector (the primal); a nil x gives the plain sum of t. Each image's
// segment is summed by the float64 simd reductions (their order depends on
// the kernel level, not on the thread count), the segments in order.
func (d bnShape) dot(t, x []float32, c, j int) float64 {
	var s float64
	base := j * d.size()
	for b := range d.b {
		off := (b*d.c + c) * d.hw
		seg := t[base+off : base+off+d.hw]
		if x == nil {
			s += simd.Sum64(seg)
			continue
		}
		s += simd.Dot64(seg, x[off:off+d.hw])
	}
	return s
}

// centeredSquares returns Σ (x − mu)² over channel c of one vector x, per
// image on the float64 simd reduction, the images in order.
func (d bnShape) centeredSquares(x []float32, c int, mu float64) float64 {
	var s float64
	for b := range d.b {
		off := (b*d.c + c) * d.hw
		s += simd.SumCenteredSquares64(x[off:off+d.hw], mu)
	}
	return s
}

// combine sets channel c of vector j of the block dst to a·t + b·(x − mu),
// where t is a block (nil: zero) and x one vector (the primal). x − mu is
// formed in float64: in the VJP b can be ~1/sd³, huge when a channel's
// variance is tiny next to ε, and b·x − b·mu would cancel catastrophically.
func (d bnShape) combine(dst, t, x []float32, j, c int, a, b, mu float64) {
	base := j * d.size()
	af, bf := float32(a), float32(b)
	for bb := range d.b {
		off := (bb*d.c + c) * d.hw
		out, xs := dst[base+off:base+off+d.hw], x[off:off+d.hw]
		if mu == 0 { // no cancellation: plain float32 (forward and JVPs)
			d.combine32(out, t, xs, base+off, af, bf)
			continue
		}
		var ts []float32
		if t != nil {
			ts = t[base+off : base+off+d.hw]
		}
		simd.CenteredAffine64(out, ts, xs, af, b, mu)
	}
}

// combine32 sets out = af·t[off:] + bf·xs (t nil: zero). The simd kernels do
// not fuse multiply and add, so this rounds exactly as af*t + bf*x in Go.
func (d bnShape) combine32(out, t, xs []float32, off int, af, bf float32) {
	if t == nil {
		simd.ScaleTo(out, bf, xs)
		return
	}
	simd.ScaleTo(out, af, t[off:off+len(xs)])
	simd.Axpy(bf, xs, out)
}

// eachChannel runs body(j, c) for every channel c of every vector j < k of a
// block, split over threads by (j, c): each writes only its own channel, so
// the result does not depend on the split. Small tensors stay on the caller.
func (d bnShape) eachChannel(k int, body func(j, c int)) {
	run := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			body(i/d.c, i%d.c)
		}
	}
	if k*d.size() < minParallelElements {
		run(0, k*d.c)
		return
	}
	parallel.For(k*d.c, run)
}

// centeredDot returns Σ t·(x − mu) over channel c of vector j of the block
// t, where x is one vector (the primal).
func (d bnShape) centeredDot(t, x []float32, c, j int, mu float64) float64 {
	var s float64
	base := j * d.size()
	for b := range d.b {
		off := (b*d.c + c) * d.hw
		seg := t[base+off : base+off+d.hw]
		for i, v := range x[off : off+d.hw] {
			s += float64(seg[i]) * (float64(v) - mu)
		}
	}
	return s
}
