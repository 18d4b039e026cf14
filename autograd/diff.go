package autograd

import (
	"fmt"

	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// JVP pushes tangent blocks from leaves to out: tangents[i] (block shape of
// leaves[i], see the package comment) is the tangent of leaves[i]; every other
// leaf has tangent zero. It returns the tangent block of out. All blocks must
// hold the same number k of vectors. The tape is left unchanged, so JVP can be
// called again with other tangents.
func (tp *Tape) JVP(out *Var, leaves []*Var, tangents []*tensor.Tensor) (*tensor.Tensor, error) {
	if err := tp.check(out, leaves); err != nil {
		return nil, err
	}
	if len(tangents) != len(leaves) {
		return nil, fmt.Errorf("autograd: JVP got %d tangents for %d leaves", len(tangents), len(leaves))
	}
	k := -1
	tans := make([]*tensor.Tensor, out.index+1)
	for i, l := range leaves {
		kk, err := blockCount(l.Value, tangents[i])
		if err != nil {
			return nil, fmt.Errorf("autograd: JVP tangent %d: %w", i, err)
		}
		if k >= 0 && kk != k {
			return nil, fmt.Errorf("autograd: JVP tangents hold %d and %d vectors", k, kk)
		}
		k = kk
		if l.index <= out.index {
			tans[l.index] = tangents[i]
		}
	}
	if k < 0 {
		return nil, fmt.Errorf("autograd: JVP needs at least one leaf")
	}
	last := tp.lastUses(out)
	bufs := newPassBuffers(tp, out.index, tangents)
	for _, t := range tans {
		bufs.hold(t)
	}
	for i := 0; i <= out.index; i++ {
		v := tp.vars[i]
		if v.op != nil {
			tin := make([]*tensor.Tensor, len(v.inputs))
			anyTan := false
			for j, in := range v.inputs {
				tin[j] = tans[in.index]
				anyTan = anyTan || tin[j] != nil
			}
			if anyTan {
				tans[i] = v.op.jvp(v, tin, k)
				bufs.hold(tans[i])
			}
		}
		// Drop tangents nothing later reads, so peak memory follows the
		// live values of the network, not the whole tape.
		for _, in := range v.inputs {
			if last[in.index] == i && in.index != out.index {
				bufs.release(tans[in.index])
				tans[in.index] = nil
			}
		}
	}
	if t := tans[out.index]; t != nil {
		for _, in := range tangents {
			if t == in {
				return cloneTensor(t), nil // never hand back the caller's own tensor
			}
		}
		return t, nil
	}
	return tensor.New(blockShape(out.Value, k)...), nil
}

// VJP pulls the cotangent block cot (block shape of out) back to the leaves
// and returns the cotangent block of each leaf (zeros for a leaf out does not
// depend on). Only the ops on a path from those leaves to out run their VJPs.
// The tape and the leaves' Grad fields are left unchanged.
func (tp *Tape) VJP(out *Var, cot *tensor.Tensor, leaves []*Var) ([]*tensor.Tensor, error) {
	if err := tp.check(out, leaves); err != nil {
		return nil, err
	}
	k, err := blockCount(out.Value, cot)
	if err != nil {
		return nil, fmt.Errorf("autograd: VJP cotangent: %w", err)
	}
	active := make([]bool, out.index+1)
	for _, l := range leaves {
		if l.index <= out.index {
			active[l.index] = true
		}
	}
	for i := 0; i <= out.index; i++ {
		for _, in := range tp.vars[i].inputs {
			active[i] = active[i] || active[in.index]
		}
	}
	grads := tp.pullback(out, cot, k, active)
	res := make([]*tensor.Tensor, len(leaves))
	// Results never alias the caller's cotangent or each other (Add passes
	// its cotangent through unchanged to both inputs).
	seen := map[*tensor.Tensor]bool{cot: true}
	for i, l := range leaves {
		var g *tensor.Tensor
		if l.index <= out.index {
			g = grads[l.index]
		}
		switch {
		case g == nil:
			g = tensor.New(blockShape(l.Value, k)...)
		case seen[g]:
			g = cloneTensor(g)
		}
		seen[g] = true
		res[i] = g
	}
	return res, nil
}

// Backward computes the gradient of the scalar loss with respect to every
// leaf recorded with needsGrad and stores it in the leaf's Grad (replacing
// what was there; a leaf loss does not depend on gets zeros).
func (tp *Tape) Backward(loss *Var) error {
	if err := tp.check(loss, nil); err != nil {
		return err
	}
	if loss.Value.Numel() != 1 {
		return fmt.Errorf("autograd: Backward needs a scalar loss, got shape %v", loss.Value.Shape())
	}
	active := make([]bool, loss.index+1)
	for i := range active {
		active[i] = tp.vars[i].needsGrad
	}
	one := tensor.New(blockShape(loss.Value, 1)...)
	one.Data()[0] = 1
	grads := tp.pullback(loss, one, 1, active)
	seen := map[*tensor.Tensor]bool{}
	for _, v := range tp.vars {
		if v.op != nil || !v.needsGrad {
			continue
		}
		var g *tensor.Tensor
		if v.index <= loss.index {
			g = grads[v.index]
		}
		switch {
		case g == nil:
			g = tensor.New(v.Value.Shape()...)
		case seen[g]:
			g = cloneTensor(g) // leaves never share a Grad tensor
		}
		seen[g] = true
		v.Grad = g
	}
	return nil
}

// pullback runs the VJPs of the active ops from out back to the start of the
// tape, sequentially, and returns the accumulated cotangent of every value
// (nil where none arrived). Intermediate cotangents are dropped once used.
func (tp *Tape) pullback(out *Var, cot *tensor.Tensor, k int, active []bool) []*tensor.Tensor {
	grads := make([]*tensor.Tensor, out.index+1)
	owned := make([]bool, out.index+1) // grads[i] is ours to add into
	grads[out.index] = cot
	bufs := newPassBuffers(tp, out.index, []*tensor.Tensor{cot})
	bufs.hold(cot)
	for i := out.index; i >= 0; i-- {
		v, g := tp.vars[i], grads[i]
		if v.op == nil || g == nil {
			continue
		}
		need := make([]bool, len(v.inputs))
		anyNeed := false
		for j, in := range v.inputs {
			need[j] = active[in.index]
			anyNeed = anyNeed || need[j]
		}
		if anyNeed {
			contrib := v.op.vjp(v, g, need, k)
			for j, in := range v.inputs {
				if need[j] && contrib[j] != nil {
					accumulate(grads, owned, bufs, in.index, contrib[j])
				}
			}
			// Contributions added into an existing cotangent are dead now.
			for _, c := range contrib {
				if c != nil {
					bufs.discard(c)
				}
			}
		}
		bufs.release(g)
		grads[i] = nil
	}
	return grads
}

// accumulate adds c into grads[i]. The first contribution is kept as is
// (it may alias another value's cotangent); a second one forces a private copy
// before adding in place.
func accumulate(grads []*tensor.Tensor, owned []bool, bufs *passBuffers, i int, c *tensor.Tensor) {
	if grads[i] == nil {
		grads[i] = c
		bufs.hold(c)
		return
	}
	if !owned[i] {
		// The sum goes to a fresh buffer in one pass (not a copy, then an add).
		old := grads[i]
		sum := tensor.Empty(old.Shape()...)
		simd.Add(sum.Data(), old.Data(), c.Data())
		grads[i] = sum
		owned[i] = true
		bufs.hold(sum)
		bufs.release(old)
		return
	}
	addInto(grads[i].Data(), c.Data())
}

// lastUses gives, for each value up to out, the index of the last op that
// reads it (-1 if none).
func (tp *Tape) lastUses(out *Var) []int {
	last := make([]int, out.index+1)
	for i := range last {
		last[i] = -1
	}
	for i := 0; i <= out.index; i++ {
		for _, in := range tp.vars[i].inputs {
			last[in.index] = i
		}
	}
	return last
}

func (tp *Tape) check(out *Var, leaves []*Var) error {
	if tp.err != nil {
		return tp.err
	}
	if out == nil || out.tape != tp || out.Value == nil {
		return fmt.Errorf("autograd: output is not a value on this tape")
	}
	for i, l := range leaves {
		if l == nil || l.tape != tp || l.op != nil {
			return fmt.Errorf("autograd: argument %d is not a leaf of this tape", i)
		}
	}
	return nil
}
