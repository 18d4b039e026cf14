package autograd

import "github.com/harmonic-go/harmonic/tensor"

// Buffer reuse. A JVP or VJP pass drops each intermediate tangent or
// cotangent once nothing later reads it. Handing those buffers to
// tensor.Recycle lets the next op's output reuse them without zeroing; a
// buffer goes back only when the last slot referring to it lets go (ops may
// pass a block through unchanged, so slots share buffers), and never when it
// belongs to the caller or to the recording.

// passBuffers counts, per buffer, the slots of one pass that hold it.
type passBuffers struct {
	refs    map[uintptr]int
	foreign map[uintptr]bool // the caller's blocks and the tape's values
}

func newPassBuffers(tp *Tape, last int, callers []*tensor.Tensor) *passBuffers {
	p := &passBuffers{refs: map[uintptr]int{}, foreign: map[uintptr]bool{}}
	for _, t := range callers {
		if t != nil {
			p.foreign[t.BufferID()] = true
		}
	}
	for _, v := range tp.vars[:last+1] {
		if v.Value != nil {
			p.foreign[v.Value.BufferID()] = true
		}
	}
	return p
}

// hold notes that a slot now refers to t.
func (p *passBuffers) hold(t *tensor.Tensor) {
	if t != nil {
		p.refs[t.BufferID()]++
	}
}

// release notes that a slot let go of t and recycles t's buffer if that was
// the last slot and the pass created it.
func (p *passBuffers) release(t *tensor.Tensor) {
	if t == nil {
		return
	}
	id := t.BufferID()
	p.refs[id]--
	if p.refs[id] <= 0 {
		delete(p.refs, id)
		p.discard(t)
	}
}

// discard recycles t if no slot holds its buffer and the pass created it.
func (p *passBuffers) discard(t *tensor.Tensor) {
	id := t.BufferID()
	if p.refs[id] > 0 || p.foreign[id] {
		return
	}
	p.foreign[id] = true // never twice
	tensor.Recycle(t)
}

// Release hands the buffers of every op output on the tape, except those
// viewed by keep, back for reuse (tensor.Recycle) and empties the tape. Call
// it when nothing will read those values again: after a denoising pass
// whose result is kept, or after a training step's backward pass. Leaves and
// their gradients are never released.
func (tp *Tape) Release(keep ...*tensor.Tensor) {
	skip := map[uintptr]bool{}
	for _, t := range keep {
		if t != nil {
			skip[t.BufferID()] = true
		}
	}
	for _, v := range tp.vars {
		if v.op == nil {
			for _, t := range []*tensor.Tensor{v.Value, v.Grad} {
				if t != nil {
					skip[t.BufferID()] = true
				}
			}
		}
	}
	for _, v := range tp.vars {
		if r, ok := v.op.(opBuffers); ok {
			r.releaseBuffers()
		}
		if v.op == nil || v.Value == nil || skip[v.Value.BufferID()] {
			continue
		}
		skip[v.Value.BufferID()] = true
		tensor.Recycle(v.Value)
	}
	tp.Reset()
}

// opBuffers is implemented by ops that keep buffers of their own beyond
// the output (SiLU's derivative): Release hands those back too.
type opBuffers interface{ releaseBuffers() }
