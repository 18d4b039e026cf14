package autograd

import (
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
)

// GlobalAvgPool records the mean over all pixels of each channel of
// x [B,C,H,W]: the [B,C] vector a classifier head reads, whatever the image
// size. Each mean is summed in float64.
func GlobalAvgPool(x *Var) *Var {
	return x.tape.record([]*Var{x}, func() (*tensor.Tensor, op, error) {
		s := x.Value.Shape()
		if len(s) != 4 || s[0] == 0 || s[1] == 0 || s[2] == 0 || s[3] == 0 {
			return nil, nil, fmt.Errorf("global average pool: input %v must be a non-empty [B,C,H,W]", s)
		}
		y := tensor.Empty(s[0], s[1])
		planeMeans(y.Data(), x.Value.Data(), s[2]*s[3])
		return y, globalPoolOp{hw: s[2] * s[3]}, nil
	})
}

// planeMeans writes the mean of each consecutive hw-value plane of x to y.
func planeMeans(y, x []float32, hw int) {
	for p := range y {
		y[p] = float32(sum64(x[p*hw:(p+1)*hw]) / float64(hw))
	}
}

type globalPoolOp struct{ hw int }

func (globalPoolOp) name() string { return "global_avg_pool" }

// The pool is linear and acts on every plane alone, so a block of k·B
// tangent images is pooled as one batch, and the VJP spreads each
// cotangent evenly over its plane (the adjoint).
func (o globalPoolOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	y := tensor.Empty(blockShape(out.Value, k)...)
	planeMeans(y.Data(), tin[0].Data(), o.hw)
	return y
}

func (o globalPoolOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	r := tensor.Empty(blockShape(out.inputs[0].Value, k)...)
	rd, inv := r.Data(), 1/float32(o.hw)
	for p, v := range g.Data() {
		d, s := rd[p*o.hw:(p+1)*o.hw], v*inv
		for i := range d {
			d[i] = s
		}
	}
	return []*tensor.Tensor{r}
}
