package autograd

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// Batch norm and ReLU split large tensors over threads; the split must not
// change a single bit of the forward, the JVP (a block of 2 tangents) or the
// VJP. The tensors are above minParallelElements so the threaded path runs.
func TestThreadSplitIsBitIdentical(t *testing.T) {
	defer tensor.SetThreads(tensor.Threads())
	shape := []int{4, 8, 32, 32}
	rng := tensor.NewRNG(5)
	x, gamma := tensor.New(shape...), tensor.New(8)
	v, u := tensor.New(2*4, 8, 32, 32), tensor.New(shape...)
	for _, a := range []*tensor.Tensor{x, gamma, v, u} {
		rng.FillNormal(a.Data(), 0.3, 1)
	}
	f := func(tp *Tape, in *Var) *Var {
		y, _ := BatchNormTrain(in, tp.Leaf(gamma, false))
		return ReLU(y)
	}
	run := func(threads int) [][]float32 {
		tensor.SetThreads(threads)
		fx, jv, err := JVP(f, x, v)
		if err != nil {
			t.Fatal(err)
		}
		_, jtu, err := VJP(f, x, u)
		if err != nil {
			t.Fatal(err)
		}
		return [][]float32{fx.Data(), jv.Data(), jtu.Data()}
	}
	want := run(1)
	got := run(2)
	for i, name := range []string{"forward", "JVP", "VJP"} {
		for j := range want[i] {
			if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
				t.Fatalf("%s differs between 1 and 2 threads at %d: %v vs %v", name, j, got[i][j], want[i][j])
			}
		}
	}
}

// The tc-unet's ops (a strided convolution among them) split over threads
// by (row, group), by rows, by images or by elements; the forward, a JVP
// block of 2 and the VJP to every input must give the same bits on 1 and 2
// threads.
func TestThreadSplitIsBitIdenticalTC(t *testing.T) {
	defer tensor.SetThreads(tensor.Threads())
	rng := tensor.NewRNG(6)
	x, w, b, v := tensor.New(2, 16, 32, 32), tensor.New(16), tensor.New(16), tensor.New(2, 16)
	cw := tensor.New(16, 16, 3, 3)
	tx, tw := tensor.New(4, 16, 32, 32), tensor.New(2*16)
	u := tensor.New(2, 16, 64, 64)
	for _, a := range []*tensor.Tensor{x, w, b, v, cw, tx, tw, u} {
		rng.FillNormal(a.Data(), 0.3, 1)
	}
	run := func(threads int) [][]float32 {
		tensor.SetThreads(threads)
		tp := NewTape()
		in, wv, bv, vv := tp.Leaf(x, true), tp.Leaf(w, true), tp.Leaf(b, true), tp.Leaf(v, true)
		h := Conv2dBias(SiLU(GroupNorm(in, wv, bv, 4)), tp.Leaf(cw, false), bv, 2, 1)
		h = AddChannelVectors(AddChannelBias(UpsampleNearest2x(h), bv), vv)
		out := UpsampleNearest2x(h)
		if err := tp.Err(); err != nil {
			t.Fatal(err)
		}
		jv, err := tp.JVP(out, []*Var{in, wv}, []*tensor.Tensor{tx, tw})
		if err != nil {
			t.Fatal(err)
		}
		g, err := tp.VJP(out, u, []*Var{in, wv, bv, vv})
		if err != nil {
			t.Fatal(err)
		}
		return [][]float32{out.Value.Data(), jv.Data(), g[0].Data(), g[1].Data(), g[2].Data(), g[3].Data()}
	}
	want := run(1)
	got := run(2)
	for i, name := range []string{"forward", "JVP", "VJP x", "VJP weight", "VJP bias", "VJP vectors"} {
		for j := range want[i] {
			if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
				t.Fatalf("%s differs between 1 and 2 threads at %d: %v vs %v", name, j, got[i][j], want[i][j])
			}
		}
	}
}
