package nn

import (
	"fmt"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Net is a noise-predicting network of a registered architecture (New,
// Register): BFUNet or BFCNN.
type Net interface {
	// Forward records the network on tp and returns its prediction of the
	// noise in y ([B,C,H,W]). train: batch statistics (running_sd updated)
	// and weights that receive gradients; otherwise running_sd and constant
	// weights. Errors surface through tp.Err().
	Forward(tp *autograd.Tape, y *autograd.Var, train bool) *autograd.Var
	// CheckInput says why an input shape does not fit the network.
	CheckInput(shape []int) error
	// Params are the trainable tensors, State all tensors of a checkpoint,
	// both in PyTorch state-dict order.
	Params() []*Param
	State() []*Param
	NumParams() int
	// Config is the architecture; its Meta is the checkpoint metadata.
	Config() Config
}

// DenoiserForward records the denoiser f(y) = y − net(y) (the network
// predicts the noise).
func DenoiserForward(tp *autograd.Tape, net Net, y *autograd.Var, train bool) *autograd.Var {
	return autograd.Sub(y, net.Forward(tp, y, train))
}

// Denoise returns f(y) for a batch y [B,C,H,W] in evaluation mode.
func Denoise(net Net, y *tensor.Tensor) (*tensor.Tensor, error) {
	if err := net.CheckInput(y.Shape()); err != nil {
		return nil, err
	}
	tp := autograd.NewTape()
	f := DenoiserForward(tp, net, tp.Leaf(y.Contiguous(), false), false)
	if err := tp.Err(); err != nil {
		return nil, err
	}
	tp.Release(f.Value) // the activations' memory serves the next call
	return f.Value, nil
}

// NoiseLoss records the training loss Σ (net(noisy) − noise)² / B of a batch
// of B noisy images and the noise that was added to them (train mode).
func NoiseLoss(tp *autograd.Tape, net Net, noisy, noise *tensor.Tensor) (*autograd.Var, error) {
	if err := net.CheckInput(noisy.Shape()); err != nil {
		return nil, err
	}
	pred := net.Forward(tp, tp.Leaf(noisy.Contiguous(), false), true)
	loss := autograd.Scale(autograd.SquaredError(pred, tp.Leaf(noise.Contiguous(), false)), 1/float32(noisy.Dim(0)))
	return loss, tp.Err()
}

// Backward computes the gradient of a scalar loss recorded on tp by a
// training forward pass of net and stores it in each parameter's Grad.
func Backward(tp *autograd.Tape, loss *autograd.Var, net Net) error {
	if err := tp.Backward(loss); err != nil {
		return err
	}
	for _, p := range net.Params() {
		if p.leaf == nil || p.leaf.Grad == nil {
			return fmt.Errorf("nn: parameter %s was not used by a training forward pass on this tape", p.Name)
		}
		p.Grad, p.leaf = p.leaf.Grad, nil
	}
	return nil
}

// Linearization is the denoiser recorded once at one input y; its JVP and
// VJP (Jacobian of f with respect to y) can then be evaluated many times,
// also from several goroutines at once (they only read the recording).
type Linearization struct {
	tp      *autograd.Tape
	in, out *autograd.Var
}

// Linearize records f(y) = y − net(y). With train false (the usual case)
// batch norm uses running_sd; with train true it uses the batch statistics
// of y, and the Jacobian includes their dependence on y (and, like any
// training forward pass, it moves running_sd, as PyTorch's would).
func Linearize(net Net, y *tensor.Tensor, train bool) (*Linearization, error) {
	if err := net.CheckInput(y.Shape()); err != nil {
		return nil, err
	}
	tp := autograd.NewTape()
	in := tp.Leaf(y.Contiguous(), true)
	out := DenoiserForward(tp, net, in, train)
	if err := tp.Err(); err != nil {
		return nil, err
	}
	return &Linearization{tp: tp, in: in, out: out}, nil
}

// Output is f(y).
func (l *Linearization) Output() *tensor.Tensor { return l.out.Value }

// Release hands the recorded intermediate values back for reuse
// (autograd.Tape.Release), as PyTorch frees a graph it no longer references.
// Output stays valid; JVP, VJP and Jacobian must not be called afterwards.
func (l *Linearization) Release() {
	l.tp.Release(l.out.Value)
}

// JVP returns J·v for a block of k tangents v: [k·B,C,H,W] for y [B,C,H,W]
// (for one image, k images), as one batched pass.
func (l *Linearization) JVP(v *tensor.Tensor) (*tensor.Tensor, error) {
	return l.tp.JVP(l.out, []*autograd.Var{l.in}, []*tensor.Tensor{v.Contiguous()})
}

// VJP returns Jᵀ·u for a block of k cotangents u, shaped as in JVP.
func (l *Linearization) VJP(u *tensor.Tensor) (*tensor.Tensor, error) {
	g, err := l.tp.VJP(l.out, u.Contiguous(), []*autograd.Var{l.in})
	if err != nil {
		return nil, err
	}
	return g[0], nil
}

// Jacobian returns the full Jacobian J[i][j] = ∂f_i/∂y_j ([d, d] for one
// image of d pixels), one row per cotangent, computed as VJPs in blocks of
// at most block rows (a block is one batched pass through the network).
func (l *Linearization) Jacobian(block int) (*tensor.Tensor, error) {
	y := l.in.Value
	if y.Dim(0) != 1 {
		return nil, fmt.Errorf("nn: Jacobian needs a single image, got a batch of %v", y.Shape())
	}
	d := y.Numel()
	if block < 1 {
		block = 1
	}
	jac := tensor.New(d, d)
	for r0 := 0; r0 < d; r0 += block {
		k := min(block, d-r0)
		u := tensor.New(k, y.Dim(1), y.Dim(2), y.Dim(3))
		for j := range k {
			u.Data()[j*d+r0+j] = 1
		}
		rows, err := l.VJP(u)
		if err != nil {
			return nil, err
		}
		copy(jac.Data()[r0*d:(r0+k)*d], rows.Data())
	}
	return jac, nil
}
