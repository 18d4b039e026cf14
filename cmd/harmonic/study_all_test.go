package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// `harmonic study all --preset smoke` writes an index whose links all lead
// to files it wrote, with the claims of studies A, B and C; a rerun runs no
// job (no file under runs/ is rewritten) and writes the reports again.
func TestStudyAllSmoke(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCaptured(t, "study", "all", "--preset", "smoke", "--out", out, "--jobs", "2")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	pl, err := plan.Load(filepath.Join(out, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if final := fmt.Sprintf("progress: %d/%d jobs done\n", len(pl.Jobs), len(pl.Jobs)); !strings.Contains(stderr, final) {
		t.Errorf("no line %q in the log:\n%s", final, stderr)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), `src="`) && !strings.Contains(string(page), `src="data:`) {
		t.Error("index.html refers to an image outside itself")
	}
	links := regexp.MustCompile(`<a href="([^"]+)">`).FindAllStringSubmatch(string(page), -1)
	seen := map[string]bool{}
	for _, l := range links {
		seen[l[1]] = true
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(l[1]))); err != nil {
			t.Errorf("index.html links %s: %v", l[1], err)
		}
	}
	for _, name := range []string{"gahb", "locality", "heat"} {
		if !seen[name+"/report.html"] {
			t.Errorf("index.html does not link %s/report.html (links: %v)", name, seen)
		}
	}
	var claims []report.Claim
	if err := report.ReadJSON(filepath.Join(out, "claims.json"), &claims); err != nil {
		t.Fatal(err)
	}
	studies := map[byte]int{}
	for _, c := range claims {
		studies[c.ID[0]]++
		if !strings.Contains(string(page), "<td>"+c.ID+"</td>") {
			t.Errorf("claim %s is not in the index's table", c.ID)
		}
		if !strings.Contains(string(page), "<b>"+c.Verdict+"</b>") {
			t.Errorf("verdict %q of claim %s is not in the index", c.Verdict, c.ID)
		}
	}
	// Each study's claims.json holds exactly its claims in the combined list.
	for letter, name := range map[byte]string{'A': "gahb", 'B': "locality", 'C': "heat"} {
		var own []report.Claim
		if err := report.ReadJSON(filepath.Join(out, name, "claims.json"), &own); err != nil {
			t.Fatal(err)
		}
		if len(own) == 0 || studies[letter] != len(own) {
			t.Errorf("study %s: %d claims in its claims.json, %d with id %c… in the index", name, len(own), studies[letter], letter)
		}
	}
	var m struct {
		Jobs    int                       `json:"jobs"`
		Claims  map[string]int            `json:"claims"`
		Studies map[string]map[string]any `json:"studies"`
	}
	if err := report.ReadJSON(filepath.Join(out, "metrics.json"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Claims[report.Holds]+m.Claims[report.DoesNotHold]+m.Claims[report.NotMeasured] != len(claims) || len(m.Studies) != 3 || m.Jobs == 0 {
		t.Errorf("metrics.json: %+v for %d claims", m, len(claims))
	}

	// The rerun: no job runs, every report is written again.
	before := modTimes(t, filepath.Join(out, "runs"))
	time.Sleep(10 * time.Millisecond)
	code, _, stderr = runCaptured(t, "study", "all", "--preset", "smoke", "--out", out)
	if code != 0 {
		t.Fatalf("rerun: exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, " 0 to run ") || strings.Contains(stderr, "progress:") {
		t.Errorf("rerun log:\n%s", stderr)
	}
	after := modTimes(t, filepath.Join(out, "runs"))
	for path, t0 := range before {
		if !after[path].Equal(t0) {
			t.Errorf("the rerun rewrote %s", path)
		}
	}
	if len(after) != len(before) {
		t.Errorf("the rerun changed runs/: %d files, %d before", len(after), len(before))
	}
	st, err := os.Stat(filepath.Join(out, "index.html"))
	if err != nil || !st.ModTime().After(maxTime(before)) {
		t.Errorf("the rerun did not write index.html again: %v", err)
	}

	// --quiet: only errors; --collect writes the same claims from the finished jobs.
	code, stdout, stderr := runCaptured(t, "study", "all", "--preset", "smoke", "--collect", out, "--quiet")
	if code != 0 || stdout != "" || stderr != "" {
		t.Errorf("--collect --quiet: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	var again []report.Claim
	if err := report.ReadJSON(filepath.Join(out, "claims.json"), &again); err != nil || len(again) != len(claims) {
		t.Errorf("claims.json after --collect: %d claims, %v", len(again), err)
	}
}

func modTimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	m := map[string]time.Time{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		m[path] = info.ModTime()
		return nil
	})
	if err != nil || len(m) == 0 {
		t.Fatalf("walking %s: %v (%d files)", dir, err, len(m))
	}
	return m
}

func maxTime(m map[string]time.Time) time.Time {
	var last time.Time
	for _, t := range m {
		if t.After(last) {
			last = t
		}
	}
	return last
}

// `study all --plan-only` prints the combined plan's cost by kind, every
// study's kinds in one table, and writes only plan.json; a collect of a run
// not done names a missing job; bad flags fail before any file is written.
func TestStudyAllPlanOnlyAndErrors(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCaptured(t, "study", "all", "--preset", "quick", "--plan-only", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, kind := range []string{"gahb-train", "locality-train", "heat-train", "estimated", "wall time is at least"} {
		if !strings.Contains(stdout, kind) {
			t.Errorf("--plan-only output lacks %q:\n%s", kind, stdout)
		}
	}
	var pl struct{ Jobs []json.RawMessage }
	b, err := os.ReadFile(filepath.Join(out, "plan.json"))
	if err != nil || json.Unmarshal(b, &pl) != nil || len(pl.Jobs) == 0 {
		t.Fatalf("plan.json: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 1 {
		t.Errorf("--plan-only wrote %d entries in %s, want plan.json only", len(entries), out)
	}
	if err := runStudy([]string{"all", "--preset", "quick", "--collect", out}); err == nil || !strings.Contains(err.Error(), "not done: ") {
		t.Errorf("collect of a plan not run: %v", err)
	}

	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{}, "needs --preset"},
		{[]string{"--preset", "huge"}, `"huge"`},
		{[]string{"--preset", "smoke", "--jobs", "-1"}, "--jobs -1"},
		{[]string{"--preset", "smoke", "--executor", "pbs"}, `--executor "pbs"`},
		{[]string{"--preset", "smoke", "--wait"}, "--wait is for --executor slurm"},
		{[]string{"--preset", "smoke", "--collect", empty, "--plan-only"}, "--collect " + empty},
		{[]string{"--preset", "smoke", "extra"}, `"extra"`},
	} {
		err := runStudy(append([]string{"all", "--out", empty}, c.args...))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error with %q", c.args, err, c.want)
		}
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("bad flags wrote %d files in %s", len(entries), empty)
	}
}
