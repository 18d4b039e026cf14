package autograd

import (
	"math"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// Passes recycle their intermediate buffers (tensors of at least 4096
// floats). Blocks of 8 vectors on 8×8 images are above that size, single
// vectors below it, so the reference, one vector at a time, never reuses a
// buffer. Results must match it bit for bit, including results of earlier
// passes kept while later passes run. The graph passes a block through
// unchanged (Add with a constant) to two consumers, so that slots share a
// buffer that must outlive the first consumer.
func TestRecycledBuffersNeverLeakIntoResults(t *testing.T) {
	const k = 8
	rng := tensor.NewRNG(11)
	x, w1, w8, w2, gamma := tensor.New(1, 4, 8, 8), tensor.New(8, 4, 3, 3), tensor.New(8, 8, 3, 3), tensor.New(4, 16, 3, 3), tensor.New(16)
	c := tensor.New(1, 8, 8, 8)
	for _, a := range []*tensor.Tensor{x, w1, w8, w2, gamma, c} {
		rng.FillNormal(a.Data(), 0.1, 0.5)
	}
	f := func(tp *Tape, in *Var) *Var {
		h := ReLU(Conv2d(in, tp.Leaf(w1, false), 1, 1))
		a := Add(h, tp.Leaf(c, false)) // passes the tangent through
		h = ConcatChannels(Conv2d(a, tp.Leaf(w8, false), 1, 1), ReLU(a))
		h, _ = BatchNormTrain(h, tp.Leaf(gamma, false))
		return AvgPool2x2(Conv2d(ReLU(h), tp.Leaf(w2, false), 1, 1))
	}
	tp := NewTape()
	in := tp.Leaf(x, true)
	out := f(tp, in)
	one := func(block *tensor.Tensor, j int) *tensor.Tensor {
		n := block.Numel() / k
		v, _ := tensor.FromSlice(slices.Clone(block.Data()[j*n:(j+1)*n]), append([]int{1}, block.Shape()[1:]...)...)
		return v
	}
	type pass struct{ jv, jtu, v, u *tensor.Tensor }
	var passes []pass
	for p := 0; p < 6; p++ {
		v, u := tensor.New(k, 4, 8, 8), tensor.New(k, 4, 4, 4)
		rng.FillNormal(v.Data(), 0, 1)
		rng.FillNormal(u.Data(), 0, 1)
		jv, err := tp.JVP(out, []*Var{in}, []*tensor.Tensor{v})
		if err != nil {
			t.Fatal(err)
		}
		g, err := tp.VJP(out, u, []*Var{in})
		if err != nil {
			t.Fatal(err)
		}
		passes = append(passes, pass{jv, g[0], v, u})
	}
	for p, ps := range passes {
		for j := range k {
			jv, err := tp.JVP(out, []*Var{in}, []*tensor.Tensor{one(ps.v, j)})
			if err != nil {
				t.Fatal(err)
			}
			g, err := tp.VJP(out, one(ps.u, j), []*Var{in})
			if err != nil {
				t.Fatal(err)
			}
			sameBits(t, "JVP", p, one(ps.jv, j).Data(), jv.Data())
			sameBits(t, "VJP", p, one(ps.jtu, j).Data(), g[0].Data())
		}
	}
	// Release never hands back a kept tensor's buffer.
	keep := out.Value
	kept := slices.Clone(keep.Data())
	tp.Release(keep)
	for range 4 {
		tensor.Empty(keep.Shape()...).Data()[0] = 12345
	}
	sameBits(t, "kept value", 0, keep.Data(), kept)
}

func sameBits(t *testing.T, what string, pass int, got, want []float32) {
	t.Helper()
	for j := range want {
		if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
			t.Fatalf("%s of pass %d differs at %d: %v, want %v", what, pass, j, got[j], want[j])
		}
	}
}

// Release hands back the derivative SiLU keeps besides its output: the next
// tensor.Empty of that size gets one of the recording's buffers.
func TestReleaseRecyclesSiLUDerivative(t *testing.T) {
	x := tensor.New(1, 8, 32, 32) // 8192 floats: above the recycling threshold
	tensor.NewRNG(4).FillNormal(x.Data(), 0, 1)
	tp := NewTape()
	in := tp.Leaf(x, true)
	y := SiLU(in)
	if _, err := tp.JVP(y, []*Var{in}, []*tensor.Tensor{x}); err != nil { // keeps silu'
		t.Fatal(err)
	}
	o := y.op.(*siluOp)
	ids := map[uintptr]bool{o.deriv.BufferID(): true, y.Value.BufferID(): true}
	tp.Release()
	if o.deriv != nil {
		t.Fatal("the op still holds its derivative after Release")
	}
	for range 2 {
		if e := tensor.Empty(x.Shape()...); !ids[e.BufferID()] {
			t.Fatal("tensor.Empty after Release did not reuse the output or the derivative buffer")
		}
	}
}
