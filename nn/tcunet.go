package nn

import (
	"fmt"
	"strconv"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// TCUNet is the time-conditioned UNet of studies B and C, built exactly as
// the tc-unet contract of torch_reference.py (module names, shapes, state
// order): level widths w_l = Base·Mult[l]; a sinusoidal time embedding of
// width Base through Linear–SiLU–Linear to 4·Base; a 3×3 head; per encoder
// level ResBlocks then (except at the last level) a 3×3 stride-2
// convolution; two middle ResBlocks; per decoder level (from the last) the
// skip concatenated, ResBlocks, then (except at level 0) nearest ×2
// upsampling and a 3×3 convolution; GroupNorm–SiLU–3×3 conv to Channels.
// Every convolution and linear map has a bias; GroupNorm uses
// min(Groups, width) groups.
type TCUNet struct {
	registry
	Channels, Base, ResBlocks, Groups int
	Mult                              []int

	lin1, lin2 *linear
	head       *biasConv
	enc, dec   []*tcLevel
	mid        []*resBlock
	outGN      *groupNorm
	outConv    *biasConv
}

func init() {
	Register("tc-unet", Architecture{
		New: func(c Config, rng *tensor.RNG) (Model, error) {
			c = TCUNetDefaults(c)
			return NewTCUNet(c.Channels, c.Base, c.Mult, c.ResBlocks, c.Groups, rng)
		},
		Check:         func(c Config) error { return checkTCUNet(TCUNetDefaults(c)) },
		InputMultiple: func(c Config) int { return 1 << (len(TCUNetDefaults(c).Mult) - 1) },
		Describe: func(c Config) string {
			c = TCUNetDefaults(c)
			return fmt.Sprintf("the tc-unet base %d mult %s res_blocks %d groups %d", c.Base, formatMult(c.Mult), c.ResBlocks, c.Groups)
		},
		Conditioned: true,
		Meta: func(c Config) map[string]string {
			c = TCUNetDefaults(c)
			return map[string]string{
				"arch": "tc-unet", "channels": strconv.Itoa(c.ImageChannels()), "base": strconv.Itoa(c.Base),
				"mult": formatMult(c.Mult), "res_blocks": strconv.Itoa(c.ResBlocks), "groups": strconv.Itoa(c.Groups),
			}
		},
	})
}

// TCUNetDefaults fills a tc-unet Config's zero sizes with the defaults of
// studies B and C: base 32, mult 1,2,2, 1 res block per level, 8 groups.
func TCUNetDefaults(c Config) Config {
	if c.Base == 0 {
		c.Base = 32
	}
	if len(c.Mult) == 0 {
		c.Mult = []int{1, 2, 2}
	}
	if c.ResBlocks == 0 {
		c.ResBlocks = 1
	}
	if c.Groups == 0 {
		c.Groups = 8
	}
	return c
}

// checkTCUNet says why c's sizes build no tc-unet, without building it:
// every GroupNorm's min(Groups, width) must divide its width, and those
// widths are the level widths Base·Mult[l] and, at the decoder's first
// block of each level, the concatenation of the level below (or the
// middle) with the skip.
func checkTCUNet(c Config) error {
	if c.Base < 2 || c.Base%2 != 0 || c.Base > 1<<12 {
		return fmt.Errorf("tc-unet needs an even base >= 2 (the time embedding's width), got %d", c.Base)
	}
	if c.ResBlocks < 1 || c.ResBlocks > 64 || c.Groups < 1 || len(c.Mult) > 12 {
		return fmt.Errorf("tc-unet needs res_blocks >= 1, groups >= 1 and at most 12 levels, got %d, %d and mult %s", c.ResBlocks, c.Groups, formatMult(c.Mult))
	}
	w := make([]int, len(c.Mult))
	for l, m := range c.Mult {
		if m < 1 || m > 1<<10 {
			return fmt.Errorf("tc-unet width multiplier %d in mult %s must be positive", m, formatMult(c.Mult))
		}
		w[l] = c.Base * m
	}
	widths := append([]int{c.Base}, w...)
	last := len(w) - 1
	for l := range w {
		below := w[last]
		if l < last {
			below = w[l+1]
		}
		widths = append(widths, below+w[l])
	}
	for _, width := range widths {
		if g := min(c.Groups, width); width%g != 0 {
			return fmt.Errorf("tc-unet groups %d do not divide the width %d (base %d, mult %s): GroupNorm needs min(groups, width) to divide every width",
				c.Groups, width, c.Base, formatMult(c.Mult))
		}
	}
	return nil
}

// tcLevel is one encoder or decoder level: its ResBlocks and the
// resampling convolution that follows (down in the encoder, up in the
// decoder; nil where the level has none).
type tcLevel struct {
	res      []*resBlock
	resample *biasConv
}

// NewTCUNet builds a tc-unet with PyTorch's default initialization drawn
// from rng (see tclayers.go).
func NewTCUNet(channels, base int, mult []int, resBlocks, groups int, rng *tensor.RNG) (*TCUNet, error) {
	if channels < 1 || base < 2 || base%2 != 0 || len(mult) == 0 || resBlocks < 1 || groups < 1 {
		return nil, fmt.Errorf("tc-unet: channels %d, base %d (even), mult %v (non-empty), res_blocks %d and groups %d must be positive",
			channels, base, mult, resBlocks, groups)
	}
	w := make([]int, len(mult))
	for l, m := range mult {
		if m < 1 {
			return nil, fmt.Errorf("tc-unet: width multiplier %d in %v must be positive", m, mult)
		}
		w[l] = base * m
	}
	n := &TCUNet{Channels: channels, Base: base, ResBlocks: resBlocks, Groups: groups, Mult: append([]int(nil), mult...)}
	r, tdim, last := &n.registry, 4*base, len(w)-1
	n.lin1 = newLinear(r, rng, "temb.lin1", base, tdim)
	n.lin2 = newLinear(r, rng, "temb.lin2", tdim, tdim)
	n.head = newBiasConv(r, rng, "head", channels, base, 3, 1)
	blocks := func(name string, ci, co, count int) ([]*resBlock, error) {
		var bs []*resBlock
		for i := range count {
			b, err := newResBlock(r, rng, name+"."+strconv.Itoa(i), ci, co, tdim, groups)
			if err != nil {
				return nil, fmt.Errorf("tc-unet: %w", err)
			}
			bs, ci = append(bs, b), co
		}
		return bs, nil
	}
	cin := base
	for l, wl := range w {
		name := "enc." + strconv.Itoa(l)
		res, err := blocks(name+".res", cin, wl, resBlocks)
		if err != nil {
			return nil, err
		}
		lv := &tcLevel{res: res}
		if l < last {
			lv.resample = newBiasConv(r, rng, name+".down", wl, wl, 3, 2)
		}
		n.enc, cin = append(n.enc, lv), wl
	}
	var err error
	if n.mid, err = blocks("mid.res", w[last], w[last], 2); err != nil {
		return nil, err
	}
	// PyTorch's state dict lists the decoder levels by index (0 first),
	// although they run from the last.
	for l, wl := range w {
		name := "dec." + strconv.Itoa(l)
		cIn := w[last]
		if l < last {
			cIn = w[l+1]
		}
		res, err := blocks(name+".res", cIn+wl, wl, resBlocks)
		if err != nil {
			return nil, err
		}
		lv := &tcLevel{res: res}
		if l >= 1 {
			lv.resample = newBiasConv(r, rng, name+".up", wl, wl, 3, 1)
		}
		n.dec = append(n.dec, lv)
	}
	if n.outGN, err = newGroupNorm(r, "out.gn", groups, w[0]); err != nil {
		return nil, fmt.Errorf("tc-unet: %w", err)
	}
	n.outConv = newBiasConv(r, rng, "out.conv", w[0], channels, 3, 1)
	return n, nil
}

// CheckInput accepts [B,Channels,H,W] with H and W divisible by
// 2^(levels−1), so the decoder meets every skip exactly.
func (n *TCUNet) CheckInput(shape []int) error {
	if len(shape) != 4 || shape[0] < 1 || shape[1] != n.Channels || shape[2] < 1 || shape[3] < 1 {
		return fmt.Errorf("tc-unet: input %v is not a batch of %d-channel images [B,%d,H,W]", shape, n.Channels, n.Channels)
	}
	m := 1 << (len(n.Mult) - 1)
	if shape[2]%m != 0 || shape[3]%m != 0 {
		return fmt.Errorf("tc-unet: %d levels need H and W divisible by %d, got %dx%d", len(n.Mult), m, shape[2], shape[3])
	}
	return nil
}

// Forward records net(x, t) on tp: x [B,Channels,H,W], t [B] the raw time
// values (DDPM step, heat level), a constant of the computation. train makes
// the weights leaves that receive gradients (GroupNorm has no running
// statistics, so the values are the same either way). Errors surface
// through tp.Err().
func (n *TCUNet) Forward(tp *autograd.Tape, x *autograd.Var, t *tensor.Tensor, train bool) *autograd.Var {
	if x.Value == nil {
		return x // an earlier failure, already in tp.Err()
	}
	if t == nil || t.Rank() != 1 || t.Dim(0) != x.Value.Dim(0) {
		var ts []int
		if t != nil {
			ts = t.Shape()
		}
		return tp.Fail(fmt.Errorf("tc-unet: times %v do not match the batch of input %v", ts, x.Value.Shape()))
	}
	emb, err := SinusoidalEmbedding(t.Contiguous().Data(), n.Base)
	if err != nil {
		return tp.Fail(fmt.Errorf("tc-unet: %w", err))
	}
	temb := n.lin2.forward(tp, autograd.SiLU(n.lin1.forward(tp, tp.Leaf(emb, false), train)), train)
	st := autograd.SiLU(temb)
	h := n.head.forward(tp, x, train)
	skips := make([]*autograd.Var, len(n.enc))
	for l, lv := range n.enc {
		for _, b := range lv.res {
			h = b.forward(tp, h, st, train)
		}
		skips[l] = h
		if lv.resample != nil {
			h = lv.resample.forward(tp, h, train)
		}
	}
	for _, b := range n.mid {
		h = b.forward(tp, h, st, train)
	}
	for l := len(n.dec) - 1; l >= 0; l-- {
		lv := n.dec[l]
		h = autograd.ConcatChannels(h, skips[l])
		for _, b := range lv.res {
			h = b.forward(tp, h, st, train)
		}
		if lv.resample != nil {
			h = lv.resample.forward(tp, autograd.UpsampleNearest2x(h), train)
		}
	}
	return n.outConv.forward(tp, n.outGN.forwardSiLU(tp, h, train), train)
}

// Meta is the checkpoint metadata of the torch_reference.py contract.
func (n *TCUNet) Meta() map[string]string { return n.Config().Meta() }

// Config is the network's architecture, as its checkpoint records it.
func (n *TCUNet) Config() Config {
	return Config{Arch: "tc-unet", Channels: n.Channels, Base: n.Base, Mult: append([]int(nil), n.Mult...),
		ResBlocks: n.ResBlocks, Groups: n.Groups}
}
