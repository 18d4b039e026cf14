package nn

import (
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/simd"
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

// Finite reports whether every element of x is finite: their sum of
// squares (in float32, as the trainer checks) is neither NaN nor Inf.
// A sum that overflows counts as not finite; values that large are as
// useless to training as an Inf.
func Finite(x []float32) bool {
	s := float64(simd.SumSquares(x))
	return !math.IsNaN(s) && !math.IsInf(s, 0)
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
		if layer == "" && !Finite(out.Value.Data()) {
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
	return layer, out != nil && Finite(out.Value.Data())
}

// FirstNonFiniteGrad returns the name of the first parameter, in
// state-dict order, whose gradient from the last training step holds a NaN
// or an Inf ("" if none does).
func FirstNonFiniteGrad(params []*Param) string {
	for _, p := range params {
		if p.Grad != nil && !Finite(p.Grad.Data()) {
			return p.Name
		}
	}
	return ""
}
