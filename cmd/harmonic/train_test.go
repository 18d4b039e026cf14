package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// tinyRun is a run small enough for a test: 8×8 C^α images, a 1-level UNet of
// width 2, a few steps.
func tinyRun(out string, extra ...string) []string {
	return append([]string{"--data", "cmix:2", "--size", "8", "--n", "6", "--ntest", "3", "--base", "2",
		"--batch", "2", "--steps", "3", "--out", out, "--quiet", "--eval-sigma", ""}, extra...)
}

// captureStdout runs f with os.Stdout redirected and returns what it wrote.
func captureStdout(t *testing.T, f func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		b := make([]byte, 0, 4096)
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				done <- b
				return
			}
		}
	}()
	ferr := f()
	w.Close()
	os.Stdout = old
	return string(<-done), ferr
}

func TestTrainResumeEvalDenoise(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	if err := runTrain(tinyRun(out)); err != nil {
		t.Fatal(err)
	}
	if err := runTrain(tinyRun(out)); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("training into an existing checkpoint: %v", err)
	}
	if err := runTrain([]string{"--out", out, "--resume", "--lr", "0.5"}); err == nil || !strings.Contains(err.Error(), "--lr 0.5 (stored 0.001)") {
		t.Errorf("resume with another lr: %v", err)
	}
	// The same command line again with --resume (and more steps) continues
	// the run: values equal to the stored ones are no change, however
	// written (--lr 1e-3 is the stored 0.001).
	if err := runTrain(tinyRun(out, "--resume", "--steps", "4", "--lr", "1e-3", "--lr-every", "1")); err != nil {
		t.Fatalf("resume with the run's own flags: %v", err)
	}
	// Only the changed values are refused, each with the given and the stored value.
	err := runTrain(tinyRun(out, "--resume", "--size", "16", "--n", "7", "--shuffle"))
	if err == nil {
		t.Fatal("resume with another size, n and shuffle succeeded")
	}
	for _, want := range []string{"--size 16 (stored 8)", "--n 7 (stored 6)", "--shuffle true (stored false)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("resume error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "--base") || strings.Contains(err.Error(), "--data") {
		t.Errorf("resume error names an unchanged flag: %v", err)
	}
	// --size 0 means the data's default size (20 for a 1-level bf-unet on
	// C^α), not the run's 8.
	if err := runTrain(tinyRun(out, "--resume", "--size", "0")); err == nil || !strings.Contains(err.Error(), "--size 0 (stored 8)") {
		t.Errorf("resume with --size 0: %v", err)
	}
	if err := runTrain([]string{"--out", out, "--resume", "--steps", "5", "--quiet", "--eval-sigma", ""}); err != nil {
		t.Fatal(err)
	}
	_, meta, err := nn.LoadModel(out)
	if err != nil || meta["step"] != "5" {
		t.Fatalf("after resuming to 5 steps the model is at step %q (%v)", meta["step"], err)
	}

	js, err := captureStdout(t, func() error { return runEval([]string{"--ckpt", out, "--sigma", "0.1,0.2", "--json", "--n", "3"}) })
	if err != nil {
		t.Fatal(err)
	}
	var rows metrics.Table
	if err := json.Unmarshal([]byte(js), &rows); err != nil {
		t.Fatalf("eval --json printed %q: %v", js, err)
	}
	var splits []string
	for _, r := range rows {
		splits = append(splits, r.Split)
		if r.N != 3 || r.PSNRIn < 10 || r.PSNRIn > 25 {
			t.Errorf("row %+v", r)
		}
	}
	if !slices.Equal(splits, []string{"train", "train", "test", "test"}) {
		t.Errorf("splits %v", splits)
	}

	// Denoise .npy exactly as given; PNG output; wrong size is an error.
	x := tensor.New(2, 1, 8, 8)
	tensor.NewRNG(1).FillUniform(x.Data(), 0, 1)
	in := filepath.Join(dir, "x.npy")
	if err := codec.SaveNpy(in, x); err != nil {
		t.Fatal(err)
	}
	got := filepath.Join(dir, "y.npy")
	if err := runDenoise([]string{"--ckpt", out, in, got}); err != nil {
		t.Fatal(err)
	}
	net, _, _ := nn.LoadModel(out)
	want, _ := nn.Denoise(net, x)
	y, err := codec.LoadNpy(got)
	if err != nil || !slices.Equal(y.Data(), want.Data()) || !slices.Equal(y.Shape(), []int{2, 1, 8, 8}) {
		t.Errorf("denoise .npy differs from nn.Denoise (%v)", err)
	}
	png := filepath.Join(dir, "y.png")
	if err := runDenoise([]string{"--ckpt", out, "--add-noise", "0.1", "--seed", "3", in, png}); err != nil {
		t.Fatal(err)
	}
	if img, err := codec.ReadImage(png); err != nil || img.Dim(0) < 8 {
		t.Errorf("denoised PNG: %v", err)
	}
	odd := filepath.Join(dir, "odd.npy")
	codec.SaveNpy(odd, tensor.New(1, 1, 7, 8))
	if err := runDenoise([]string{"--ckpt", out, odd, got}); err == nil || !strings.Contains(err.Error(), "divisible by 2") {
		t.Errorf("7×8 image: %v", err)
	}
	if err := runDenoise([]string{"--ckpt", filepath.Join(dir, "nothing"), in, got}); err == nil || !strings.Contains(err.Error(), "nothing") {
		t.Errorf("missing checkpoint: %v", err)
	}
}

func TestTrainFlagErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	for _, c := range []struct {
		args []string
		want string
	}{
		{tinyRun(out, "--size", "9"), "divisible by 2"},
		{tinyRun(out, "--data", "cmix:-1"), "α must be a positive number"},
		{tinyRun(out, "--arch", "resnet"), "unknown architecture"},
		{tinyRun(out, "--batch", "0"), "batch size"},
		{tinyRun(out, "--eval-sigma", "0.1,x"), `"x"`},
		{[]string{"--out", out, "--resume"}, "train_state.safetensors"},
	} {
		if err := runTrain(c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want it to say %q", c.args, err, c.want)
		}
	}
}

func TestDefaultSize(t *testing.T) {
	for _, c := range []struct {
		data, arch string
		levels     int
		want       int
	}{
		{"disks", "bf-unet", 1, 20}, {"cmix:2", "bf-unet", 2, 40}, {"disks", "bf-unet", 3, 80},
		{"disks", "bf-cnn", 0, 40}, {"mnist", "bf-unet", 1, 28}, {"folder:/x", "bf-unet", 2, 80},
	} {
		got := defaultSize(train.Config{Data: c.data, Arch: c.arch, Levels: c.levels})
		if got != c.want {
			t.Errorf("%s %s L=%d: size %d, want %d", c.data, c.arch, c.levels, got, c.want)
		}
	}
}
