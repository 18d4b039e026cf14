package autograd

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// GNEpsilon is added to each group's variance before the square root, as in
// PyTorch's nn.GroupNorm default and the tc-unet contract.
const GNEpsilon = 1e-5

// GroupNorm records PyTorch's GroupNorm with affine weight and bias: for x
// [B,C,H,W] split into groups of C/groups consecutive channels,
//
//	y[n,c,h,w] = (x[n,c,h,w] − μ[n,g]) / sqrt(σ²[n,g] + 1e-5) · weight[c] + bias[c],
//
// where μ and σ² (biased) are taken per image n and group g over its
// C/groups·H·W values. groups must divide C; weight and bias are [C].
func GroupNorm(x, weight, bias *Var, groups int) *Var {
	return recordGroupNorm(x, weight, bias, groups, false)
}

// recordGroupNorm records GroupNorm, followed by SiLU in the same pass over
// each channel when silu is set (GroupNormSiLU).
func recordGroupNorm(x, weight, bias *Var, groups int, silu bool) *Var {
	return x.tape.record([]*Var{x, weight, bias}, func() (*tensor.Tensor, op, error) {
		d, err := gnCheck(x.Value, weight.Value, bias.Value, groups)
		if err != nil {
			return nil, nil, err
		}
		o := &gnOp{d: d, mean: make([]float64, d.b*d.g), rstd: make([]float64, d.b*d.g)}
		xd, w, bb := x.Value.Data(), weight.Value.Data(), bias.Value.Data()
		y := tensor.Empty(x.Value.Shape()...)
		d.eachGroup(1, func(r, q int) {
			u := r*d.g + q
			seg := xd[d.groupOff(r, q) : d.groupOff(r, q)+d.n()]
			mu := simd.Sum64(seg) / float64(d.n())
			// One pass of moments (the group stays in cache for the next
			// pass): E[x²] − μ² in float64 loses ~1e-16·μ²/σ² relative,
			// negligible for activations; clamped at 0 against rounding.
			v := max(simd.SumSquares64(seg)/float64(d.n())-mu*mu, 0)
			o.mean[u], o.rstd[u] = mu, 1/math.Sqrt(v+GNEpsilon)
			for c := q * d.cg; c < (q+1)*d.cg; c++ {
				off := d.chanOff(r, c)
				dst := y.Data()[off : off+d.hw]
				o.normalize(dst, xd, w, bb, r, c)
				if silu { // while the channel is in L1
					simd.SiLU(dst, dst)
				}
			}
		})
		if silu {
			return y, &gnSiLUOp{gnOp: o}, nil
		}
		return y, o, nil
	})
}

// gnOp keeps each (image, group)'s mean and 1/sd; the normalized input is
// recomputed from x when needed rather than stored. Every pass ends in
// simd.CenteredAffine, a·t + b·(x − μ) + c, with the mean subtracted before
// scaling so a large mean does not cancel in b's product.
type gnOp struct {
	d          gnShape
	mean, rstd []float64 // per image·groups + group
}

func (*gnOp) name() string { return "groupnorm" }

// normalize sets dst to the normalized channel c of image n of x, scaled by
// w[c] and shifted by b[c]: the forward's values, to the bit, wherever they
// are recomputed.
func (o *gnOp) normalize(dst, x, w, b []float32, n, c int) {
	d := o.d
	u, off := n*d.g+c/d.cg, d.chanOff(n, c)
	simd.CenteredAffine(dst, nil, x[off:off+d.hw], 0, float32(float64(w[c])*o.rstd[u]), float32(o.mean[u]), b[c])
}

// jvp, per row of the block and group (image n = row mod B), with
// x̂ = (x−μ)·r, M1 = mean(dx) and M2 = mean(dx·x̂) over the group:
//
//	dy = γ·r·(dx − M1 − x̂·M2) + dγ·x̂ + dβ.
func (o *gnOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	d, x, w := o.d, out.inputs[0].Value.Data(), out.inputs[1].Value.Data()
	y := tensor.Empty(blockShape(out.Value, k)...)
	var dx []float32
	if tin[0] != nil {
		dx = tin[0].Data()
	}
	d.eachGroup(k, func(r, q int) {
		n, j := r%d.b, r/d.b
		u := n*d.g + q
		mu, rs := o.mean[u], o.rstd[u]
		var m1, m2 float64
		if dx != nil {
			xo, to := d.groupOff(n, q), d.groupOff(r, q)
			seg, xseg := dx[to:to+d.n()], x[xo:xo+d.n()]
			s := simd.Sum64(seg)
			m1 = s / float64(d.n())
			m2 = rs * (simd.Dot64(seg, xseg) - mu*s) / float64(d.n())
		}
		for c := q * d.cg; c < (q+1)*d.cg; c++ {
			g := float64(w[c])
			var dg, db float64
			if tin[1] != nil {
				dg = float64(tin[1].Data()[j*d.c+c])
			}
			if tin[2] != nil {
				db = float64(tin[2].Data()[j*d.c+c])
			}
			xo, to := d.chanOff(n, c), d.chanOff(r, c)
			var t []float32
			if dx != nil {
				t = dx[to : to+d.hw]
			}
			simd.CenteredAffine(y.Data()[to:to+d.hw], t, x[xo:xo+d.hw],
				float32(g*rs), float32((dg-g*rs*m2)*rs), float32(mu), float32(db-g*rs*m1))
		}
	})
	return y
}

// vjp: with S1_c = Σ g and S2_c = Σ g·x̂ over channel c of an image,
// dβ_c = Σ_n S1_c, dγ_c = Σ_n S2_c and, per group with A = mean(γ·g) and
// B = mean(γ·g·x̂), dx = r·(γ·g − A − x̂·B). The per-image sums are added over
// the batch in a fixed order, so the result does not depend on threads.
func (o *gnOp) vjp(out *Var, gt *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	d, gd := o.d, gt.Data()
	return o.vjpOf(out, gt.Shape(), need, k, 0, func(r, q int, _ []float32) []float32 {
		return gd[d.groupOff(r, q) : d.groupOff(r, q)+d.n()]
	})
}

// vjpOf is vjp with the cotangent of the normalized output supplied one
// (row, group) at a time: grad returns the group's d.n() values, using
// scratch (scratch floats of the goroutine's own) if it must compute them.
func (o *gnOp) vjpOf(out *Var, shape []int, need []bool, k, scratch int, grad func(r, q int, scratch []float32) []float32) []*tensor.Tensor {
	d, x, w := o.d, out.inputs[0].Value.Data(), out.inputs[1].Value.Data()
	s1, s2 := make([]float64, k*d.b*d.c), make([]float64, k*d.b*d.c) // per (row, channel)
	var gx *tensor.Tensor
	if need[0] {
		gx = tensor.Empty(shape...)
	}
	d.eachGroupScratch(k, scratch, func(r, q int, buf []float32) {
		n := r % d.b
		u := n*d.g + q
		mu, rs := o.mean[u], o.rstd[u]
		gg := grad(r, q, buf) // group q of row r, channel by channel
		var a, b float64
		for c := q * d.cg; c < (q+1)*d.cg; c++ {
			xo := d.chanOff(n, c)
			seg := gg[(c-q*d.cg)*d.hw : (c-q*d.cg+1)*d.hw]
			s := simd.Sum64(seg)
			sx := rs * (simd.Dot64(seg, x[xo:xo+d.hw]) - mu*s)
			s1[r*d.c+c], s2[r*d.c+c] = s, sx
			a += float64(w[c]) * s
			b += float64(w[c]) * sx
		}
		if gx == nil {
			return
		}
		a /= float64(d.n())
		b /= float64(d.n())
		for c := q * d.cg; c < (q+1)*d.cg; c++ {
			xo, to := d.chanOff(n, c), d.chanOff(r, c)
			simd.CenteredAffine(gx.Data()[to:to+d.hw], gg[(c-q*d.cg)*d.hw:(c-q*d.cg+1)*d.hw], x[xo:xo+d.hw],
				float32(float64(w[c])*rs), float32(-rs*rs*b), float32(mu), float32(-rs*a))
		}
	})
	res := []*tensor.Tensor{gx, nil, nil}
	for i, s := range [][]float64{nil, s2, s1} {
		if i == 0 || !need[i] {
			continue
		}
		res[i] = tensor.Empty(k * d.c)
		gp := res[i].Data()
		for j := range k {
			for c := range d.c {
				var acc float64
				for n := range d.b {
					acc += s[(j*d.b+n)*d.c+c]
				}
				gp[j*d.c+c] = float32(acc)
			}
		}
	}
	return res
}

// gnShape views x as [b, c, hw] with g groups of cg = c/g channels; a block
// of k vectors is k·b such images in a row.
type gnShape struct{ b, c, hw, g, cg int }

func (d gnShape) n() int { return d.cg * d.hw } // values per (image, group)

// groupOff is the offset of group q of row r (a group's channels are
// consecutive, so its values are one contiguous run of n()).
func (d gnShape) groupOff(r, q int) int { return (r*d.c + q*d.cg) * d.hw }

func (d gnShape) chanOff(r, c int) int { return (r*d.c + c) * d.hw }

func gnCheck(x, weight, bias *tensor.Tensor, groups int) (gnShape, error) {
	if x.Rank() != 4 {
		return gnShape{}, fmt.Errorf("group norm: input %v is not [B,C,H,W]", x.Shape())
	}
	s := x.Shape()
	d := gnShape{b: s[0], c: s[1], hw: s[2] * s[3], g: groups}
	if groups < 1 || d.c%groups != 0 {
		return d, fmt.Errorf("group norm: %d groups do not divide the %d channels of input %v", groups, d.c, s)
	}
	d.cg = d.c / groups
	for _, p := range []struct {
		what string
		t    *tensor.Tensor
	}{{"weight", weight}, {"bias", bias}} {
		if p.t.Rank() != 1 || p.t.Dim(0) != d.c {
			return d, fmt.Errorf("group norm: input %v has %d channels, %s has shape %v", s, d.c, p.what, p.t.Shape())
		}
	}
	if d.b*d.n() == 0 {
		return d, fmt.Errorf("group norm: input %v is empty", s)
	}
	return d, nil
}

// eachGroup runs body(r, q) for every group q of every row r < k·b of a
// block, split over threads by (row, group): each writes only its own
// group, so the result does not depend on the split.
func (d gnShape) eachGroup(k int, body func(r, q int)) {
	d.eachGroupScratch(k, 0, func(r, q int, _ []float32) { body(r, q) })
}

// eachGroupScratch is eachGroup with scratch floats for each goroutine,
// reused across the groups it runs.
func (d gnShape) eachGroupScratch(k, scratch int, body func(r, q int, scratch []float32)) {
	run := func(lo, hi int) {
		var buf []float32
		if scratch > 0 {
			t := tensor.Empty(scratch) // a recycled buffer when one is free
			defer tensor.Recycle(t)
			buf = t.Data()
		}
		for i := lo; i < hi; i++ {
			body(i/d.g, i%d.g, buf)
		}
	}
	if k*d.b*d.c*d.hw < minParallelElements {
		run(0, k*d.b*d.g)
		return
	}
	parallel.For(k*d.b*d.g, run)
}
