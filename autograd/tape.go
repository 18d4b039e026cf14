// Package autograd records tensor operations on a tape as they run
// (define-by-run, as in micrograd and tinygrad) and differentiates them in
// both directions:
//
//   - reverse mode: VJP / Backward pull a cotangent from an output back to the
//     leaves, running the ops' vector-Jacobian products sequentially in reverse
//     tape order, so every sum is accumulated in one fixed order (deterministic);
//   - forward mode: JVP pushes tangents from leaves to an output through the
//     ops' Jacobian-vector products (no double backward).
//
// A recorded tape is a linearization of the computation at its primal point:
// JVP and VJP can be called any number of times on it (thousands of times
// for Jacobian spectra) without rerunning the forward pass.
//
// Tangent blocks. Both directions move a block of k vectors at once. The
// block for a value of shape [d0, d1, ...] has shape [k·d0, d1, ...]: vector
// j occupies rows j·d0 .. (j+1)·d0-1 (a scalar's block has shape [k]). For a
// network input of batch 1 this is simply a batch of k images, so a block of
// k JVPs runs every convolution as one GEMM with k times more columns, and
// ReLU masks or batch-norm scales are broadcast over the k vectors.
package autograd

import (
	"fmt"

	"github.com/harmonic-go/harmonic/tensor"
)

// Var is a value recorded on a tape: a leaf (input, parameter or constant) or
// the output of an op.
type Var struct {
	// Value is the primal value. Ops never modify it.
	Value *tensor.Tensor
	// Grad holds the gradient accumulated by Backward (leaves that need a
	// gradient only). It is nil until Backward reaches this leaf.
	Grad *tensor.Tensor

	tape      *Tape
	index     int // position on the tape
	op        op  // nil for leaves
	inputs    []*Var
	needsGrad bool // a leaf that wants gradients, or an op depending on one
}

// Tape records ops in the order they run. Recording and Backward are not
// safe for concurrent use; JVP and VJP only read a finished recording, so
// several goroutines may call them on one tape at once.
type Tape struct {
	vars []*Var
	err  error
}

// NewTape returns an empty tape.
func NewTape() *Tape { return &Tape{} }

// Reset empties the tape (and clears its error) so it can record a new
// computation; earlier Vars must not be used afterwards.
func (tp *Tape) Reset() {
	for i := range tp.vars {
		tp.vars[i] = nil
	}
	tp.vars = tp.vars[:0]
	tp.err = nil
}

// Len is the number of recorded values (leaves and op outputs).
func (tp *Tape) Len() int { return len(tp.vars) }

// Err returns the first error an op met while recording. Once an op fails,
// every later op on the tape is skipped and returns a Var with a nil Value,
// so a chain of ops needs one error check at its end (as bufio.Scanner).
func (tp *Tape) Err() error { return tp.err }

// Leaf records an input, parameter or constant. needsGrad marks the leaves
// Backward computes gradients for. The tensor must be contiguous; it is not
// copied.
func (tp *Tape) Leaf(t *tensor.Tensor, needsGrad bool) *Var {
	v := &Var{tape: tp, index: len(tp.vars), needsGrad: needsGrad}
	switch {
	case tp.err != nil:
	case t == nil:
		tp.err = fmt.Errorf("autograd: nil tensor given as a leaf")
	case !t.IsContiguous():
		tp.err = fmt.Errorf("autograd: leaf of shape %v is not contiguous", t.Shape())
	default:
		v.Value = t
	}
	tp.vars = append(tp.vars, v)
	return v
}

// IsLeaf reports whether v was recorded by Leaf.
func (v *Var) IsLeaf() bool { return v.op == nil }

// Shape returns the shape of the primal value.
func (v *Var) Shape() []int { return v.Value.Shape() }

// op is one recorded operation. Each op family lives in one file (op_*.go)
// holding its forward computation, its VJP and its JVP.
type op interface {
	name() string
	// jvp returns the tangent block of out given the tangent blocks of its
	// inputs (nil means zero; at least one is non-nil) for block size k.
	jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor
	// vjp returns, for every input i with need[i], the contribution of the
	// cotangent block g of out to input i's cotangent block (block size k).
	// A returned tensor may alias g; callers never modify it in place.
	vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor
}

// record appends the result of an op. forward computes the primal value and
// the op (which keeps whatever the derivatives need); it is skipped when the
// tape already has an error or an input has none.
func (tp *Tape) record(inputs []*Var, forward func() (*tensor.Tensor, op, error)) *Var {
	v := &Var{tape: tp, index: len(tp.vars), inputs: inputs}
	tp.vars = append(tp.vars, v)
	if tp.err != nil {
		return v
	}
	for _, in := range inputs {
		if in == nil || in.tape != tp {
			tp.err = fmt.Errorf("autograd: op input recorded on another tape (or nil)")
			return v
		}
		if in.Value == nil {
			return v // an earlier failure, already in tp.err
		}
		v.needsGrad = v.needsGrad || in.needsGrad
	}
	val, o, err := forward()
	if err != nil {
		tp.err = fmt.Errorf("autograd: %w", err)
		return v
	}
	v.Value, v.op = val, o
	return v
}

// Fail records err as the tape's error (unless it already has one) and
// returns a Var with a nil Value, for code that validates its own
// arguments while recording: the error then surfaces through Err, and
// later ops are skipped, as after a failed op.
func (tp *Tape) Fail(err error) *Var {
	v := &Var{tape: tp, index: len(tp.vars)}
	tp.vars = append(tp.vars, v)
	if tp.err == nil {
		tp.err = err
	}
	return v
}
