package train

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// runFor trains cfg for its steps on random images into a new directory.
func runFor(t *testing.T, cfg Config) string {
	t.Helper()
	dir := t.TempDir()
	tr, err := New(cfg, smallSet(10, 6))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

func heatConfig() Config {
	c := tcConfig(1)
	c.Objective, c.HeatK, c.HeatSigmaMax = "heat", 3, 4
	return c
}

// The model file records the objective and the heat schedule (new keys;
// the architecture keys and the step are as before), a blind run's records
// none, and LoadHeat reads them back from the file alone.
func TestModelMetaRecordsObjective(t *testing.T) {
	heatDir := runFor(t, heatConfig())
	meta, _, _, err := codec.LoadSafetensors(filepath.Join(heatDir, nn.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"objective": "heat", "heat_k": "3", "heat_sigma_max": "4", "heat_sigma": "0.01", "step": "1", "arch": "tc-unet"}
	for k, v := range want {
		if meta[k] != v {
			t.Errorf("model metadata %s = %q, want %q", k, meta[k], v)
		}
	}
	for _, path := range []string{heatDir, bare(t, heatDir)} {
		ck, err := LoadHeat(path, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if ck.Schedule.K() != 3 || ck.SigmaMax != 4 || ck.Sigma != 0.01 || (path == heatDir) != (ck.Run != nil) {
			t.Errorf("%s: K %d σ_max %v σ %v run %v", path, ck.Schedule.K(), ck.Schedule.Sigma(3), ck.Sigma, ck.Run)
		}
	}
	vp := runFor(t, tcConfig(1))
	if meta, _, _, _ := codec.LoadSafetensors(filepath.Join(vp, nn.ModelFile)); meta["objective"] != "vp-eps" || meta["heat_k"] != "" {
		t.Errorf("vp-eps model metadata %v", meta)
	}
	blind := runFor(t, smallConfig(1))
	meta, _, _, _ = codec.LoadSafetensors(filepath.Join(blind, nn.ModelFile))
	if _, ok := meta["objective"]; ok || len(meta) != 4 { // arch, levels, base, step
		t.Errorf("blind model metadata %v, want the architecture and the step only", meta)
	}
}

// bare copies a checkpoint's model file where no training state is beside it.
func bare(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.safetensors")
	b, err := os.ReadFile(filepath.Join(dir, nn.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// oldModel rewrites dir's model file as checkpoints were written before
// model files named the objective (the step only) and returns dir.
func oldModel(t *testing.T, dir string) string {
	t.Helper()
	net, _, err := nn.LoadAny(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := nn.SaveModel(filepath.Join(dir, nn.ModelFile), net, map[string]string{"step": "1"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// LoadHeat refuses other objectives and other schedules, naming both
// values, and a model file that records nothing.
func TestLoadHeatRefuses(t *testing.T) {
	heatDir := runFor(t, heatConfig())
	vp := runFor(t, tcConfig(1))
	blind := runFor(t, smallConfig(1))
	for _, c := range []struct {
		path     string
		k        int
		sigmaMax float64
		want     string
	}{
		{heatDir, 5, 0, "trained with K = 3 blur levels, not the K = 5 asked for"},
		{heatDir, 3, 8, "trained with σ_max = 4, not the σ_max = 8"},
		{heatDir, -1, 0, "K = -1"},
		{vp, 0, 0, `trained with objective "vp-eps", not "heat"`},
		{blind, 0, 0, `trained with objective "blind", not "heat"`},
		{bare(t, blind), 0, 0, `trained with objective "blind", not "heat"`},
		{bare(t, oldModel(t, runFor(t, heatConfig()))), 0, 0, "records no training objective"},
	} {
		_, err := LoadHeat(c.path, c.k, c.sigmaMax)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s K=%d σ_max=%v: error %v, want it to say %q", c.path, c.k, c.sigmaMax, err, c.want)
		}
	}
	if _, err := LoadHeat(heatDir, 3, 4); err != nil {
		t.Errorf("the checkpoint's own schedule refused: %v", err)
	}
}

// A model file written before model files named the objective is read
// through the training state's configuration beside it.
func TestLoadHeatFallsBackToRunConfig(t *testing.T) {
	dir := oldModel(t, runFor(t, heatConfig()))
	ck, err := LoadHeat(dir, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ck.Schedule.K() != 3 || ck.Schedule.Sigma(3) != 4 {
		t.Errorf("schedule K %d σ_max %v from the run configuration", ck.Schedule.K(), ck.Schedule.Sigma(3))
	}
	if _, err := LoadHeat(dir, 4, 0); err == nil || !strings.Contains(err.Error(), "K = 3") {
		t.Errorf("K = 4 against the stored K = 3: %v", err)
	}
}
