package nn

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Adam is PyTorch's torch.optim.Adam (no weight decay, no amsgrad), with
// PyTorch's evaluation order (simd.AdamStep), so a step matches to rounding:
//
//	m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//	p ← p − (lr/(1−β1^t)) · m / (sqrt(v)/sqrt(1−β2^t) + ε)
type Adam struct {
	Beta1, Beta2, Eps float64
	// Step is the number of updates taken (t above); checkpoints save it
	// along with M and V to resume exactly.
	Step int
	// M and V are the moment estimates, one per parameter in order.
	M, V []*tensor.Tensor

	params []*Param
}

// NewAdam returns Adam over params with PyTorch's defaults (β1 0.9, β2 0.999,
// ε 1e-8) and zero moments.
func NewAdam(params []*Param) *Adam {
	a := &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, params: params}
	for _, p := range params {
		a.M = append(a.M, tensor.New(p.Value.Shape()...))
		a.V = append(a.V, tensor.New(p.Value.Shape()...))
	}
	return a
}

// Update takes one step with learning rate lr using each parameter's Grad.
func (a *Adam) Update(lr float64) error {
	for _, p := range a.params {
		if p.Grad == nil || p.Grad.Numel() != p.Value.Numel() {
			return fmt.Errorf("adam: parameter %s has no gradient of its shape %v", p.Name, p.Value.Shape())
		}
	}
	a.Step++
	t := float64(a.Step)
	bc1, bc2 := 1-math.Pow(a.Beta1, t), 1-math.Pow(a.Beta2, t)
	for i, p := range a.params {
		simd.AdamStep(p.Value.Data(), p.Grad.Data(), a.M[i].Data(), a.V[i].Data(),
			lr, a.Beta1, a.Beta2, a.Eps, bc1, bc2)
	}
	return nil
}

// StepLR is the step learning-rate schedule: Base, multiplied by Factor every
// Every steps (the authors halve it periodically: Factor 0.5).
type StepLR struct {
	Base   float64
	Every  int
	Factor float64
}

// At returns the learning rate for step (counting from 0). Every <= 0 means
// constant.
func (s StepLR) At(step int) float64 {
	if s.Every <= 0 {
		return s.Base
	}
	return s.Base * math.Pow(s.Factor, float64(step/s.Every))
}
