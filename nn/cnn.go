package nn

import (
	"fmt"
	"strconv"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// BFCNN is the bias-free DnCNN-style network: Layers 3×3 convolutions of
// width Base, layers 2..Layers−1 followed by bias-free BN and ReLU, the first
// by ReLU only, the last mapping to one channel; no subsampling. It predicts
// the noise.
type BFCNN struct {
	registry
	Layers, Base int

	convs []*conv3
	bns   []*bfBatchNorm // bns[i] belongs to convs[i]; nil for the first and last
}

// NewBFCNN builds a BF-CNN initialized from rng.
func NewBFCNN(layers, base int, rng *tensor.RNG) (*BFCNN, error) {
	if layers < 2 || base < 1 {
		return nil, fmt.Errorf("bf-cnn: needs at least 2 layers and width 1, got %d layers of width %d", layers, base)
	}
	n := &BFCNN{Layers: layers, Base: base}
	r := &n.registry
	for i := range layers {
		ci, co := base, base
		if i == 0 {
			ci = 1
		}
		if i == layers-1 {
			co = 1
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

// CheckInput accepts any batch of grayscale images [B,1,H,W].
func (n *BFCNN) CheckInput(shape []int) error {
	if err := checkImages(shape); err != nil {
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

// Meta is the checkpoint metadata of the torch_reference.py contract.
func (n *BFCNN) Meta() map[string]string {
	return map[string]string{"arch": "bf-cnn", "layers": strconv.Itoa(n.Layers), "base": strconv.Itoa(n.Base)}
}
