package nn

import (
	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Model is what every registered network is, whatever its inputs: the
// tensors a checkpoint holds and the architecture that names them. New and
// Load return a Model; it is one of two kinds, told apart by a type switch:
//
//   - Net, a blind noise predictor net(y) (bf-unet, bf-cnn), the denoiser
//     y − net(y) of study A;
//   - Conditioned, a time-conditioned predictor net(x, t) (tc-unet), told
//     one time value per image (a DDPM step for vp-eps, a heat level for
//     heat), of studies B and C.
//
// Code that needs one kind asserts it (AsNet, AsConditioned give errors
// naming the network), so a checkpoint of the wrong kind is refused with a
// message instead of a panic.
type Model interface {
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

// Conditioned is a time-conditioned network of a registered architecture:
// TCUNet.
type Conditioned interface {
	Model
	// Forward records net(x, t) on tp: x [B,C,H,W], t [B] one raw time
	// value per image (a constant of the computation). train makes the
	// weights leaves that receive gradients. Errors surface through
	// tp.Err().
	Forward(tp *autograd.Tape, x *autograd.Var, t *tensor.Tensor, train bool) *autograd.Var
}
