package train

import (
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/tensor"
)

// The σ-weighted blind loss is Σ_i ‖net(noisy_i) − σ_i z_i‖² / (σ_i² + c) / B,
// checked in float64 with σ_i and z_i from a replayed generator and the
// network's own training-mode prediction.
func TestSigmaWeightedLoss(t *testing.T) {
	cfg := smallConfig(1)
	cfg.Batch, cfg.SigmaWeight = 6, 1e-3
	tr, err := New(cfg, smallSet(10, 3))
	if err != nil {
		t.Fatal(err)
	}
	tr.set.Gather(tr.clean.Data(), []int{0, 1, 2, 3, 4, 5})
	replay := tensor.NewRNG(cfg.Seed ^ noiseSalt)
	tp := autograd.NewTape()
	loss, err := tr.obj.loss(tp, tr.clean, tr.noise)
	if err != nil {
		t.Fatal(err)
	}
	o := tr.obj.(*blindObjective)
	tp2 := autograd.NewTape()
	p := o.net.Forward(tp2, tp2.Leaf(o.noisy, false), true).Value.Data()
	d := tr.clean.Numel() / cfg.Batch
	z := make([]float32, d)
	var want float64
	for i := range cfg.Batch {
		sigma := schedule.BlindSigma(replay)
		replay.FillNormal(z, 0, 1)
		var sq float64
		for j, zj := range z {
			target := float64(float32(sigma) * zj)
			if got := float64(o.target.Data()[i*d+j]); got != target {
				t.Fatalf("image %d pixel %d: target %v, want σz = %v", i, j, got, target)
			}
			e := float64(p[i*d+j]) - target
			sq += e * e
		}
		want += sq / (sigma*sigma + cfg.SigmaWeight)
	}
	want /= float64(cfg.Batch)
	got := float64(loss.Value.Data()[0])
	if math.Abs(got-want) > 1e-5*want {
		t.Errorf("weighted loss %v, want %v", got, want)
	}
}

func TestSigmaWeightErrors(t *testing.T) {
	c := smallConfig(1)
	c.SigmaWeight = -1
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "c = -1") {
		t.Errorf("negative σ weight: %v", err)
	}
	c = tcConfig(1)
	c.SigmaWeight = 0.01
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `"vp-eps"`) {
		t.Errorf("σ weight on vp-eps: %v", err)
	}
}
