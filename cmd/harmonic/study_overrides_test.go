package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --sigma-weight reaches the plan: the smoke preset's training jobs get
// other keys (so a weighted run never reuses unweighted models), and an
// explicit 0 is the preset's own unset weight.
func TestStudySigmaWeightOverride(t *testing.T) {
	planOf := func(extra ...string) string {
		out := t.TempDir()
		if err := runStudy(append([]string{"--preset", "smoke", "--out", out, "--plan-only", "--quiet"}, extra...)); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(out, "plan.json"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	plain, zero, weighted := planOf(), planOf("--sigma-weight", "0"), planOf("--sigma-weight", "0.01")
	if zero != plain {
		t.Error("--sigma-weight 0 changed the smoke plan, whose preset has no σ weight")
	}
	if weighted == plain {
		t.Error("--sigma-weight 0.01 left the smoke plan unchanged")
	}
	for _, bad := range []string{"-1", "NaN", "+Inf"} {
		err := runStudy([]string{"--preset", "smoke", "--out", t.TempDir(), "--plan-only", "--sigma-weight", bad})
		if err == nil || !strings.Contains(err.Error(), "--sigma-weight") {
			t.Errorf("--sigma-weight %s: %v, want an error naming the flag", bad, err)
		}
	}
}

// The collect job of a Slurm run is given args(): parsed back, they must
// give the same overrides, an explicit 0 weight included.
func TestGAHBOverridesArgsRoundTrip(t *testing.T) {
	zero, c := 0.0, 1e-3
	for _, o := range []gahbOverrides{{}, {data: "disks", steps: 7}, {sigmaWeight: &zero}, {data: "cmix:3:aa", steps: 9, sigmaWeight: &c}} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		data := fs.String("data", "", "")
		steps := fs.Int("steps", 0, "")
		w := fs.Float64("sigma-weight", 0, "")
		if err := fs.Parse(o.args()); err != nil {
			t.Fatal(err)
		}
		back := gahbOverrides{data: *data, steps: *steps}
		if flagSet(fs, "sigma-weight") {
			back.sigmaWeight = w
		}
		if back.data != o.data || back.steps != o.steps || (back.sigmaWeight == nil) != (o.sigmaWeight == nil) ||
			(o.sigmaWeight != nil && *back.sigmaWeight != *o.sigmaWeight) {
			t.Errorf("%+v: args %q parse back to %+v", o, o.args(), back)
		}
	}
}
