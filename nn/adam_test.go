package nn

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// Three Adam steps against the textbook update in float64.
func TestAdamMatchesFloat64(t *testing.T) {
	p := &Param{Name: "w", Value: tensor.New(4)}
	copy(p.Value.Data(), []float32{0.5, -1, 2, 0})
	grads := [][]float64{{0.1, -0.2, 3, 0}, {-0.05, -0.2, 1, 1e-3}, {0.3, 0.1, -2, 0}}
	w := []float64{0.5, -1, 2, 0}
	m, v := make([]float64, 4), make([]float64, 4)
	a := NewAdam([]*Param{p})
	lrs := []float64{1e-3, 1e-3, 5e-4}
	for s, g := range grads {
		p.Grad = tensor.New(4)
		for i, x := range g {
			p.Grad.Data()[i] = float32(x)
		}
		if err := a.Update(lrs[s]); err != nil {
			t.Fatal(err)
		}
		n := float64(s + 1)
		for i, x := range g {
			x = float64(float32(x))
			m[i] = 0.9*m[i] + 0.1*x
			v[i] = 0.999*v[i] + 0.001*x*x
			mh, vh := m[i]/(1-math.Pow(0.9, n)), v[i]/(1-math.Pow(0.999, n))
			// PyTorch divides sqrt(v) by sqrt(1−β2^t) before adding ε: the
			// textbook form with bias-corrected v.
			w[i] -= lrs[s] * mh / (math.Sqrt(vh) + 1e-8)
		}
		for i := range w {
			if d := math.Abs(float64(p.Value.Data()[i]) - w[i]); d > 1e-6 {
				t.Errorf("step %d w[%d] = %v, want %v", s+1, i, p.Value.Data()[i], w[i])
			}
		}
	}
	if a.Step != 3 {
		t.Errorf("Step = %d after 3 updates", a.Step)
	}
}

func TestAdamNeedsGradients(t *testing.T) {
	p := &Param{Name: "enc.0.conv1.weight", Value: tensor.New(2)}
	if err := NewAdam([]*Param{p}).Update(1e-3); err == nil {
		t.Fatal("update without gradients accepted")
	}
}

func TestStepLR(t *testing.T) {
	s := StepLR{Base: 1e-3, Every: 100, Factor: 0.5}
	for _, c := range []struct {
		step int
		want float64
	}{{0, 1e-3}, {99, 1e-3}, {100, 5e-4}, {250, 2.5e-4}} {
		if got := s.At(c.step); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("At(%d) = %v, want %v", c.step, got, c.want)
		}
	}
	if got := (StepLR{Base: 2e-3}).At(10000); got != 2e-3 {
		t.Errorf("constant schedule gave %v", got)
	}
}
