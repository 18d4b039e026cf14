package study

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// The locality smoke preset runs study B end to end: every job once, a
// report with the fields, the r² table and figure, the sample grid, the
// CSVs, metrics.json and claims.json; every claim is judged (the smoke
// run measures the numbers of each); a
// second run does no work and writes the same claims and tables.
func TestLocalitySmokeRunsAndResumes(t *testing.T) {
	out := t.TempDir()
	p := LocalitySmoke()
	lp, err := planLocality(p)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	res, err := RunLocality(context.Background(), p, out, Options{Jobs: 2, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	var all []string
	for _, j := range lp.Jobs {
		all = append(all, j.ID)
	}
	slices.Sort(all)
	if got := started(log.String()); !slices.Equal(got, all) {
		t.Fatalf("the first run started %d jobs, want the plan's %d:\n%s", len(got), len(all), log.String())
	}
	for _, f := range []string{"report.html", "metrics.json", "figures/fields_d0.png", "figures/r2_over_t_d0.png", "figures/samples_d0.png", "figures/els_samples_d0.png", "figures/wfields_d0_g0.5.png", "tables/w_fields.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	var claims []report.Claim
	b, err := os.ReadFile(filepath.Join(out, "claims.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]string{}
	for _, c := range claims {
		verdicts[c.ID] = c.Verdict
	}
	for id, measured := range map[string]bool{"B.1": true, "B.2": true, "B.3": true} {
		if v := verdicts[id]; (v != report.NotMeasured) != measured {
			t.Errorf("%s: verdict %q (measured should be %v)", id, v, measured)
		}
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"els", "on the first 2 samples only", "scfdm", "Smoke preset"} {
		if !strings.Contains(string(html), s) {
			t.Errorf("report lacks %q", s)
		}
	}
	if c := res.Datasets[0].Compare; c == nil || len(c.DDIM) != len(builtModels())+1 || c.DDIM["els"].R2 == nil || c.Single["els"].R2 == nil {
		t.Fatalf("comparison of %v, want every built model %v and els (its own job)", c, builtModels())
	}
	if e := res.Datasets[0].ELS; e == nil || e.Samples != 2 || len(e.Patch) != 10 {
		t.Fatalf("ELS result %+v: want 2 samples and a patch size per DDIM step", e)
	}
	first := reportFiles(t, out)
	log.Reset()
	if _, err := RunLocality(context.Background(), p, out, Options{Jobs: 2, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if got := started(log.String()); len(got) != 0 {
		t.Errorf("the second run started %d jobs", len(got))
	}
	sameFiles(t, "rerun", first, reportFiles(t, out))
}
