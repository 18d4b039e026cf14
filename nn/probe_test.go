package nn

import (
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// TestFirstNonFinite: an Inf pixel shows in the network's first layer, a
// NaN weight in that weight's layer (and not before it); a clean pass
// names none; and a probe leaves the pass's output as it is without one.
func TestFirstNonFinite(t *testing.T) {
	net, err := NewBFUNet(1, 4, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.New(2, 1, 8, 8)
	tensor.NewRNG(2).FillNormal(x.Data(), 0, 1)
	pass := func(tp *autograd.Tape) *autograd.Var { return net.Forward(tp, tp.Leaf(x, false), false) }

	plain := autograd.NewTape()
	want := append([]float32(nil), pass(plain).Value.Data()...)
	var got []float32
	layer, finite := FirstNonFinite(func(tp *autograd.Tape) *autograd.Var {
		out := pass(tp)
		got = append(got, out.Value.Data()...)
		return out
	})
	if layer != "" || !finite {
		t.Errorf("clean pass: layer %q, output finite %v", layer, finite)
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("probed output [%d] = %v, unprobed %v", i, got[i], want[i])
		}
	}

	x.Data()[10] = float32(math.Inf(1))
	if layer, finite := FirstNonFinite(pass); layer != "enc.0.conv1" || finite {
		t.Errorf("Inf pixel: layer %q, output finite %v; want enc.0.conv1, not finite", layer, finite)
	}
	x.Data()[10] = 0
	for _, p := range net.Params() {
		if p.Name == "dec.0.up.weight" {
			p.Value.Data()[3] = float32(math.NaN())
		}
	}
	if layer, _ := FirstNonFinite(pass); layer != "dec.0.up" {
		t.Errorf("NaN in dec.0.up.weight: layer %q", layer)
	}
	if probing.Load() != 0 {
		t.Errorf("%d probes left attached", probing.Load())
	}
}

func TestFirstNonFiniteGrad(t *testing.T) {
	ps := []*Param{{Name: "a", Grad: tensor.New(3)}, {Name: "b", Grad: tensor.New(3)}, {Name: "c", Grad: tensor.New(3)}}
	if n := FirstNonFiniteGrad(ps); n != "" {
		t.Errorf("zero gradients: %q", n)
	}
	ps[2].Grad.Data()[1] = float32(math.NaN())
	ps[1].Grad.Data()[0] = float32(math.Inf(-1))
	if n := FirstNonFiniteGrad(ps); n != "b" {
		t.Errorf("Inf in b, NaN in c: %q, want b", n)
	}
}

// A NaN weight in the classifier's second convolution stops its training
// step naming that layer; so does an Inf pixel the first one.
func TestClassifierStepNamesTheNonFiniteLayer(t *testing.T) {
	n, err := NewConvClassifier(1, 2, 3, tensor.NewRNG(6))
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.New(3, 1, 8, 8)
	tensor.NewRNG(7).FillUniform(x.Data(), 0, 1)
	labels := []int{2, 0, 1}
	opt := NewAdam(n.Params())
	if _, err := ClassifierStep(autograd.NewTape(), n, opt, 1e-3, x, labels); err != nil {
		t.Fatal(err)
	}
	x.Data()[5] = float32(math.Inf(1))
	_, err = ClassifierStep(autograd.NewTape(), n, opt, 1e-3, x, labels)
	if err == nil || !strings.Contains(err.Error(), "output of layer convs.0") {
		t.Errorf("Inf pixel: %v; want it to name layer convs.0", err)
	}
	x.Data()[5] = 0.5
	for _, p := range n.Params() {
		if p.Name == "convs.1.weight" {
			p.Value.Data()[0] = float32(math.NaN())
		}
	}
	_, err = ClassifierStep(autograd.NewTape(), n, opt, 1e-3, x, labels)
	if err == nil || !strings.Contains(err.Error(), "output of layer convs.1") {
		t.Errorf("NaN in convs.1.weight: %v; want it to name layer convs.1", err)
	}
	t.Logf("NaN in convs.1.weight: %v", err)
}
