package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// The sample and jacobian commands run end to end on a tiny network and
// write every file they promise.
func TestSampleAndJacobianCommands(t *testing.T) {
	dir := t.TempDir()
	net, err := nn.NewBFUNet(1, 4, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, "model.safetensors")
	if err := nn.SaveModel(ckpt, net, nil); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s")
	if err := runSample([]string{"--ckpt", ckpt, "--n", "3", "--size", "8", "--max-steps", "50", "--out", out}); err != nil {
		t.Fatal(err)
	}
	s, err := codec.LoadNpy(filepath.Join(out, "samples.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if sh := s.Shape(); len(sh) != 4 || sh[0] != 3 || sh[2] != 8 {
		t.Fatalf("samples.npy has shape %v", sh)
	}
	var ss map[string]any
	b, err := os.ReadFile(filepath.Join(out, "samples.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ss); err != nil {
		t.Fatal(err)
	}
	// The flag's default reaches the sampler, and the counts add up: no
	// sample is both converged and diverged.
	if ss["diverge_ratio"] != 4.0 || ss["converged"].(float64)+ss["diverged"].(float64) > 3 {
		t.Fatalf("samples.json: diverge ratio %v, converged %v, diverged %v", ss["diverge_ratio"], ss["converged"], ss["diverged"])
	}
	if idx, ok := ss["diverged_samples"].([]any); !ok || float64(len(idx)) != ss["diverged"].(float64) {
		t.Fatalf("samples.json: diverged_samples %v vs diverged %v", ss["diverged_samples"], ss["diverged"])
	}
	// sigma_trace.csv: one row per step of every chain, each chain ending
	// at its final σ_t (to the table's 5 digits); its plot exists.
	trace, err := os.ReadFile(filepath.Join(out, "sigma_trace.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(trace)), "\n")
	steps, finals := ss["steps"].([]any), ss["final_sigma"].([]any)
	total := 0
	for i, st := range steps {
		n := int(st.(float64))
		total += n
		var last string
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, strconv.Itoa(i)+","+strconv.Itoa(n)+",") {
				last = l[strings.LastIndexByte(l, ',')+1:]
			}
		}
		if v, err := strconv.ParseFloat(last, 64); err != nil || math.Abs(v-finals[i].(float64)) > 1e-4*finals[i].(float64) {
			t.Fatalf("sample %d: last trace row %q, final σ %v", i, last, finals[i])
		}
	}
	if lines[0] != "sample,step,sigma" || len(lines)-1 != total {
		t.Fatalf("sigma_trace.csv: header %q and %d rows for %d steps", lines[0], len(lines)-1, total)
	}
	if _, err := os.Stat(filepath.Join(out, "sigma_trace.png")); err != nil {
		t.Fatal(err)
	}
	if err := runSample([]string{"--ckpt", ckpt, "--n", "1", "--size", "8", "--diverge", "0.5", "--out", out}); err == nil {
		t.Fatal("--diverge 0.5 accepted")
	}
	img := tensor.New(8, 8)
	tensor.NewRNG(2).FillUniform(img.Data(), 0, 1)
	in := filepath.Join(dir, "x.npy")
	if err := codec.SaveNpy(in, img); err != nil {
		t.Fatal(err)
	}
	jout := filepath.Join(dir, "j")
	if err := runJacobian([]string{"--ckpt", ckpt, "--image", in, "--sigma", "0.1", "--k", "5", "--exact", "--out", jout}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"noisy.npy", "noisy.png", "eigenvalues.npy", "eigenvalues.csv", "eigenvectors.npy", "eigenvectors.png", "summary.json", "jacobian.npy"} {
		if _, err := os.Stat(filepath.Join(jout, f)); err != nil {
			t.Fatal(err)
		}
	}
	var sum map[string]any
	b, _ = os.ReadFile(filepath.Join(jout, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	// The tiny random network is close to the identity: tr∇f ≈ d = 64.
	if tr := sum["trace"].(float64); tr < 32 || tr > 96 {
		t.Fatalf("trace %v", tr)
	}
	if err := runJacobian([]string{"--ckpt", ckpt, "--image", filepath.Join(dir, "missing.png"), "--out", jout}); err == nil {
		t.Fatal("a missing image was accepted")
	}
}
