package train

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

func tcConfig(steps int) Config {
	return Config{Data: "cmix:2", Size: 8, NTrain: 10, NTest: 4, Arch: "tc-unet", Base: 4, Mult: []int{1, 2}, ResBlocks: 1, Groups: 2,
		Objective: "vp-eps", Steps: steps, Batch: 4, LR: 1e-3, LREvery: 0, LRFactor: 0.5, Seed: 5}
}

// vp-eps draws a step t per image, then ε image by image, and x_t = √ᾱ_t(2u−1) + √(1−ᾱ_t)ε,
// checked in float64 against the schedule with a replayed generator.
func TestVPEpsNoise(t *testing.T) {
	cfg := tcConfig(1)
	cfg.Batch = 6
	tr, err := New(cfg, smallSet(10, 2))
	if err != nil {
		t.Fatal(err)
	}
	tr.set.Gather(tr.clean.Data(), []int{0, 1, 2, 3, 4, 5})
	replay := tensor.NewRNG(cfg.Seed ^ noiseSalt)
	o := tr.obj.(*vpEpsObjective)
	if _, err := o.loss(tr.tape, tr.clean, tr.noise); err != nil {
		t.Fatal(err)
	}
	sched := schedule.DDPM()
	d := tr.set.D()
	steps := make([]int, cfg.Batch)
	for i := range steps {
		steps[i] = replay.Intn(1000)
	}
	for i, step := range steps {
		eps := make([]float32, d)
		replay.FillNormal(eps, 0, 1)
		if got := int(o.times.Data()[i]); got != step {
			t.Fatalf("image %d: t = %d, replayed %d", i, got, step)
		}
		ab := sched.AlphaBar[step]
		for j := range d {
			want := math.Sqrt(ab)*(2*float64(tr.clean.Data()[i*d+j])-1) + math.Sqrt(1-ab)*float64(eps[j])
			if got := float64(o.xt.Data()[i*d+j]); math.Abs(got-want) > 1e-6 || o.eps.Data()[i*d+j] != eps[j] {
				t.Fatalf("image %d pixel %d: x_t %v, want %v", i, j, got, want)
			}
		}
	}
}

func TestWarmupLR(t *testing.T) {
	cfg := tcConfig(10)
	cfg.Warmup, cfg.LREvery = 4, 6
	tr, err := New(cfg, smallSet(10, 2))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.25e-3, 0.5e-3, 0.75e-3, 1e-3, 1e-3, 1e-3, 0.5e-3}
	for s, w := range want {
		if got := tr.LR(s); math.Abs(got-w) > 1e-15 {
			t.Errorf("LR(%d) = %v, want %v", s, got, w)
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	g1, g2 := tensor.New(3), tensor.New(2)
	copy(g1.Data(), []float32{3, 0, 4})
	copy(g2.Data(), []float32{0, 12})
	ps := []*nn.Param{{Name: "a", Grad: g1}, {Name: "b", Grad: g2}}
	if n := ClipGradNorm(ps, 100); n != 13 || g1.Data()[0] != 3 {
		t.Fatalf("norm %v below the limit changed the gradient %v", n, g1.Data())
	}
	ClipGradNorm(ps, 1.3)
	f := 1.3 / (13 + 1e-6)
	for i, w := range []float64{3 * f, 0, 4 * f, 0, 12 * f} {
		got := append(slices.Clone(g1.Data()), g2.Data()...)[i]
		if math.Abs(float64(got)-w) > 1e-6 {
			t.Errorf("clipped gradient[%d] = %v, want %v", i, got, w)
		}
	}
}

// The EMA follows a ← d·a + (1−d)·p from the initial weights, and the
// model file holds it (not the raw weights).
func TestEMA(t *testing.T) {
	cfg := tcConfig(2)
	cfg.EMA = 0.75
	tr, err := New(cfg, smallSet(10, 3))
	if err != nil {
		t.Fatal(err)
	}
	avg := map[string][]float64{}
	for _, p := range tr.Net.State() {
		for _, v := range p.Value.Data() {
			avg[p.Name] = append(avg[p.Name], float64(v))
		}
	}
	for range 2 {
		if _, err := tr.TrainStep(); err != nil {
			t.Fatal(err)
		}
		for _, p := range tr.Net.State() {
			for j, v := range p.Value.Data() {
				avg[p.Name][j] = 0.75*avg[p.Name][j] + 0.25*float64(v)
			}
		}
	}
	moved := false
	raw := tr.Net.State()
	for i, p := range tr.Model().State() {
		for j, v := range p.Value.Data() {
			if math.Abs(float64(v)-avg[p.Name][j]) > 1e-6*(1+math.Abs(avg[p.Name][j])) {
				t.Fatalf("%s[%d]: EMA %v, want %v", p.Name, j, v, avg[p.Name][j])
			}
			moved = moved || v != raw[i].Value.Data()[j]
		}
	}
	if !moved {
		t.Error("the model's weights equal the raw ones: no EMA")
	}
}

func TestEvalEpsMSE(t *testing.T) {
	tr, err := New(tcConfig(0), smallSet(10, 4))
	if err != nil {
		t.Fatal(err)
	}
	net := tr.Net.(nn.Conditioned)
	rows, err := EvalEpsMSE(context.Background(), net, smallSet(7, 5), []int{0, 999}, 1)
	if err != nil || len(rows) != 3 || rows[2].T != -1 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	for _, r := range rows {
		if !(r.MSE > 0.1 && r.MSE < 10) {
			t.Errorf("an untrained net's ε-MSE %v at t %d", r.MSE, r.T)
		}
	}
	again, _ := EvalEpsMSE(context.Background(), net, smallSet(7, 5), []int{0, 999}, 1)
	if !slices.Equal(rows, again) {
		t.Error("the same seed scored differently")
	}
	if _, err := EvalEpsMSE(context.Background(), net, smallSet(7, 5), []int{1000}, 1); err == nil || !strings.Contains(err.Error(), "1000") {
		t.Errorf("step 1000: %v", err)
	}
}

func TestObjectiveErrors(t *testing.T) {
	c := tcConfig(1)
	c.Objective = "heat2"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `"heat2"`) {
		t.Errorf("unknown objective: %v", err)
	}
	c = smallConfig(1)
	c.Objective = "vp-eps"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "time-conditioned") {
		t.Errorf("vp-eps on a bf-unet: %v", err)
	}
}

// conditionedObjectives are the objectives of time-conditioned networks.
func conditionedObjectives() []string {
	var out []string
	for _, name := range Objectives() {
		if objectives[name].conditioned {
			out = append(out, name)
		}
	}
	return out
}

// Every conditioned objective resumes bit-identically (EMA, warm-up and
// clipping on): 4 steps straight equal 2, a checkpoint, and 2 more.
func TestConditionedResumeIsBitIdentical(t *testing.T) {
	for _, obj := range conditionedObjectives() {
		cfg := func(steps int) Config {
			c := tcConfig(steps)
			c.Objective, c.EMA, c.Warmup, c.Clip, c.LREvery = obj, 0.8, 3, 0.5, 2
			return c
		}
		set := smallSet(10, 7)
		whole, err := New(cfg(4), set)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := whole.Run(t.Context(), "", nil); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		first, _ := New(cfg(2), set)
		if _, err := first.Run(t.Context(), dir, nil); err != nil {
			t.Fatal(err)
		}
		second, err := Resume(dir, cfg(4), set)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := second.Run(t.Context(), "", nil); err != nil {
			t.Fatal(err)
		}
		a, b := snapshot(t, whole), snapshot(t, second)
		for _, p := range whole.EMA.State() {
			a = append(a, p.Value.Data())
		}
		for _, p := range second.EMA.State() {
			b = append(b, p.Value.Data())
		}
		if !equalSnapshots(a, b) {
			t.Errorf("%s: 2 + 2 steps with a checkpoint differ from 4 straight", obj)
		}
	}
}
