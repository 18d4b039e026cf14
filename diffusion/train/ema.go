package train

import (
	"math"

	"github.com/harmonic-go/harmonic/nn"
)

// ClipGradNorm rescales the parameters' gradients so their global L2 norm
// is at most maxNorm, as torch.nn.utils.clip_grad_norm_: with the total norm
// n (accumulated in float64), every gradient is multiplied by
// maxNorm/(n + 1e-6) when that is below 1. It returns n.
func ClipGradNorm(params []*nn.Param, maxNorm float64) float64 {
	var ss float64
	for _, p := range params {
		for _, g := range p.Grad.Data() {
			ss += float64(g) * float64(g)
		}
	}
	n := math.Sqrt(ss)
	if c := maxNorm / (n + 1e-6); c < 1 {
		f := float32(c)
		for _, p := range params {
			g := p.Grad.Data()
			for i := range g {
				g[i] *= f
			}
		}
	}
	return n
}

// updateEMA moves avg's parameters toward net's: a ← d·a + (1−d)·p
// (torch's ema.mul_(d).add_(p, alpha=1−d), in float32); buffers (running
// statistics) are copied, as they are not trained.
func updateEMA(avg, net nn.Model, decay float32) {
	src := net.State()
	for i, a := range avg.State() {
		p := src[i]
		if p.Buffer {
			copy(a.Value.Data(), p.Value.Data())
			continue
		}
		ad, pd := a.Value.Data(), p.Value.Data()
		for j := range ad {
			ad[j] = ad[j]*decay + pd[j]*(1-decay)
		}
	}
}

// copyState copies every tensor of src into dst (the same architecture).
func copyState(dst, src nn.Model) {
	s := src.State()
	for i, d := range dst.State() {
		copy(d.Value.Data(), s[i].Value.Data())
	}
}
