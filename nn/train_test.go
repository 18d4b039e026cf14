package nn

import (
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

func trainBatch(i int) *tensor.Tensor {
	x := tensor.New(4, 1, 8, 8)
	tensor.NewRNG(uint64(100+i)).FillUniform(x.Data(), 0, 1)
	return x
}

// A run stopped after 3 steps and resumed from its checkpoint ends
// bit-identical to the same run uninterrupted.
func TestTrainerResumeBitIdentical(t *testing.T) {
	lr := StepLR{Base: 1e-2, Every: 2, Factor: 0.5}
	run := func(tr *Trainer, from, to int) []float64 {
		var losses []float64
		for i := from; i < to; i++ {
			l, err := tr.TrainStep(trainBatch(i))
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, l)
		}
		return losses
	}
	netA, _ := NewBFUNet(1, 4, tensor.NewRNG(9))
	a := NewTrainer(netA, lr, 42)
	lossA := run(a, 0, 6)

	netB, _ := NewBFUNet(1, 4, tensor.NewRNG(9))
	b := NewTrainer(netB, lr, 42)
	run(b, 0, 3)
	dir := t.TempDir()
	if err := b.SaveState(dir, map[string]string{"seed": "42"}); err != nil {
		t.Fatal(err)
	}
	c, meta, err := LoadTrainer(dir, lr)
	if err != nil {
		t.Fatal(err)
	}
	if meta["seed"] != "42" || c.Step() != 3 {
		t.Fatalf("restored meta %v step %d", meta, c.Step())
	}
	lossC := run(c, 3, 6)
	for i, l := range lossC {
		if l != lossA[3+i] {
			t.Errorf("step %d: resumed loss %v, uninterrupted %v", 4+i, l, lossA[3+i])
		}
	}
	for i, p := range c.Net.State() {
		x, y := p.Value.Data(), netA.State()[i].Value.Data()
		for j := range x {
			if x[j] != y[j] {
				t.Fatalf("%s[%d]: resumed %v, uninterrupted %v", p.Name, j, x[j], y[j])
			}
		}
	}
	if !(lossA[5] < lossA[0]) {
		t.Errorf("loss did not decrease over 6 steps: %v", lossA)
	}
}

func TestTrainerStopsOnNaN(t *testing.T) {
	net, _ := NewBFCNN(3, 2, tensor.NewRNG(1))
	tr := NewTrainer(net, StepLR{Base: 1e-3}, 1)
	x := trainBatch(0)
	x.Data()[5] = float32(math.NaN())
	before := append([]float32(nil), net.Params()[0].Value.Data()...)
	_, err := tr.TrainStep(x)
	if err == nil || !strings.Contains(err.Error(), "step 1") {
		t.Fatalf("error %v, want one naming step 1", err)
	}
	for i, v := range net.Params()[0].Value.Data() {
		if v != before[i] {
			t.Fatal("parameters changed on a NaN step")
		}
	}
	// A weight gone NaN is caught even though ReLU would hide it in the loss.
	net.Params()[1].Value.Data()[0] = float32(math.NaN())
	_, err = tr.TrainStep(trainBatch(1))
	if err == nil || !strings.Contains(err.Error(), "step 1") || !strings.Contains(err.Error(), "layers.") {
		t.Fatalf("error %v, want one naming step 1 and a parameter", err)
	}
}
