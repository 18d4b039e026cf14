package autograd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// groupNormRef is PyTorch's GroupNorm in float64 on x [nb,c,hw]: mean and
// biased variance per (image, group) by two passes, then affine per channel.
func groupNormRef(x, w, b []float64, nb, c, hw, groups int) []float64 {
	y := make([]float64, len(x))
	cg := c / groups
	for n := range nb {
		for g := range groups {
			lo, hi := (n*c+g*cg)*hw, (n*c+(g+1)*cg)*hw
			var s float64
			for _, v := range x[lo:hi] {
				s += v
			}
			mu := s / float64(hi-lo)
			var ss float64
			for _, v := range x[lo:hi] {
				ss += (v - mu) * (v - mu)
			}
			sd := math.Sqrt(ss/float64(hi-lo) + 1e-5)
			for i := lo; i < hi; i++ {
				ch := i/hw - n*c
				y[i] = (x[i]-mu)/sd*w[ch] + b[ch]
			}
		}
	}
	return y
}

func TestGroupNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(38, 39))
	for _, c := range []struct{ nb, c, h, w, groups int }{
		{2, 4, 2, 3, 2}, // two groups of two channels
		{1, 3, 3, 2, 1}, // one group: layer norm over C·H·W
		{2, 3, 2, 2, 3}, // one channel per group: instance norm
		{3, 6, 1, 2, 3},
	} {
		x := randTensor(rng, 1, c.nb, c.c, c.h, c.w)
		// Means far from zero make the mean terms of the derivative matter.
		for i := range x.Data() {
			x.Data()[i] += 0.8
		}
		w := randTensor(rng, 1, c.c)
		b := randTensor(rng, 1, c.c)
		hw := c.h * c.w
		checkTape(t, tapeCase{Name: "groupnorm", Inputs: []*tensor.Tensor{x, w, b},
			Build: func(_ *Tape, v []*Var) *Var { return GroupNorm(v[0], v[1], v[2], c.groups) },
			Ref:   func(in [][]float64) []float64 { return groupNormRef(in[0], in[1], in[2], c.nb, c.c, hw, c.groups) }})
	}
}

// The forward at a tc-unet size (8 groups, 32 channels, channel means of a
// few sd) against the float64 reference, element by element.
func TestGroupNormForwardLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(40, 41))
	const nb, c, h, w, groups = 3, 32, 16, 16, 8
	x := randTensor(rng, 1, nb, c, h, w)
	for i := range x.Data() {
		x.Data()[i] += float32(i / (h * w) % 7)
	}
	wt, bt := randTensor(rng, 1, c), randTensor(rng, 1, c)
	tp := NewTape()
	y := GroupNorm(tp.Leaf(x, false), tp.Leaf(wt, false), tp.Leaf(bt, false), groups)
	if err := tp.Err(); err != nil {
		t.Fatal(err)
	}
	want := groupNormRef(to64(x), to64(wt), to64(bt), nb, c, h*w, groups)
	for i, v := range y.Value.Data() {
		if math.Abs(float64(v)-want[i]) > 2e-6*(1+math.Abs(want[i])) {
			t.Fatalf("element %d: %v, want %v", i, v, want[i])
		}
	}
}

// A constant group (variance 0) normalizes to the bias, with finite
// derivatives (1/sqrt(eps) scaling), as in PyTorch.
func TestGroupNormConstantGroup(t *testing.T) {
	x := tensor.Full(3, 1, 2, 2, 2)
	w, b := tensor.Full(2, 2), tensor.Full(0.5, 2)
	checkTape(t, tapeCase{Name: "groupnorm_const", Inputs: []*tensor.Tensor{x, w, b},
		Build: func(_ *Tape, v []*Var) *Var { return GroupNorm(v[0], v[1], v[2], 1) },
		Ref:   func(in [][]float64) []float64 { return groupNormRef(in[0], in[1], in[2], 1, 2, 4, 1) }})
}

func TestGroupNormShapeErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		x, w   []int
		groups int
	}{
		{"groups do not divide C", []int{1, 6, 2, 2}, []int{6}, 4},
		{"zero groups", []int{1, 6, 2, 2}, []int{6}, 0},
		{"weight size", []int{1, 6, 2, 2}, []int{5}, 2},
		{"input not 4-D", []int{6, 4}, []int{6}, 2},
	} {
		tp := NewTape()
		x := tp.Leaf(tensor.New(c.x...), true)
		GroupNorm(x, tp.Leaf(tensor.New(c.w...), true), tp.Leaf(tensor.New(c.w...), true), c.groups)
		if tp.Err() == nil {
			t.Errorf("%s: x %v, weight %v, %d groups accepted", c.name, c.x, c.w, c.groups)
		}
	}
}
