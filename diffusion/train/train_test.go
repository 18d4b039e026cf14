package train

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

func smallConfig(steps int) Config {
	return Config{Data: "cmix:2", Size: 8, NTrain: 10, NTest: 4, Arch: "bf-unet", Levels: 1, Base: 4,
		Steps: steps, Batch: 4, LR: 1e-3, LREvery: 2, LRFactor: 0.5, Seed: 11}
}

// smallSet is a set of n random 8×8 images in [0,1] (no generator needed).
func smallSet(n int, seed uint64) *data.Set {
	s := &data.Set{Name: "random", N: n, H: 8, W: 8, Pixels: make([]float32, n*64)}
	tensor.NewRNG(seed).FillUniform(s.Pixels, 0, 1)
	return s
}

// snapshot is every number that determines how the run continues.
func snapshot(t *testing.T, tr *Trainer) [][]float32 {
	var out [][]float32
	for _, p := range tr.Net.State() {
		out = append(out, slices.Clone(p.Value.Data()))
	}
	for i := range tr.Opt.M {
		out = append(out, slices.Clone(tr.Opt.M[i].Data()), slices.Clone(tr.Opt.V[i].Data()))
	}
	r, err := tr.noise.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, []float32{float32(tr.Step), float32(tr.Opt.Step), float32(len(r))})
	for _, b := range r {
		out[len(out)-1] = append(out[len(out)-1], float32(b))
	}
	return out
}

func equalSnapshots(a, b [][]float32) bool {
	return slices.EqualFunc(a, b, func(x, y []float32) bool {
		return slices.EqualFunc(x, y, func(u, v float32) bool { return math.Float32bits(u) == math.Float32bits(v) })
	})
}

func TestResumeIsBitIdentical(t *testing.T) {
	set := smallSet(10, 1)
	ctx := context.Background()

	whole, err := New(smallConfig(6), set)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := whole.Run(ctx, t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, whole)
	if whole.Step != 6 {
		t.Fatalf("ran %d steps, want 6", whole.Step)
	}

	// 3 steps, stop, resume with the total raised to 6.
	dir := t.TempDir()
	first, _ := New(smallConfig(3), set)
	if _, err := first.Run(ctx, dir, nil); err != nil {
		t.Fatal(err)
	}
	second, err := Resume(dir, smallConfig(6), set)
	if err != nil {
		t.Fatal(err)
	}
	if second.Step != 3 {
		t.Fatalf("resumed at step %d, want 3", second.Step)
	}
	if _, err := second.Run(ctx, dir, nil); err != nil {
		t.Fatal(err)
	}
	if !equalSnapshots(snapshot(t, second), want) {
		t.Error("3+3 steps with a checkpoint in between differ from 6 uninterrupted steps")
	}

	// Cancelled after step 3 (as Ctrl-C or --time-limit): checkpoint, resume.
	dir = t.TempDir()
	cctx, cancel := context.WithCancel(ctx)
	stopped, _ := New(smallConfig(6), set)
	res, err := stopped.Run(cctx, dir, func(p Progress) {
		if p.Step == 3 {
			cancel()
		}
	})
	if err != nil || !res.Stopped || res.Step != 3 {
		t.Fatalf("cancelled run: %+v, %v; want stopped at step 3", res, err)
	}
	again, err := Resume(dir, smallConfig(6), set)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := again.Run(ctx, dir, nil); err != nil || res.Stopped {
		t.Fatal(res, err)
	}
	if !equalSnapshots(snapshot(t, again), want) {
		t.Error("a run cancelled at step 3 and resumed differs from the uninterrupted run")
	}
	// The final checkpoint holds the final state.
	final, err := Resume(dir, smallConfig(6), set)
	if err != nil {
		t.Fatal(err)
	}
	if !equalSnapshots(snapshot(t, final), want) {
		t.Error("the final checkpoint does not hold the final state")
	}
}

func TestPeriodicCheckpoints(t *testing.T) {
	cfg := smallConfig(5)
	cfg.CheckpointEvery = 2
	dir := t.TempDir()
	var seen []int
	tr, _ := New(cfg, smallSet(10, 2))
	if _, err := tr.Run(context.Background(), dir, func(p Progress) {
		if p.Step == 3 { // after the step-2 save, before the step-4 one
			c, err := Resume(dir, cfg, smallSet(10, 2))
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, c.Step)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []int{2}) {
		t.Errorf("checkpoint seen during step 3 is at step %v, want 2", seen)
	}
}

func TestNonFiniteLossStops(t *testing.T) {
	// A weight of the last layer (no ReLU after it) that became NaN, as
	// after an overflow, makes the loss NaN at the next step.
	cfg := smallConfig(50)
	dir := t.TempDir()
	tr, _ := New(cfg, smallSet(10, 3))
	if _, err := tr.Run(context.Background(), "", nil); err != nil {
		t.Fatal(err)
	}
	tr.Cfg.Steps = 60
	for _, p := range tr.Net.Params() {
		if p.Name == "out.weight" {
			p.Value.Data()[4] = float32(math.NaN())
		}
	}
	res, err := tr.Run(context.Background(), dir, nil)
	if err == nil || !strings.Contains(err.Error(), "loss is") {
		t.Fatalf("diverging run: result %+v, err %v", res, err)
	}
	if res.Step != 50 || !strings.Contains(err.Error(), "step "+strconv.Itoa(res.Step+1)+":") {
		t.Errorf("stopped after %d steps with %q; want the error to name step %d", res.Step, err, res.Step+1)
	}
	if _, err := os.Stat(filepath.Join(dir, nn.ModelFile)); err == nil {
		t.Error("a checkpoint was written for a diverged run")
	}
}

func TestResumeErrors(t *testing.T) {
	set := smallSet(10, 4)
	dir := t.TempDir()
	tr, _ := New(smallConfig(2), set)
	if _, err := tr.Run(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	other := smallConfig(4)
	other.LR = 2e-3
	if _, err := Resume(dir, other, set); err == nil || !strings.Contains(err.Error(), "different configuration") {
		t.Errorf("resume with another lr: %v", err)
	}
	if _, err := Resume(t.TempDir(), smallConfig(4), set); err == nil || !strings.Contains(err.Error(), StateFile) {
		t.Errorf("resume from an empty directory: %v", err)
	}
	// A model from another step (as after a crash between the two writes).
	tr2, _ := New(smallConfig(1), set)
	tr2.Run(context.Background(), "", nil)
	if err := nn.SaveModel(filepath.Join(dir, nn.ModelFile), tr2.Net, map[string]string{"step": "1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(dir, smallConfig(4), set); err == nil || !strings.Contains(err.Error(), "model is at step 1 but the training state at step 2") {
		t.Errorf("resume with mismatched files: %v", err)
	}
	// A truncated training state.
	raw, _ := os.ReadFile(filepath.Join(dir, StateFile))
	os.WriteFile(filepath.Join(dir, StateFile), raw[:len(raw)/2], 0o644)
	if _, err := LoadConfig(dir); err == nil || !strings.Contains(err.Error(), StateFile) {
		t.Errorf("truncated state: %v", err)
	}
	cfg, err := LoadConfig(t.TempDir())
	if err == nil {
		t.Errorf("config from nowhere: %+v", cfg)
	}
}

func TestNoiseLevels(t *testing.T) {
	// σ = U²: the target is σz with z standard normal, and noisy = x + target.
	cfg := smallConfig(1)
	cfg.Batch = 4000
	cfg.Size = 2
	cfg.Arch, cfg.Layers = "bf-cnn", 2
	set := &data.Set{Name: "const", N: 1, H: 2, W: 2, Pixels: []float32{0.1, 0.2, 0.3, 0.4}}
	tr, err := New(cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	tr.sampler.Next(tr.clean.Data())
	o := tr.obj.(*blindObjective)
	o.draw(tr.clean, tr.noise)
	// E[σ²] = E[U⁴] = 1/5, so the target's mean square is 1/5.
	var ms float64
	for i, v := range o.target.Data() {
		ms += float64(v) * float64(v)
		if d := o.noisy.Data()[i] - tr.clean.Data()[i] - v; math.Abs(float64(d)) > 1e-6 {
			t.Fatalf("noisy − clean − target = %v at %d", d, i)
		}
	}
	ms /= float64(o.target.Numel())
	if math.Abs(ms-0.2) > 0.02 {
		t.Errorf("mean square of the noise is %.4f, want 1/5 for σ = U²", ms)
	}
}

func TestThreadCountDoesNotChangeTheRun(t *testing.T) {
	defer tensor.SetThreads(tensor.Threads())
	var snaps [][][]float32
	for _, n := range []int{1, 3} {
		tensor.SetThreads(n)
		cfg := smallConfig(3)
		cfg.Base = 8
		tr, err := New(cfg, smallSet(10, 5))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Run(context.Background(), "", nil); err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, snapshot(t, tr))
	}
	if !equalSnapshots(snaps[0], snaps[1]) {
		t.Error("training with 1 and 3 threads gives different results")
	}
}

// The checkpoint's files are readable by the nn package's own loaders (same
// tensor and metadata names): the model by LoadModel, the optimizer state by
// LoadAdam.
func TestCheckpointReadableByNN(t *testing.T) {
	dir := t.TempDir()
	tr, _ := New(smallConfig(2), smallSet(10, 6))
	if _, err := tr.Run(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	net, meta, err := nn.LoadModel(filepath.Join(dir, nn.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	opt := nn.NewAdam(net.Params())
	if _, err := nn.LoadAdam(filepath.Join(dir, StateFile), opt); err != nil {
		t.Fatal(err)
	}
	if meta["step"] != "2" || opt.Step != tr.Opt.Step || !slices.Equal(opt.V[3].Data(), tr.Opt.V[3].Data()) {
		t.Errorf("nn's loaders see step %q, adam step %d (want 2, %d)", meta["step"], opt.Step, tr.Opt.Step)
	}
	if !slices.Equal(net.Params()[3].Value.Data(), tr.Net.Params()[3].Value.Data()) {
		t.Error("nn.LoadModel's weights differ from the trainer's")
	}
}

func TestNaNPixelStops(t *testing.T) {
	set := smallSet(10, 3)
	set.Pixels[3*64+5] = float32(math.NaN()) // image 3
	cfg := smallConfig(50)
	cfg.Batch = 2
	tr, _ := New(cfg, set)
	res, err := tr.Run(context.Background(), "", nil)
	if err == nil || !strings.Contains(err.Error(), "NaN or Inf pixels") {
		t.Fatalf("NaN pixel: result %+v, err %v", res, err)
	}
	// It stops at the first batch that draws image 3.
	s, _ := data.NewSampler(set, cfg.Batch, cfg.Seed)
	first := 1
	for !slices.Contains(s.Indices(), 3) {
		first++
	}
	if res.Step != first-1 || !strings.Contains(err.Error(), "step "+strconv.Itoa(first)+":") {
		t.Errorf("stopped after %d steps with %q; image 3 is first drawn at step %d", res.Step, err, first)
	}
}
