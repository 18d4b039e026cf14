package autograd

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/tensor"
)

// SoftmaxCrossEntropy records the classification loss of logits [B,C]
// against integer class labels (one per row, each in [0, C)): the mean over
// the batch of −log softmax(logits_b)[labels[b]], as a scalar. This is
// PyTorch's F.cross_entropy(logits, labels) with its default mean reduction.
//
// Each row's log-sum-exp is taken around the row's maximum in float64
// (m + log Σ exp(x − m)), so logits of any magnitude give a finite loss; the
// derivative (softmax − one-hot)/B is computed once and kept, which is all
// the JVP and VJP need. The labels are constants of the computation.
func SoftmaxCrossEntropy(logits *Var, labels []int) *Var {
	return logits.tape.record([]*Var{logits}, func() (*tensor.Tensor, op, error) {
		s := logits.Value.Shape()
		if len(s) != 2 || s[0] == 0 || s[1] == 0 {
			return nil, nil, fmt.Errorf("cross-entropy: logits %v must be [B,C] with B, C >= 1", s)
		}
		b, c := s[0], s[1]
		if len(labels) != b {
			return nil, nil, fmt.Errorf("cross-entropy: %d labels for %d rows of logits %v", len(labels), b, s)
		}
		for i, l := range labels {
			if l < 0 || l >= c {
				return nil, nil, fmt.Errorf("cross-entropy: label %d of row %d is outside [0, %d)", l, i, c)
			}
		}
		x := logits.Value.Data()
		grad := make([]float32, b*c)
		p := make([]float64, c)
		var total float64
		for i := range b {
			row := x[i*c : (i+1)*c]
			m := math.Inf(-1)
			for _, v := range row {
				m = math.Max(m, float64(v))
			}
			var z float64
			for j, v := range row {
				p[j] = math.Exp(float64(v) - m)
				z += p[j]
			}
			total += m + math.Log(z) - float64(row[labels[i]])
			g := grad[i*c : (i+1)*c]
			for j := range g {
				g[j] = float32(p[j] / z / float64(b))
			}
			g[labels[i]] = float32((p[labels[i]]/z - 1) / float64(b))
		}
		y := tensor.New()
		y.Data()[0] = float32(total / float64(b))
		return y, crossEntropyOp{grad: grad}, nil
	})
}

// crossEntropyOp keeps ∂loss/∂logits = (softmax − one-hot)/B, [B·C].
type crossEntropyOp struct{ grad []float32 }

func (crossEntropyOp) name() string { return "softmax_cross_entropy" }

// jvp: each vector's scalar tangent is ⟨∂loss/∂logits, t_j⟩ (float64 sum).
func (o crossEntropyOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	y := tensor.New(k)
	td, n := tin[0].Data(), len(o.grad)
	for j := range k {
		var s float64
		for i, v := range td[j*n : (j+1)*n] {
			s += float64(v) * float64(o.grad[i])
		}
		y.Data()[j] = float32(s)
	}
	return y
}

// vjp: vector j's cotangent is its scalar times ∂loss/∂logits.
func (o crossEntropyOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	r := tensor.Empty(blockShape(out.inputs[0].Value, k)...)
	rd, n := r.Data(), len(o.grad)
	for j, gj := range g.Data() {
		d := rd[j*n : (j+1)*n]
		for i, v := range o.grad {
			d[i] = gj * v
		}
	}
	return []*tensor.Tensor{r}
}
