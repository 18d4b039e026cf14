package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// A tiny tc-unet trained with the heat objective for a few steps samples
// through `harmonic sample`: the files it promises, the prior noise flag
// reaching the sampler, and an interpolation strip whose ends are samples
// 0 and 1.
func TestSampleHeatCommand(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "heat")
	if err := runTrain(tinyTC(ckpt, "--objective", "heat", "--heat-k", "3", "--heat-sigma-max", "4")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s")
	if err := runSample([]string{"--ckpt", ckpt, "--n", "3", "--seed", "5", "--interpolate", "4", "--out", out, "--quiet"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"samples.npy", "samples.png", "samples.json", "interpolation.npy", "interpolation.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Fatal(err)
		}
	}
	s, err := codec.LoadNpy(filepath.Join(out, "samples.npy"))
	if err != nil {
		t.Fatal(err)
	}
	strip, err := codec.LoadNpy(filepath.Join(out, "interpolation.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Shape(), []int{3, 1, 16, 16}) || !slices.Equal(strip.Shape(), []int{4, 1, 16, 16}) {
		t.Fatalf("samples %v, strip %v", s.Shape(), strip.Shape())
	}
	const d = 256
	// The strip runs in another batch than the samples; per image the
	// network's arithmetic is the same up to float32 rounding.
	for _, c := range [][2]int{{0, 0}, {3, 1}} {
		if diff := maxAbsDiff(strip.Data()[c[0]*d:(c[0]+1)*d], s.Data()[c[1]*d:(c[1]+1)*d]); diff > 1e-5 {
			t.Errorf("strip image %d differs from sample %d by %g", c[0], c[1], diff)
		}
	}
	var sum map[string]any
	b, _ := os.ReadFile(filepath.Join(out, "samples.json"))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if sum["sampler"] != "heat" || sum["k"] != 3.0 || sum["sigma_max"] != 4.0 || sum["delta"] != 0.0125 || sum["prior_noise"] != true || sum["data"] != "cmix:2" {
		t.Errorf("samples.json: %v", sum)
	}
	if prior, ok := sum["prior_images"].([]any); !ok || len(prior) != 3 {
		t.Errorf("samples.json prior_images %v", sum["prior_images"])
	}
	// Without prior noise the same streams give other samples.
	off := filepath.Join(dir, "off")
	if err := runSample([]string{"--ckpt", ckpt, "--n", "3", "--seed", "5", "--prior-noise=false", "--out", off, "--quiet"}); err != nil {
		t.Fatal(err)
	}
	s2, err := codec.LoadNpy(filepath.Join(off, "samples.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if maxAbsDiff(s.Data(), s2.Data()) == 0 {
		t.Error("--prior-noise=false changed nothing")
	}
}

func maxAbsDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

// Bad input to the heat sampler is refused with a message naming the
// value, and no output directory is written.
func TestSampleHeatErrors(t *testing.T) {
	dir := t.TempDir()
	heatRun, vpRun, blindRun := filepath.Join(dir, "heat"), filepath.Join(dir, "vp"), filepath.Join(dir, "blind")
	if err := runTrain(tinyTC(heatRun, "--objective", "heat", "--heat-k", "3", "--steps", "2")); err != nil {
		t.Fatal(err)
	}
	if err := runTrain(tinyTC(vpRun, "--steps", "2")); err != nil {
		t.Fatal(err)
	}
	if err := runTrain(tinyRun(blindRun)); err != nil {
		t.Fatal(err)
	}
	nan := tensor.New(5, 1, 16, 16)
	tensor.NewRNG(1).FillUniform(nan.Data(), 0, 1)
	nan.Data()[2*256+17] = float32(math.NaN())
	nanPath := filepath.Join(dir, "nan.npy")
	if err := codec.SaveNpy(nanPath, nan); err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(dir, "bare.safetensors")
	b, _ := os.ReadFile(filepath.Join(heatRun, "model.safetensors"))
	if err := os.WriteFile(bare, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--ckpt", heatRun, "--heat-k", "5"}, "trained with K = 3 blur levels, not the K = 5 asked for"},
		{[]string{"--ckpt", heatRun, "--heat-sigma-max", "9"}, "σ_max = 20, not the σ_max = 9"},
		{[]string{"--ckpt", vpRun, "--sampler", "heat"}, `trained with objective "vp-eps", not "heat"`},
		{[]string{"--ckpt", heatRun, "--h0", "0.1"}, "--h0 is a flag of --sampler ascent, not of --sampler heat"},
		{[]string{"--ckpt", blindRun, "--delta", "0.02"}, "--delta is a flag of --sampler heat, not of --sampler ascent"},
		{[]string{"--ckpt", heatRun, "--sampler", "heat", "--method", "wiener"}, "--method is a flag of --sampler ddim, not of --sampler heat"},
		{[]string{"--ckpt", heatRun, "--sampler", "euler"}, `--sampler "euler"`},
		{[]string{"--ckpt", heatRun, "--interpolate", "1"}, "--interpolate 1"},
		{[]string{"--ckpt", heatRun, "--delta", "-1"}, "--delta -1"},
		{[]string{"--ckpt", heatRun, "--n", "0"}, "--n 0"},
		{[]string{"--ckpt", heatRun, "--data", "npy:" + nanPath}, "NaN"},
		{[]string{"--ckpt", heatRun, "--data", "cmix:2", "--size", "9"}, "divisible by 2"},
		{[]string{"--ckpt", bare}, "--data is required"},
	} {
		err := runSample(append(c.args, "--out", out, "--quiet"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want it to say %q", c.args, err, c.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Fatalf("%v: wrote %s before refusing", c.args, out)
		}
	}
	// Without --sampler the checkpoint decides.
	for ckpt, want := range map[string]string{heatRun: "heat", vpRun: "ddim", blindRun: "ascent", bare: "heat"} {
		if got, err := chooseSampler("", ckpt, ""); err != nil || got != want {
			t.Errorf("chooseSampler(%s) = %q, %v; want %q", ckpt, got, err, want)
		}
	}
	// The bare model file samples once the training set is named.
	if err := runSample([]string{"--ckpt", bare, "--data", "npy:" + filepath.Join(dir, "ok.npy"), "--n", "1", "--out", out, "--quiet"}); err == nil {
		t.Error("a missing npy file was accepted")
	}
	nan.Data()[2*256+17] = 0.5
	if err := codec.SaveNpy(filepath.Join(dir, "ok.npy"), nan); err != nil {
		t.Fatal(err)
	}
	if err := runSample([]string{"--ckpt", bare, "--data", "npy:" + filepath.Join(dir, "ok.npy"), "--n", "1", "--out", out, "--quiet"}); err != nil {
		t.Error(err)
	}
}
