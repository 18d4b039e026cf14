package autograd

import (
	"fmt"
	"slices"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// AddChannelBias records x + b[c] for x [B,C,H,W] and b [C]: the bias of a
// convolution, added to every pixel of channel c of every image.
func AddChannelBias(x, b *Var) *Var { return x.tape.addChannels(x, b, false) }

// AddChannelVectors records x + v[n,c] for x [B,C,H,W] and v [B,C]: one
// vector per image broadcast over its pixels (the tc-unet's time-embedding
// injection, tproj(silu(temb))[:, :, None, None]).
func AddChannelVectors(x, v *Var) *Var { return x.tape.addChannels(x, v, true) }

// addChannels records x plus a per-channel value: from b [C] shared by the
// batch, or, perImage, from b [B,C].
func (tp *Tape) addChannels(x, b *Var, perImage bool) *Var {
	return tp.record([]*Var{x, b}, func() (*tensor.Tensor, op, error) {
		xs := x.Value.Shape()
		if len(xs) != 4 {
			return nil, nil, fmt.Errorf("channel bias: input %v is not [B,C,H,W]", xs)
		}
		o := chanBiasOp{b: xs[0], c: xs[1], hw: xs[2] * xs[3], perImage: perImage}
		want := []int{o.c}
		if perImage {
			want = []int{o.b, o.c}
		}
		if bs := b.Value.Shape(); !slices.Equal(bs, want) {
			return nil, nil, fmt.Errorf("channel bias: input %v needs a bias of shape %v, got %v", xs, want, bs)
		}
		y := tensor.Empty(xs...)
		o.add(y.Data(), x.Value.Data(), b.Value.Data(), 1)
		return y, o, nil
	})
}

type chanBiasOp struct {
	b, c, hw int
	perImage bool // bias [B,C] rather than [C]
}

func (o chanBiasOp) name() string {
	if o.perImage {
		return "add_channel_vectors"
	}
	return "add_channel_bias"
}

// biasRow is the row of the bias block feeding row r (of k·B) of the image
// block: the same row for per-image vectors, the vector's index otherwise.
func (o chanBiasOp) biasRow(r int) int {
	if o.perImage {
		return r
	}
	return r / o.b
}

// add sets dst = x + bias over a block of k vectors (x nil: zero).
func (o chanBiasOp) add(dst, x, bias []float32, k int) {
	plane := o.c * o.hw
	run := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			br := bias[o.biasRow(r)*o.c:]
			for c := range o.c {
				off := r*plane + c*o.hw
				seg := dst[off : off+o.hw]
				if x == nil {
					for i := range seg {
						seg[i] = br[c]
					}
					continue
				}
				simd.AddConst(seg, br[c], x[off:off+o.hw])
			}
		}
	}
	if k*o.b*plane < minParallelElements {
		run(0, k*o.b)
		return
	}
	parallel.For(k*o.b, run)
}

// jvp: d(x + b) = dx + db, db broadcast like b.
func (o chanBiasOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	if tin[1] == nil {
		return tin[0]
	}
	y := tensor.Empty(blockShape(out.Value, k)...)
	var dx []float32
	if tin[0] != nil {
		dx = tin[0].Data()
	}
	o.add(y.Data(), dx, tin[1].Data(), k)
	return y
}

// vjp: x passes the cotangent through; the bias gets its sum over the
// pixels (and over the batch for a shared bias).
func (o chanBiasOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	res := []*tensor.Tensor{g, nil}
	if need[1] {
		res[1] = o.biasGrad(g, k)
	}
	return res
}

// biasGrad sums the cotangent block g over each channel's pixels (and
// over the batch for a shared bias), in float64 and in a fixed order, so
// the result does not depend on threads.
func (o chanBiasOp) biasGrad(g *tensor.Tensor, k int) *tensor.Tensor {
	gd, plane := g.Data(), o.c*o.hw
	sums := make([]float64, k*o.b*o.c) // per (row, channel)
	run := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			for c := range o.c {
				off := r*plane + c*o.hw
				sums[r*o.c+c] = simd.Sum64(gd[off : off+o.hw])
			}
		}
	}
	if len(gd) < minParallelElements {
		run(0, k*o.b)
	} else {
		parallel.For(k*o.b, run)
	}
	if o.perImage {
		gv := tensor.Empty(k*o.b, o.c)
		for i, s := range sums {
			gv.Data()[i] = float32(s)
		}
		return gv
	}
	gb := tensor.Empty(k * o.c)
	for j := range k {
		for c := range o.c {
			var s float64
			for n := range o.b {
				s += sums[(j*o.b+n)*o.c+c]
			}
			gb.Data()[j*o.c+c] = float32(s)
		}
	}
	return gb
}
