package autograd

import (
	"fmt"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// BenchmarkTCOps measures GroupNorm and SiLU forward, JVP and VJP at
// tc-unet sizes, reporting GB/s of compulsory traffic: the float32 tensors
// each pass must read and write once (forward: x in, y out; VJP: g and x
// in, dx out; JVP of k=1: dx and x in, dy out).
func BenchmarkTCOps(b *testing.B) {
	for _, s := range [][4]int{{16, 64, 32, 32}, {1, 64, 32, 32}} {
		rng := tensor.NewRNG(3)
		x, w, bias, g := tensor.New(s[:]...), tensor.New(s[1]), tensor.New(s[1]), tensor.New(s[:]...)
		for _, t := range []*tensor.Tensor{x, w, bias, g} {
			rng.FillNormal(t.Data(), 0.2, 1)
		}
		tp := NewTape()
		xv := tp.Leaf(x, true)
		gn := GroupNorm(xv, tp.Leaf(w, true), tp.Leaf(bias, true), 8)
		si := SiLU(xv)
		fu := GroupNormSiLU(xv, gn.inputs[1], gn.inputs[2], 8)
		sgn := SiLU(gn)
		if err := tp.Err(); err != nil {
			b.Fatal(err)
		}
		bytes := float64(4 * x.Numel())
		size := fmt.Sprintf("%dx%dx%dx%d", s[0], s[1], s[2], s[3])
		for _, c := range []struct {
			name    string
			streams float64
			run     func()
		}{
			{"groupnorm/forward", 2, func() { tensor.Recycle(GroupNorm(xv, gn.inputs[1], gn.inputs[2], 8).Value) }},
			{"groupnorm/vjp", 3, func() { tensor.Recycle(gn.op.vjp(gn, g, []bool{true, true, true}, 1)[0]) }},
			{"groupnorm/jvp", 3, func() { tensor.Recycle(gn.op.jvp(gn, []*tensor.Tensor{g, nil, nil}, 1)) }},
			{"silu/forward", 2, func() { tensor.Recycle(SiLU(xv).Value) }},
			// A later VJP (silu' kept) and a first one (computed on the fly).
			{"silu/vjp", 3, func() { tensor.Recycle(si.op.vjp(si, g, []bool{true}, 1)[0]) }},
			{"silu/vjp-first", 3, func() { tensor.Recycle((&siluOp{}).vjp(si, g, []bool{true}, 1)[0]) }},
			// The derivative's first use: silu'(x) computed and kept.
			{"silu/derivative", 2, func() {
				o := &siluOp{}
				o.derivative(x.Data())
				o.releaseBuffers()
			}},
			// GroupNorm then SiLU as one op, against the two ops in a row
			// (the pair's VJP: the first SiLU VJP, then GroupNorm's).
			{"groupnorm+silu/forward", 2, func() { tensor.Recycle(GroupNormSiLU(xv, gn.inputs[1], gn.inputs[2], 8).Value) }},
			{"groupnorm+silu/pair-forward", 2, func() {
				y := GroupNorm(xv, gn.inputs[1], gn.inputs[2], 8)
				tensor.Recycle(SiLU(y).Value)
				tensor.Recycle(y.Value)
			}},
			{"groupnorm+silu/vjp-first", 3, func() {
				tensor.Recycle((&gnSiLUOp{gnOp: fu.op.(*gnSiLUOp).gnOp}).vjp(fu, g, []bool{true, true, true}, 1)[0])
			}},
			{"groupnorm+silu/pair-vjp-first", 3, func() {
				gz := (&siluOp{}).vjp(sgn, g, []bool{true}, 1)[0]
				tensor.Recycle(gn.op.vjp(gn, gz, []bool{true, true, true}, 1)[0])
				tensor.Recycle(gz)
			}},
			// Memory bandwidth for comparison: y = x + g, three streams.
			{"reference/add", 3, func() { tensor.Recycle(must(tensor.Add(x, g))) }},
		} {
			b.Run(c.name+"/"+size, func(b *testing.B) {
				for b.Loop() {
					c.run()
				}
				b.ReportMetric(c.streams*bytes*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
			})
		}
	}
}
