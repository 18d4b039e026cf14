package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/study"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// `harmonic study heat --preset smoke` writes the report and its claims;
// its plan holds heat jobs only, and a second run reuses them and writes
// the same claims.
func TestStudyHeatSmoke(t *testing.T) {
	out := t.TempDir()
	if err := runStudy([]string{"heat", "--preset", "smoke", "--out", out, "--jobs", "2"}); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(filepath.Join(out, "claims.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{`"C.1"`, `"C.2"`, `"C.3"`, `"C.4"`} {
		if !bytes.Contains(first, []byte(id)) {
			t.Errorf("claims.json lacks %s", id)
		}
	}
	if err := runStudy([]string{"heat", "--preset", "smoke", "--out", out}); err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(filepath.Join(out, "claims.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("a rerun changed claims.json")
	}
}

// --plan-only writes the plan and runs nothing; the quick preset's
// estimate is within its 45 minutes on 2 cores even run one job at a time.
func TestStudyHeatPlanOnly(t *testing.T) {
	out := t.TempDir()
	if err := runStudy([]string{"heat", "--preset", "quick", "--out", out, "--plan-only"}); err != nil {
		t.Fatal(err)
	}
	p, err := plan.Load(filepath.Join(out, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, j := range p.Jobs {
		kinds[j.Kind] = true
	}
	for _, k := range []string{"heat-train", "heat-psd", "heat-classifier", "heat-sample"} {
		if !kinds[k] {
			t.Errorf("quick plan has no %s job", k)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "runs")); !errors.Is(err, os.ErrNotExist) {
		t.Error("--plan-only ran jobs")
	}
	s, err := plan.Summarize(p, out)
	if err != nil {
		t.Fatal(err)
	}
	if s.Seconds <= 0 || s.Seconds > 45*60 {
		t.Errorf("quick estimate %.0f s, want within 45 minutes", s.Seconds)
	}
	full, err := study.PlanHeat(study.HeatFull())
	if err != nil {
		t.Fatal(err)
	}
	if fs, err := plan.Summarize(full, t.TempDir()); err != nil || fs.Seconds < 24*3600 {
		t.Errorf("full estimate %v (%v), want days", fs, err)
	}
}

// Bad flags fail before anything is written, naming the value.
func TestStudyHeatFlagErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"heat", "--out", out}, "needs --preset"},
		{[]string{"heat", "--preset", "huge", "--out", out}, `"huge"`},
		{[]string{"heat", "--preset", "smoke", "--jobs", "-1", "--out", out}, "--jobs -1"},
		{[]string{"heat", "--preset", "smoke", "--threads", "-2", "--out", out}, "--threads -2"},
		{[]string{"heat", "--preset", "smoke", "--out", out, "extra"}, `"extra"`},
	} {
		err := runStudy(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.args, err, c.want)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%v wrote %s", c.args, out)
		}
	}
}
