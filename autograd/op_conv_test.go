package autograd_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/internal/gradcheck"
	"github.com/harmonic-go/harmonic/tensor"
)

func TestConv2d(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 21))
	for _, c := range []struct{ b, ci, h, w, co, k, stride, pad int }{
		{2, 2, 5, 4, 3, 3, 1, 1}, // the networks' 3×3 "same" conv
		{1, 3, 6, 6, 2, 3, 2, 1}, // strided
		{2, 1, 4, 5, 2, 2, 1, 0}, // even kernel, no padding
		{1, 2, 3, 3, 1, 1, 1, 0}, // 1×1
	} {
		s := gradcheck.NCHW(c.b, c.ci, c.h, c.w)
		x, w := randTensor(rng, 1, c.b, c.ci, c.h, c.w), randTensor(rng, 1, c.co, c.ci, c.k, c.k)
		checkTape(t, tapeCase{Name: "conv2d", Inputs: []*tensor.Tensor{x, w},
			Build: func(_ *Tape, v []*Var) *Var { return Conv2d(v[0], v[1], c.stride, c.pad) },
			Ref: func(in [][]float64) []float64 {
				y, _ := gradcheck.Conv2dRef(in[0], s, in[1], c.co, c.k, c.k, c.stride, c.pad)
				return y
			}})
	}
}

func TestConvTranspose2x2(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 23))
	s := gradcheck.NCHW(2, 3, 2, 3)
	x, w := randTensor(rng, 1, s.B, s.C, s.H, s.W), randTensor(rng, 1, s.C, 2, 2, 2)
	checkTape(t, tapeCase{Name: "conv_transpose2x2", Inputs: []*tensor.Tensor{x, w},
		Build: func(_ *Tape, v []*Var) *Var { return ConvTranspose2x2(v[0], v[1]) },
		Ref: func(in [][]float64) []float64 {
			y, _ := gradcheck.ConvT2Ref(in[0], s, in[1], 2)
			return y
		}})
}

func TestAvgPool2x2(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 25))
	s := gradcheck.NCHW(2, 2, 4, 6)
	x := randTensor(rng, 1, s.B, s.C, s.H, s.W)
	checkTape(t, tapeCase{Name: "avgpool2x2", Inputs: []*tensor.Tensor{x},
		Build: func(_ *Tape, v []*Var) *Var { return AvgPool2x2(v[0]) },
		Ref: func(in [][]float64) []float64 {
			y, _ := gradcheck.PoolRef(in[0], s)
			return y
		}})
}

func TestConcatChannels(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 27))
	sa, sb := gradcheck.NCHW(2, 2, 3, 3), gradcheck.NCHW(2, 3, 3, 3)
	a, b := randTensor(rng, 1, 2, 2, 3, 3), randTensor(rng, 1, 2, 3, 3, 3)
	checkTape(t, tapeCase{Name: "concat", Inputs: []*tensor.Tensor{a, b},
		Build: func(_ *Tape, v []*Var) *Var { return ConcatChannels(v[0], v[1]) },
		Ref: func(in [][]float64) []float64 {
			y, _ := gradcheck.ConcatRef(in[0], sa, in[1], sb)
			return y
		}})
}

func TestConvShapeError(t *testing.T) {
	tp := NewTape()
	x, w := tp.Leaf(tensor.New(1, 2, 4, 4), true), tp.Leaf(tensor.New(3, 5, 3, 3), true)
	Conv2d(x, w, 1, 1)
	if tp.Err() == nil {
		t.Fatal("conv of 2 channels with a weight for 5 was accepted")
	}
}

// A recording keeps the weight values it was made with: changing the weight
// in place afterwards does not change its JVP or VJP (PyTorch raises an error
// in that case; the values used are the ones the forward pass used).
func TestConvUsesRecordedWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 25))
	x := randTensor(rng, 1, 1, 16, 6, 6)
	w := randTensor(rng, 1, 16, 16, 3, 3)
	u := randTensor(rng, 1, 1, 16, 6, 6)
	tp := NewTape()
	in, wv := tp.Leaf(x, true), tp.Leaf(w, false)
	out := Conv2d(in, wv, 1, 1)
	before, err := tp.VJP(out, u, []*Var{in})
	if err != nil {
		t.Fatal(err)
	}
	jvBefore, err := tp.JVP(out, []*Var{in}, []*tensor.Tensor{u})
	if err != nil {
		t.Fatal(err)
	}
	want, want2 := append([]float32(nil), before[0].Data()...), append([]float32(nil), jvBefore.Data()...)
	for i := range w.Data() {
		w.Data()[i] *= 2
	}
	after, _ := tp.VJP(out, u, []*Var{in})
	jvAfter, _ := tp.JVP(out, []*Var{in}, []*tensor.Tensor{u})
	for i := range want {
		if after[0].Data()[i] != want[i] || jvAfter.Data()[i] != want2[i] {
			t.Fatalf("element %d: VJP %v → %v, JVP %v → %v after the weight changed in place", i, want[i], after[0].Data()[i], want2[i], jvAfter.Data()[i])
		}
	}
}
