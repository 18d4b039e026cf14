package nn

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// NoiseStep takes one Adam step with learning rate lr on a prepared batch:
// it records the loss Σ (net(noisy) − noise)² / B on tp, backpropagates it
// and updates the parameters, and returns the loss. A loss that is not
// finite is an error before any parameter changes; so is a parameter that
// becomes NaN or Inf in the update (ReLU maps NaN to 0, so a diverged weight
// need not show in the loss). tp is reset before, and released after, so
// the activations live only during the step and their memory serves the
// next one. Callers add the step number.
func NoiseStep(tp *autograd.Tape, net Net, opt *Adam, lr float64, noisy, noise *tensor.Tensor) (float64, error) {
	tp.Reset()
	defer tp.Release()
	loss, err := NoiseLoss(tp, net, noisy, noise)
	if err != nil {
		return 0, err
	}
	l := float64(loss.Value.Data()[0])
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return l, fmt.Errorf("loss is %v (the run diverged; try a lower learning rate)", l)
	}
	if err := Backward(tp, loss, net); err != nil {
		return l, err
	}
	if err := opt.Update(lr); err != nil {
		return l, err
	}
	for _, p := range net.Params() {
		if !finite(p.Value.Data()) {
			return l, fmt.Errorf("parameter %s became NaN or Inf (loss %v)", p.Name, l)
		}
	}
	return l, nil
}

// finite reports whether x holds no NaN or Inf: any such value makes the
// float32 sum of squares NaN or Inf (finite values overflow only beyond ~1e19).
func finite(x []float32) bool {
	s := simd.SumSquares(x)
	return !math.IsNaN(float64(s)) && !math.IsInf(float64(s), 0)
}
