package study

import (
	"strings"
	"testing"
)

// The σ weight reaches every model's training config, and a preset without
// it (quick) keeps its job hashes: the weight is omitted from the config.
func TestPresetSigmaWeightReachesSpecs(t *testing.T) {
	m, err := PresetByName("medium")
	if err != nil {
		t.Fatal(err)
	}
	if m.SigmaWeight <= 0 {
		t.Fatalf("medium preset σ weight %v, want > 0", m.SigmaWeight)
	}
	for _, s := range m.allSpecs() {
		if s.Train.SigmaWeight != m.SigmaWeight {
			t.Fatalf("%s: σ weight %v, want the preset's %v", s.Label(), s.Train.SigmaWeight, m.SigmaWeight)
		}
		if s.Train.Size != 32 || s.Train.Levels != 2 {
			t.Fatalf("%s: %d×%d, %d levels, want 32×32 and 2", s.Label(), s.Train.Size, s.Train.Size, s.Train.Levels)
		}
	}
	q := Quick()
	for _, s := range q.allSpecs() {
		if s.Train.SigmaWeight != 0 {
			t.Fatalf("quick %s: σ weight %v, want 0 (unweighted)", s.Label(), s.Train.SigmaWeight)
		}
		if strings.Contains(s.key(), "sigma_weight") {
			t.Fatalf("quick %s: the job key names the unset σ weight, so its hash changed: %s", s.Label(), s.key())
		}
	}
	if _, err := PresetByName("huge"); err == nil {
		t.Fatal("an unknown preset name was accepted")
	}
}
