package autograd

import (
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
)

// Linear records the fully connected layer y = x·Wᵀ + b of PyTorch's
// nn.Linear: x [B,in], w [out,in], b [out] (b nil: no bias). As Conv2d, the
// recording keeps a snapshot of w, the values the forward pass used.
func Linear(x, w, b *Var) *Var {
	inputs := []*Var{x, w}
	if b != nil {
		inputs = append(inputs, b)
	}
	return x.tape.record(inputs, func() (*tensor.Tensor, op, error) {
		xs, ws := x.Value.Shape(), w.Value.Shape()
		if len(xs) != 2 || len(ws) != 2 || xs[1] != ws[1] {
			return nil, nil, fmt.Errorf("linear: input %v and weight %v must be [B,in] and [out,in]", xs, ws)
		}
		d := linShape{b: xs[0], in: xs[1], out: ws[0]}
		if d.b == 0 || d.in == 0 || d.out == 0 {
			return nil, nil, fmt.Errorf("linear: input %v or weight %v is empty", xs, ws)
		}
		if b != nil && (b.Value.Rank() != 1 || b.Value.Dim(0) != d.out) {
			return nil, nil, fmt.Errorf("linear: weight %v has %d outputs, bias has shape %v", ws, d.out, b.Value.Shape())
		}
		o := linOp{d: d, w: tensor.Snapshot(w.Value)}
		y := tensor.Empty(d.b, d.out)
		tensor.Sgemm(false, true, d.b, d.out, d.in, 1, x.Value.Data(), d.in, o.w.Data(), d.in, 0, y.Data(), d.out)
		if b != nil {
			d.addBias(y.Data(), b.Value.Data(), 1)
		}
		return y, o, nil
	})
}

type linShape struct{ b, in, out int }

// addBias adds vector j of the bias block bias ([k·out]) to the B rows of
// vector j of the output block y ([k·B, out]).
func (d linShape) addBias(y, bias []float32, k int) {
	for j := range k {
		bj := bias[j*d.out : (j+1)*d.out]
		for r := range d.b {
			addInto(y[(j*d.b+r)*d.out:(j*d.b+r+1)*d.out], bj)
		}
	}
}

type linOp struct {
	d linShape
	w *tensor.Tensor // snapshot of the weight
}

func (linOp) name() string { return "linear" }

// jvp: d(x·Wᵀ + b) = dx·Wᵀ + x·dWᵀ + db. The input tangents of a block are
// k·B rows, one GEMM; each weight tangent needs its own product with x.
func (o linOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	d, x := o.d, out.inputs[0].Value.Data()
	y := tensor.Empty(k*d.b, d.out)
	yd := y.Data()
	beta := float32(0) // 0 until something has been written into y
	if tin[0] != nil {
		tensor.Sgemm(false, true, k*d.b, d.out, d.in, 1, tin[0].Data(), d.in, o.w.Data(), d.in, 0, yd, d.out)
		beta = 1
	}
	if tin[1] != nil {
		tw := tin[1].Data()
		for j := range k {
			tensor.Sgemm(false, true, d.b, d.out, d.in, 1, x, d.in, tw[j*d.out*d.in:], d.in, beta,
				yd[j*d.b*d.out:(j+1)*d.b*d.out], d.out)
		}
		beta = 1
	}
	if beta == 0 {
		clear(yd)
	}
	if len(tin) > 2 && tin[2] != nil {
		d.addBias(yd, tin[2].Data(), k)
	}
	return y
}

// vjp: with g [k·B,out], dx = g·W (one GEMM over the block), dW_j = g_jᵀ·x
// and db_j = Σ over the batch of g_j (accumulated in float64).
func (o linOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	d, x, gd := o.d, out.inputs[0].Value.Data(), g.Data()
	res := make([]*tensor.Tensor, len(need))
	if need[0] {
		res[0] = tensor.Empty(k*d.b, d.in)
		tensor.Sgemm(false, false, k*d.b, d.in, d.out, 1, gd, d.out, o.w.Data(), d.in, 0, res[0].Data(), d.in)
	}
	if need[1] {
		res[1] = tensor.Empty(k*d.out, d.in)
		for j := range k {
			tensor.Sgemm(true, false, d.out, d.in, d.b, 1, gd[j*d.b*d.out:], d.out, x, d.in, 0,
				res[1].Data()[j*d.out*d.in:(j+1)*d.out*d.in], d.in)
		}
	}
	if len(need) > 2 && need[2] {
		res[2] = tensor.Empty(k * d.out)
		gb := res[2].Data()
		acc := make([]float64, d.out)
		for j := range k {
			clear(acc)
			for r := range d.b {
				for c, v := range gd[(j*d.b+r)*d.out : (j*d.b+r+1)*d.out] {
					acc[c] += float64(v)
				}
			}
			for c, v := range acc {
				gb[j*d.out+c] = float32(v)
			}
		}
	}
	return res
}
