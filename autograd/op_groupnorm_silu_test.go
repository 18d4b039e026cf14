package autograd_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// The fused op against a float64 reference: finite differences, JVP, VJP.
func TestGroupNormSiLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(40, 41))
	for _, c := range []struct{ nb, c, h, w, groups int }{
		{2, 4, 2, 3, 2},
		{1, 3, 3, 2, 1},
		{3, 6, 1, 2, 3},
	} {
		x := randTensor(rng, 1, c.nb, c.c, c.h, c.w)
		for i := range x.Data() {
			x.Data()[i] += 0.8
		}
		w, b := randTensor(rng, 1, c.c), randTensor(rng, 1, c.c)
		hw := c.h * c.w
		checkTape(t, tapeCase{Name: "groupnorm+silu", Inputs: []*tensor.Tensor{x, w, b},
			Build: func(_ *Tape, v []*Var) *Var { return GroupNormSiLU(v[0], v[1], v[2], c.groups) },
			Ref: func(in [][]float64) []float64 {
				y := groupNormRef(in[0], in[1], in[2], c.nb, c.c, hw, c.groups)
				for i, z := range y {
					y[i] = z / (1 + math.Exp(-z))
				}
				return y
			}})
	}
}

// The fused op gives the bits of SiLU(GroupNorm(·)) in the forward, in the
// first VJP (recomputed normalization), in later VJPs and block VJPs (kept
// derivative) and in block JVPs, on a tc-unet-like shape run on threads.
func TestGroupNormSiLUMatchesPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 43))
	const nb, ch, side, groups, k = 4, 32, 16, 8, 2 // 32768 values: split over threads
	x := randTensor(rng, 2, nb, ch, side, side)
	for i := range x.Data() {
		x.Data()[i] += float32(i / (side * side) % 5) // channel means of a few sd
	}
	w, b := randTensor(rng, 1, ch), randTensor(rng, 1, ch)
	record := func(fused bool) (*Tape, []*Var, *Var) {
		tp := NewTape()
		in := []*Var{tp.Leaf(x, true), tp.Leaf(w, true), tp.Leaf(b, true)}
		if fused {
			return tp, in, GroupNormSiLU(in[0], in[1], in[2], groups)
		}
		return tp, in, SiLU(GroupNorm(in[0], in[1], in[2], groups))
	}
	tf, inF, outF := record(true)
	tr, inR, outR := record(false)
	same := func(what string, a, b *tensor.Tensor) {
		t.Helper()
		if !slices.Equal(a.Data(), b.Data()) {
			t.Fatalf("%s: fused op differs from GroupNorm then SiLU", what)
		}
	}
	same("forward", outF.Value, outR.Value)
	cot1 := randTensor(rng, 1, nb, ch, side, side)
	cotK := randTensor(rng, 1, k*nb, ch, side, side)
	for _, c := range []struct {
		what string
		cot  *tensor.Tensor
	}{{"first VJP", cot1}, {"second VJP", cot1}, {"block VJP", cotK}} {
		gf, err := tf.VJP(outF, c.cot, inF)
		if err != nil {
			t.Fatal(err)
		}
		gr, err := tr.VJP(outR, c.cot, inR)
		if err != nil {
			t.Fatal(err)
		}
		for i := range gf {
			same(c.what, gf[i], gr[i])
		}
	}
	tans := []*tensor.Tensor{randTensor(rng, 1, k*nb, ch, side, side), randTensor(rng, 1, k*ch), randTensor(rng, 1, k*ch)}
	jf, err := tf.JVP(outF, inF, tans)
	if err != nil {
		t.Fatal(err)
	}
	jr, err := tr.JVP(outR, inR, tans)
	if err != nil {
		t.Fatal(err)
	}
	same("block JVP", jf, jr)
}
