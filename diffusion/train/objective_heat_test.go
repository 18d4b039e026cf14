package train

import (
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/tensor"
)

// blur64 is the heat blur of one n×n image in float64: A·x·A with the
// exact axis operator (heat.AxisOperator64; A is symmetric).
func blur64(x []float32, n int, t float64) []float64 {
	a := heat.AxisOperator64(n, t)
	tmp := make([]float64, n*n)
	for i := range n {
		for j := range n {
			for k := range n {
				tmp[i*n+j] += a[i*n+k] * float64(x[k*n+j])
			}
		}
	}
	out := make([]float64, n*n)
	for i := range n {
		for j := range n {
			for k := range n {
				out[i*n+j] += tmp[i*n+k] * a[k*n+j]
			}
		}
	}
	return out
}

// The heat objective draws k ∈ 1..K for each image (K included), then
// σε image by image; input u_k + σε, target u_{k−1} − input, checked against
// a float64 blur with a replayed generator.
func TestHeatObjective(t *testing.T) {
	cfg := tcConfig(1)
	cfg.Objective, cfg.HeatK, cfg.HeatSigmaMax, cfg.Batch = "heat", 3, 4, 40
	tr, err := New(cfg, smallSet(40, 6))
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, 40)
	for i := range idx {
		idx[i] = i
	}
	tr.set.Gather(tr.clean.Data(), idx)
	o := tr.obj.(*heatObjective)
	if _, err := o.loss(tr.tape, tr.clean, tr.noise); err != nil {
		t.Fatal(err)
	}
	sched, _ := heat.NewSchedule(3, 4)
	replay := tensor.NewRNG(cfg.Seed ^ noiseSalt)
	ks := make([]int, cfg.Batch)
	seen := map[int]bool{}
	for i := range ks {
		ks[i] = 1 + replay.Intn(3)
		seen[ks[i]] = true
	}
	if !seen[1] || !seen[3] || seen[0] {
		t.Errorf("levels drawn %v, want 1..3 with K included", seen)
	}
	const n, d = 8, 64
	for i, k := range ks {
		if got := int(o.times.Data()[i]); got != k {
			t.Fatalf("image %d: level %d, replayed %d", i, got, k)
		}
		eps := make([]float32, d)
		replay.FillNormal(eps, 0, HeatNoise)
		x := tr.clean.Data()[i*d : (i+1)*d]
		uk, prev := blur64(x, n, sched.Time(k)), blur64(x, n, sched.Time(k-1))
		for j := range d {
			in := uk[j] + float64(eps[j])
			if got := float64(o.input.Data()[i*d+j]); math.Abs(got-in) > 1e-5 {
				t.Fatalf("image %d (k %d) pixel %d: input %v, want %v", i, k, j, got, in)
			}
			if got := float64(o.target.Data()[i*d+j]); math.Abs(got-(prev[j]-in)) > 1e-5 {
				t.Fatalf("image %d (k %d) pixel %d: target %v, want %v", i, k, j, got, prev[j]-in)
			}
		}
	}
}

func TestHeatConfigErrors(t *testing.T) {
	c := tcConfig(1)
	c.Objective, c.HeatSigmaMax = "heat", 0.3
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "0.3") {
		t.Errorf("σ_max 0.3: %v", err)
	}
	c = tcConfig(1)
	c.HeatK = 5
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "heat levels 5") {
		t.Errorf("heat levels on vp-eps: %v", err)
	}
}
