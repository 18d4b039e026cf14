package autograd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// crossEntropyRef is the mean of −log softmax(x_b)[labels[b]] in float64,
// computed the textbook way, −x_l + log Σ exp(x_j) (no max shift: the test
// logits are small).
func crossEntropyRef(x []float64, labels []int, c int) []float64 {
	var s float64
	for b, l := range labels {
		var z float64
		for j := range c {
			z += math.Exp(x[b*c+j])
		}
		s += math.Log(z) - x[b*c+l]
	}
	return []float64{s / float64(len(labels))}
}

func TestSoftmaxCrossEntropy(t *testing.T) {
	rng := rand.New(rand.NewPCG(60, 61))
	for _, c := range []struct {
		b, c   int
		labels []int
	}{{4, 3, []int{0, 2, 1, 2}}, {1, 10, []int{7}}, {5, 2, []int{1, 1, 0, 1, 0}}} {
		x := randTensor(rng, 2, c.b, c.c)
		checkTape(t, tapeCase{Name: "cross_entropy", Inputs: []*tensor.Tensor{x},
			Build: func(_ *Tape, v []*Var) *Var { return SoftmaxCrossEntropy(v[0], c.labels) },
			Ref:   func(in [][]float64) []float64 { return crossEntropyRef(in[0], c.labels, c.c) }})
	}
}

// Closed forms: equal logits give log C and gradient (1/C − onehot)/B; two
// classes with margin d give log(1 + e^−d); logits of 1e4 (exp overflows
// float64 without the max shift) give the same loss as the same margins
// near 0.
func TestSoftmaxCrossEntropyClosedForm(t *testing.T) {
	loss := func(x []float32, c int, labels []int) (float64, []float32) {
		t.Helper()
		xt, _ := tensor.FromSlice(x, len(labels), c)
		tp := NewTape()
		in := tp.Leaf(xt, true)
		l := SoftmaxCrossEntropy(in, labels)
		if err := tp.Backward(l); err != nil {
			t.Fatal(err)
		}
		return float64(l.Value.Data()[0]), in.Grad.Data()
	}
	got, grad := loss(make([]float32, 2*5), 5, []int{3, 0})
	if math.Abs(got-math.Log(5)) > 1e-6 {
		t.Errorf("equal logits: loss %v, want log 5 = %v", got, math.Log(5))
	}
	for i, g := range grad {
		want := 0.2 / 2
		if i == 3 || i == 5 {
			want = (0.2 - 1) / 2
		}
		if math.Abs(float64(g)-want) > 1e-7 {
			t.Errorf("equal logits: gradient %d = %v, want %v", i, g, want)
		}
	}
	for _, d := range []float64{-3, 0.5, 4} {
		got, _ := loss([]float32{float32(d), 0}, 2, []int{0})
		if want := math.Log1p(math.Exp(-d)); math.Abs(got-want) > 1e-6 {
			t.Errorf("margin %v: loss %v, want log(1+e^-d) = %v", d, got, want)
		}
	}
	small, _ := loss([]float32{1, -2, 0.5}, 3, []int{2})
	big, _ := loss([]float32{1e4 + 1, 1e4 - 2, 1e4 + 0.5}, 3, []int{2})
	if math.IsNaN(big) || math.IsInf(big, 0) || math.Abs(big-small) > 1e-3 {
		t.Errorf("logits near 1e4: loss %v, want %v as near 0", big, small)
	}
	if confident, _ := loss([]float32{-1e4, 1e4}, 2, []int{1}); confident != 0 {
		t.Errorf("a margin of 2e4: loss %v, want exactly 0", confident)
	}
}

func TestSoftmaxCrossEntropyErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		shape  []int
		labels []int
	}{
		{"label too large", []int{2, 3}, []int{0, 3}},
		{"negative label", []int{2, 3}, []int{-1, 0}},
		{"label count", []int{2, 3}, []int{0}},
		{"rank 1", []int{3}, []int{0, 1, 2}},
		{"no classes", []int{2, 0}, []int{0, 0}},
	} {
		tp := NewTape()
		SoftmaxCrossEntropy(tp.Leaf(tensor.New(c.shape...), true), c.labels)
		if tp.Err() == nil {
			t.Errorf("%s: logits %v, labels %v accepted", c.name, c.shape, c.labels)
		}
	}
}
