package main

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// fakeMNIST writes a labelled mnist cache of n train and n test 28×28
// images (class c: a bright row 2c+4) and points HARMONIC_DATA at it.
func fakeMNIST(t *testing.T, n int) {
	t.Helper()
	cache := t.TempDir()
	dir := filepath.Join(cache, "mnist")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	idx := func(dims []int, payload []byte) []byte {
		b := []byte{0, 0, 8, byte(len(dims))}
		for _, d := range dims {
			b = binary.BigEndian.AppendUint32(b, uint32(d))
		}
		return append(b, payload...)
	}
	pix, labels := make([]byte, n*784), make([]byte, n)
	for i := range n {
		labels[i] = byte(i % 10)
		for q := range 28 {
			pix[i*784+(2*int(labels[i])+4)*28+q] = 255
		}
	}
	files := map[string][]byte{"FETCHED": []byte("test\n"),
		"train-images-idx3-ubyte": idx([]int{n, 28, 28}, pix), "train-labels-idx1-ubyte": idx([]int{n}, labels),
		"t10k-images-idx3-ubyte": idx([]int{n, 28, 28}, pix), "t10k-labels-idx1-ubyte": idx([]int{n}, labels)}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HARMONIC_DATA", cache)
}

func TestClassifierCommand(t *testing.T) {
	fakeMNIST(t, 30)
	out := filepath.Join(t.TempDir(), "clf")
	if err := runClassifier([]string{"train", "--steps", "3", "--batch", "8", "--base", "2", "--out", out, "--quiet"}); err != nil {
		t.Fatal(err)
	}
	var m classifierMetrics
	js, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil || json.Unmarshal(js, &m) != nil {
		t.Fatalf("metrics.json: %s, %v", js, err)
	}
	if m.Steps != 3 || m.TrainImages != 30 || m.TestImages != 30 || m.Base != 2 || m.TestAccuracy < 0 || m.TestAccuracy > 1 {
		t.Errorf("metrics %+v", m)
	}
	model, meta, err := nn.LoadAny(out)
	if err != nil || meta["test_accuracy"] == "" {
		t.Fatalf("model: %v, %v", meta, err)
	}
	if _, err := nn.AsClassifier(model); err != nil {
		t.Error(err)
	}
	if err := runClassifier([]string{"eval", "--ckpt", out}); err != nil {
		t.Error(err)
	}
	x := tensor.New(4, 1, 28, 28)
	npy := filepath.Join(t.TempDir(), "x.npy")
	if err := codec.SaveNpy(npy, x); err != nil {
		t.Fatal(err)
	}
	if err := runClassifier([]string{"eval", "--ckpt", out, "--images", npy}); err != nil {
		t.Error(err)
	}
}

// Bad input: an error naming it, and no output directory.
func TestClassifierCommandErrors(t *testing.T) {
	fakeMNIST(t, 12)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--steps", "0"}, "0 steps"},
		{[]string{"train", "--lr", "-1"}, "learning rate -1"},
		{[]string{"train", "--data", "disks", "--steps", "1"}, "no labels"},
		{[]string{"train", "--n", "50", "--steps", "1"}, "50 were asked for"},
		{[]string{"train", "--base", "0", "--steps", "1", "--batch", "4"}, ""},
	} {
		out := filepath.Join(dir, "out")
		err := runClassifier(append(c.args, "--out", out, "--quiet"))
		if c.want == "" { // base 0 means the default: a valid run
			if err != nil {
				t.Errorf("%v: %v", c.args, err)
			}
			os.RemoveAll(out)
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Errorf("%v: wrote %s", c.args, out)
		}
	}
	// A denoiser checkpoint is not a classifier.
	unet, _ := nn.New(nn.Config{Arch: "bf-unet", Base: 4, Levels: 1}, tensor.NewRNG(1))
	path := filepath.Join(dir, "unet.safetensors")
	if err := nn.SaveModel(path, unet, nil); err != nil {
		t.Fatal(err)
	}
	if err := runClassifier([]string{"eval", "--ckpt", path}); err == nil || !strings.Contains(err.Error(), "not an image classifier") {
		t.Errorf("eval of a bf-unet: %v", err)
	}
	if err := runTrain([]string{"--arch", "classifier", "--out", filepath.Join(dir, "t")}); err == nil || !strings.Contains(err.Error(), "harmonic classifier train") {
		t.Errorf("harmonic train --arch classifier: %v", err)
	}
	if err := runClassifier([]string{"bogus"}); err == nil {
		t.Error("an unknown subcommand was accepted")
	}
}
