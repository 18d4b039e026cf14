package nn

import (
	"fmt"
	"strconv"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// BFCNN is the bias-free DnCNN-style network: Layers 3×3 convolutions of
// width Base, layers 2..Layers−1 followed by bias-free BN and ReLU, the first
// by ReLU only, the last mapping to the image channels; no subsampling. It
// predicts the noise.
type BFCNN struct {
	registry
	Layers, Base int
	Channels     int // image channels in and out (1: grayscale)

	convs []*conv3
	bns   []*bfBatchNorm // bns[i] belongs to convs[i]; nil for the first and last
}

func init() {
	Register("bf-cnn", Architecture{
		New: func(c Config, rng *tensor.RNG) (Net, error) { return newBFCNN(c.Channels, c.Layers, c.Base, rng) },
		Check: func(c Config) error {
			if c.Layers < 2 || c.Base < 1 {
				return fmt.Errorf("bf-cnn needs layers >= 2 and base >= 1, got %d and %d", c.Layers, c.Base)
			}
			return nil
		},
		InputMultiple: func(Config) int { return 1 },
		Describe:      func(c Config) string { return fmt.Sprintf("the bf-cnn with %d layers base %d", c.Layers, c.Base) },
	})
}

// NewBFCNN builds a grayscale BF-CNN initialized from rng; New builds one
// for any channel count.
func NewBFCNN(layers, base int, rng *tensor.RNG) (*BFCNN, error) {
	return newBFCNN(1, layers, base, rng)
}

func newBFCNN(channels, layers, base int, rng *tensor.RNG) (*BFCNN, error) {
	if layers < 2 || base < 1 || channels < 1 {
		return nil, fmt.Errorf("bf-cnn: needs at least 2 layers, width 1 and 1 channel, got %d layers of width %d on %d channels", layers, base, channels)
	}
	n := &BFCNN{Layers: layers, Base: base, Channels: channels}
	r := &n.registry
	for i := range layers {
		ci, co := base, base
		if i == 0 {
			ci = channels
		}
		if i == layers-1 {
			co = channels
		}
		name := "layers." + strconv.Itoa(i)
		n.convs = append(n.convs, newConv3(r, rng, name+".conv", ci, co))
		var bn *bfBatchNorm
		if i > 0 && i < layers-1 {
			bn = newBFBatchNorm(r, rng, name+".bn", co)
		}
		n.bns = append(n.bns, bn)
	}
	return n, nil
}

// CheckInput accepts any batch of images [B,C,H,W] of the network's C.
func (n *BFCNN) CheckInput(shape []int) error {
	if err := checkImages(shape, n.Channels); err != nil {
		return fmt.Errorf("bf-cnn: %w", err)
	}
	return nil
}

// Forward records the network on tp and returns the predicted noise.
func (n *BFCNN) Forward(tp *autograd.Tape, y *autograd.Var, train bool) *autograd.Var {
	x := y
	last := n.Layers - 1
	for i, c := range n.convs {
		x = c.forward(tp, x, train)
		if n.bns[i] != nil {
			x = n.bns[i].forward(tp, x, train)
		}
		if i < last {
			x = autograd.ReLU(x)
		}
	}
	return x
}

// Config is the network's architecture, as its checkpoint records it.
func (n *BFCNN) Config() Config {
	return Config{Arch: "bf-cnn", Channels: n.Channels, Layers: n.Layers, Base: n.Base}
}
