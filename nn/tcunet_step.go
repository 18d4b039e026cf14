package nn

import (
	"fmt"
	"math"
	"slices"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// TCUNetLoss records Σ (net(x, t) − target)² / B on tp in training mode:
// the ε-prediction loss of a VP diffusion batch (x = x_t, target = ε) and
// the loss torch_reference.py bench's tc-unet train step minimizes.
func TCUNetLoss(tp *autograd.Tape, net *TCUNet, x, t, target *tensor.Tensor) (*autograd.Var, error) {
	if err := net.CheckInput(x.Shape()); err != nil {
		return nil, err
	}
	if !slices.Equal(x.Shape(), target.Shape()) {
		return nil, fmt.Errorf("tc-unet loss: target %v does not match input %v", target.Shape(), x.Shape())
	}
	pred := net.Forward(tp, tp.Leaf(x.Contiguous(), false), t, true)
	loss := autograd.Scale(autograd.SquaredError(pred, tp.Leaf(target.Contiguous(), false)), 1/float32(x.Dim(0)))
	return loss, tp.Err()
}

// TCUNetStep takes one Adam step with learning rate lr on TCUNetLoss and
// returns the loss, with NoiseStep's checks (a loss or a parameter that is
// not finite is an error) and tape handling (reset before, released after).
func TCUNetStep(tp *autograd.Tape, net *TCUNet, opt *Adam, lr float64, x, t, target *tensor.Tensor) (float64, error) {
	tp.Reset()
	defer tp.Release()
	loss, err := TCUNetLoss(tp, net, x, t, target)
	if err != nil {
		return 0, err
	}
	l := float64(loss.Value.Data()[0])
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return l, fmt.Errorf("loss is %v (the run diverged; try a lower learning rate)", l)
	}
	if err := tp.Backward(loss); err != nil {
		return l, err
	}
	if err := collectGrads(net.Params()); err != nil {
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

// collectGrads moves each parameter's gradient from the leaf of the last
// training forward pass into its Grad (Backward does the same for a Net).
func collectGrads(params []*Param) error {
	for _, p := range params {
		if p.leaf == nil || p.leaf.Grad == nil {
			return fmt.Errorf("nn: parameter %s was not used by a training forward pass on this tape", p.Name)
		}
		p.Grad, p.leaf = p.leaf.Grad, nil
	}
	return nil
}
