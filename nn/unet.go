package nn

import (
	"fmt"
	"strconv"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// BFUNet is the authors' bias-free "universal blind" UNet (docs/study.md,
// study A): level b has width base·2^b; encoder levels are two conv–BN–ReLU
// (the first conv of level 0 without BN) followed by 2×2 average pooling;
// the middle is two conv–BN–ReLU at width base·2^levels; decoder levels
// upsample with a 2×2 stride-2 transposed conv, concatenate the skip and
// apply conv–BN–ReLU (twice, except once at level 0); a final 3×3 conv maps
// to one channel.
// It predicts the noise: the denoiser is y − net(y).
type BFUNet struct {
	registry
	Levels, Base int
	Channels     int // image channels in and out (1: grayscale)

	enc []*pair
	mid *pair
	dec []*decLevel
	out *conv3
}

type decLevel struct {
	up *upConv
	*pair
}

func init() {
	Register("bf-unet", Architecture{
		New: func(c Config, rng *tensor.RNG) (Net, error) { return newBFUNet(c.Channels, c.Levels, c.Base, rng) },
		Check: func(c Config) error {
			if c.Levels < 1 || c.Base < 1 {
				return fmt.Errorf("bf-unet needs levels >= 1 and base >= 1, got %d and %d", c.Levels, c.Base)
			}
			return nil
		},
		InputMultiple: func(c Config) int { return 1 << c.Levels },
		Describe:      func(c Config) string { return fmt.Sprintf("the bf-unet L=%d base %d", c.Levels, c.Base) },
	})
}

// NewBFUNet builds a grayscale BF-UNet initialized from rng (Kaiming-normal
// fan-in convolutions, the authors' gamma init, running_sd = 1); New builds
// one for any channel count.
func NewBFUNet(levels, base int, rng *tensor.RNG) (*BFUNet, error) {
	return newBFUNet(1, levels, base, rng)
}

func newBFUNet(channels, levels, base int, rng *tensor.RNG) (*BFUNet, error) {
	if levels < 1 || base < 1 || channels < 1 {
		return nil, fmt.Errorf("bf-unet: levels %d, base width %d and channels %d must be at least 1", levels, base, channels)
	}
	n := &BFUNet{Levels: levels, Base: base, Channels: channels}
	w := make([]int, levels+1)
	for b := range w {
		w[b] = base << b
	}
	r := &n.registry
	n.enc = append(n.enc, newPair(r, rng, "enc.0", channels, w[0], false, true))
	for b := 1; b < levels; b++ {
		n.enc = append(n.enc, newPair(r, rng, "enc."+strconv.Itoa(b), w[b-1], w[b], true, true))
	}
	n.mid = newPair(r, rng, "mid", w[levels-1], w[levels], true, true)
	for b := range levels {
		name := "dec." + strconv.Itoa(b)
		up := newUpConv(r, rng, name+".up", w[b+1], w[b])
		n.dec = append(n.dec, &decLevel{up: up, pair: newPair(r, rng, name, 2*w[b], w[b], true, b >= 1)})
	}
	n.out = newConv3(r, rng, "out", w[0], channels)
	return n, nil
}

// CheckInput accepts [B,C,H,W] with H and W divisible by 2^levels (each
// level halves the image and the decoder must meet the skips exactly).
func (n *BFUNet) CheckInput(shape []int) error {
	if err := checkImages(shape, n.Channels); err != nil {
		return fmt.Errorf("bf-unet: %w", err)
	}
	m := 1 << n.Levels
	if shape[2]%m != 0 || shape[3]%m != 0 {
		return fmt.Errorf("bf-unet: a %d-level network needs H and W divisible by %d, got %dx%d", n.Levels, m, shape[2], shape[3])
	}
	return nil
}

// Forward records the network on tp and returns the predicted noise. train
// selects batch statistics in batch norm (and updates running_sd) and makes
// the weights leaves that receive gradients (see Backward).
func (n *BFUNet) Forward(tp *autograd.Tape, y *autograd.Var, train bool) *autograd.Var {
	skips := make([]*autograd.Var, 0, n.Levels)
	x := y
	for _, e := range n.enc {
		x = e.forward(tp, x, train)
		skips = append(skips, x)
		x = autograd.AvgPool2x2(x)
	}
	x = n.mid.forward(tp, x, train)
	for b := n.Levels - 1; b >= 0; b-- {
		d := n.dec[b]
		x = autograd.ConcatChannels(d.up.forward(tp, x, train), skips[b])
		x = d.pair.forward(tp, x, train)
	}
	return n.out.forward(tp, x, train)
}

// Config is the network's architecture, as its checkpoint records it.
func (n *BFUNet) Config() Config {
	return Config{Arch: "bf-unet", Channels: n.Channels, Levels: n.Levels, Base: n.Base}
}

func checkImages(shape []int, channels int) error {
	if len(shape) != 4 || shape[1] != channels || shape[0] < 1 || shape[2] < 1 || shape[3] < 1 {
		if channels == 1 {
			return fmt.Errorf("input %v is not a batch of grayscale images [B,1,H,W]", shape)
		}
		return fmt.Errorf("input %v is not a batch of %d-channel images [B,%d,H,W]", shape, channels, channels)
	}
	return nil
}
