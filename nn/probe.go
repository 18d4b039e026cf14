package nn

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/harmonic-go/harmonic/autograd"
)

// Probing a forward pass: every layer (convolution, transposed convolution,
// batch or group norm, linear map) reports its output to the probe of the
// tape it records on, if that tape has one. Only FirstNonFinite attaches
// probes, when a training run has already gone wrong, so the usual cost is
// one atomic load per layer.

var (
	probing atomic.Int32 // probes attached, over all tapes
	probes  sync.Map     // *autograd.Tape → func(layer string, out *autograd.Var)
)

// observe hands a layer's output to tp's probe. The layer is named by its
// parameter p without the parameter's own last component (enc.1.conv1 for
// enc.1.conv1.weight), the name a checkpoint's tensors share.
func observe(tp *autograd.Tape, p *Param, out *autograd.Var) *autograd.Var {
	if probing.Load() == 0 {
		return out
	}
	if f, ok := probes.Load(tp); ok {
		name := p.Name
		if i := strings.LastIndexByte(name, '.'); i > 0 {
			name = name[:i]
		}
		f.(func(string, *autograd.Var))(name, out)
	}
	return out
}

// FirstNonFinite records forward on a fresh tape with every layer's output
// checked and returns the name of the first layer, in the order the pass
// runs them, whose output holds a NaN or an Inf ("" if none does), and
// whether the pass's own result (the network's output) is finite. It is how
// a training run that produced a non-finite loss or gradient says where
// the non-finite values appeared: the run calls it again on the failing
// batch's network input. forward's side effects (a training pass moves
// batch norm's running statistics) are the caller's to undo.
func FirstNonFinite(forward func(tp *autograd.Tape) *autograd.Var) (layer string, outFinite bool) {
	tp := autograd.NewTape()
	probes.Store(tp, func(name string, out *autograd.Var) {
		if layer == "" && !finite(out.Value.Data()) {
			layer = name
		}
	})
	probing.Add(1)
	defer func() {
		probing.Add(-1)
		probes.Delete(tp)
		tp.Release()
	}()
	out := forward(tp)
	return layer, out != nil && finite(out.Value.Data())
}

// FirstNonFiniteGrad returns the name of the first parameter, in
// state-dict order, whose gradient from the last training step holds a NaN
// or an Inf ("" if none does).
func FirstNonFiniteGrad(params []*Param) string {
	for _, p := range params {
		if p.Grad != nil && !finite(p.Grad.Data()) {
			return p.Name
		}
	}
	return ""
}

// LocateNonFinite is FirstNonFinite for a training step that went wrong,
// as the tail of its error message: it reruns forward (the step's training
// pass on the step's input), then puts state's buffers (batch norm's
// running statistics, which a training pass moves) back as they were, so
// the failed step leaves the network as the step itself left it.
func LocateNonFinite(state []*Param, forward func(tp *autograd.Tape) *autograd.Var) string {
	var saved [][]float32
	for _, p := range state {
		if p.Buffer {
			saved = append(saved, append([]float32(nil), p.Value.Data()...))
		}
	}
	layer, outFinite := FirstNonFinite(forward)
	i := 0
	for _, p := range state {
		if p.Buffer {
			copy(p.Value.Data(), saved[i])
			i++
		}
	}
	switch {
	case layer != "":
		return "; it first appears in the output of layer " + layer
	case !outFinite:
		return "; every layer's output is finite but the network's output is not (an addition overflowed)"
	default:
		return "; the network's forward pass is finite on this batch (it arose in the loss or the backward pass)"
	}
}
