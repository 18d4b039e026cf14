package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// readSamples loads samples.npy of a run and checks the other files exist.
func readSamples(t *testing.T, out string) (*tensor.Tensor, map[string]any) {
	t.Helper()
	s, err := codec.LoadNpy(filepath.Join(out, "samples.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "samples.png")); err != nil {
		t.Fatal(err)
	}
	var js map[string]any
	b, err := os.ReadFile(filepath.Join(out, "samples.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	return s, js
}

// DDIM sampling from a tiny tc-unet and from an analytic model writes the
// promised files; the Wiener run equals the library's DDIM on the same
// training images and seed.
func TestSampleDDIMCommand(t *testing.T) {
	dir := t.TempDir()
	net, err := nn.NewTCUNet(1, 4, []int{1, 2}, 1, 2, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, "tc.safetensors")
	if err := nn.SaveModel(ckpt, net, nil); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "net")
	if err := runSample([]string{"--sampler", "ddim", "--ckpt", ckpt, "--size", "8", "--n", "3", "--seed", "4", "--out", out}); err != nil {
		t.Fatal(err)
	}
	s, js := readSamples(t, out)
	if !slices.Equal(s.Shape(), []int{3, 1, 8, 8}) || js["sampler"] != "ddim" || js["steps"] != 10.0 {
		t.Fatalf("network run: shape %v, summary %v", s.Shape(), js)
	}

	train := tensor.New(12, 1, 4, 4)
	tensor.NewRNG(2).FillUniform(train.Data(), 0, 1)
	trainPath := filepath.Join(dir, "train.npy")
	if err := codec.SaveNpy(trainPath, train); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"wiener", "optimal", "locality", "nearest", "els", "scfdm"} {
		out := filepath.Join(dir, method)
		args := []string{"--sampler", "ddim", "--method", method, "--train", trainPath, "--n", "5", "--seed", "3", "--batch", "2", "--out", out}
		if method == "els" {
			args = append(args, "--patch", "3")
		}
		if err := runSample(args); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		s, js := readSamples(t, out)
		if !slices.Equal(s.Shape(), []int{5, 1, 4, 4}) || !strings.HasPrefix(js["model"].(string), method) {
			t.Fatalf("%s: shape %v, summary %v", method, s.Shape(), js)
		}
		if method != "wiener" {
			continue
		}
		signed := train.Clone()
		for i, v := range signed.Data() {
			signed.Data()[i] = 2*v - 1
		}
		st, err := analytic.ComputeStats(signed)
		if err != nil {
			t.Fatal(err)
		}
		opt := sample.DDIMDefaults()
		opt.Seed = 3
		want, err := sample.DDIM(context.Background(), []sample.X0Predictor{sample.FromVP(analytic.NewWiener(st))}, 5, 1, 4, 4, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Data(), want[0].Samples.Data()) {
			t.Fatal("the command's Wiener samples differ from the library's")
		}
	}
}

// Bad input is refused with a message naming it, before any file is
// written.
func TestSampleDDIMErrors(t *testing.T) {
	dir := t.TempDir()
	blind, err := nn.NewBFUNet(1, 4, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	blindPath := filepath.Join(dir, "blind.safetensors")
	if err := nn.SaveModel(blindPath, blind, nil); err != nil {
		t.Fatal(err)
	}
	train := tensor.New(4, 1, 4, 4)
	trainPath := filepath.Join(dir, "train.npy")
	if err := codec.SaveNpy(trainPath, train); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(dir, "one.npy")
	if err := codec.SaveNpy(one, tensor.New(1, 1, 4, 4)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--sampler", "bogus", "--ckpt", blindPath}, `"bogus"`},
		{[]string{"--sampler", "ddim"}, "--ckpt"},
		{[]string{"--sampler", "ddim", "--ckpt", blindPath, "--method", "wiener", "--train", trainPath}, "one model"},
		{[]string{"--sampler", "ddim", "--ckpt", blindPath}, "time-conditioned"},
		{[]string{"--sampler", "ddim", "--method", "wiener", "--train", trainPath, "--h0", "0.1"}, "--h0"},
		{[]string{"--ckpt", blindPath, "--method", "wiener"}, "--method"},
		{[]string{"--sampler", "ddim", "--method", "wiener"}, "--train"},
		{[]string{"--sampler", "ddim", "--method", "median", "--train", trainPath}, `"median"`},
		{[]string{"--sampler", "ddim", "--method", "wiener", "--train", trainPath, "--tau", "0.1"}, "--tau"},
		{[]string{"--sampler", "ddim", "--method", "locality", "--train", trainPath, "--tau", "-1"}, "-1"},
		{[]string{"--sampler", "ddim", "--method", "els", "--train", trainPath, "--patch", "4"}, "--patch 4"},
		{[]string{"--sampler", "ddim", "--method", "els", "--train", trainPath, "--patch", "5"}, "--patch 5 is larger than the 4x4"},
		{[]string{"--sampler", "ddim", "--method", "optimal", "--train", trainPath, "--patch", "3"}, "--patch is for --method els"},
		{[]string{"--sampler", "ddim", "--method", "scfdm", "--train", trainPath, "--smoothing", "-2"}, "--smoothing -2"},
		{[]string{"--sampler", "ddim", "--method", "wiener", "--train", trainPath, "--smoothing", "0.2"}, "--smoothing is for --method scfdm"},
		{[]string{"--sampler", "ddim", "--method", "wiener", "--train", trainPath, "--steps", "0"}, "--steps 0"},
		{[]string{"--sampler", "ddim", "--method", "wiener", "--train", trainPath, "--steps", "1001"}, "--steps 1001"},
		{[]string{"--sampler", "ddim", "--method", "wiener", "--train", trainPath, "--n", "0"}, "--n 0"},
		{[]string{"--sampler", "ddim", "--method", "wiener", "--train", one}, "at least 2"},
		{[]string{"--sampler", "ddim", "--method", "wiener", "--train", trainPath, "--size", "8"}, "--size 8"},
		{[]string{"--sampler", "ddim", "--method", "wiener", "--train", filepath.Join(dir, "missing.npy")}, "missing.npy"},
	}
	for _, c := range cases {
		err := runSample(append(c.args, "--out", out))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one naming %s", c.args, err, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a refused run wrote its output directory")
	}
}

// A vp-eps training directory samples at its own image size; a tc-unet
// trained with the heat objective is refused.
func TestSampleDDIMFromTrainingRun(t *testing.T) {
	dir := t.TempDir()
	vp, heat := filepath.Join(dir, "vp"), filepath.Join(dir, "heat")
	if err := runTrain(tinyTC(vp)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s")
	if err := runSample([]string{"--sampler", "ddim", "--ckpt", vp, "--n", "2", "--out", out}); err != nil {
		t.Fatal(err)
	}
	if s, _ := readSamples(t, out); !slices.Equal(s.Shape(), []int{2, 1, 16, 16}) {
		t.Fatalf("samples of shape %v, want the run's 16×16", s.Shape())
	}
	if err := runTrain(tinyTC(heat, "--objective", "heat")); err != nil {
		t.Fatal(err)
	}
	err := runSample([]string{"--sampler", "ddim", "--ckpt", heat, "--n", "2", "--out", filepath.Join(dir, "h")})
	if err == nil || !strings.Contains(err.Error(), `objective "heat"`) {
		t.Fatalf("heat checkpoint: %v", err)
	}
}
