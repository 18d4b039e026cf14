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

// The heat smoke preset runs study C end to end on synthetic data without
// labels: every job once, a report with the spectra, both sample grids and
// the interpolation strips, metrics.json and claims.json; C.1, C.2 and C.4
// are judged, C.3 is not measured (no classifier without labels) but shows
// the novelty it did measure; a second run does no work and writes the
// same files.
func TestHeatSmokeRunsAndResumes(t *testing.T) {
	out := t.TempDir()
	p := HeatSmoke()
	hp, err := planHeat(p)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	res, err := RunHeat(context.Background(), p, out, Options{Jobs: 2, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	var all []string
	for _, j := range hp.Jobs {
		all = append(all, j.ID)
	}
	slices.Sort(all)
	if got := started(log.String()); !slices.Equal(got, all) {
		t.Fatalf("the first run started %d jobs, want the plan's %d:\n%s", len(got), len(all), log.String())
	}
	for _, f := range []string{"report.html", "metrics.json", "figures/psd_d0.png", "figures/prior_on_d0.png", "figures/prior_off_d0.png",
		"figures/interpolations_d0.png", "figures/samples_psd_d0.png", "tables/psd.csv", "tables/samples_d0.csv", "tables/samples_psd_d0.csv"} {
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
	for id, measured := range map[string]bool{"C.1": true, "C.2": true, "C.3": false, "C.4": true} {
		if v := verdicts[id]; (v != report.NotMeasured) != measured {
			t.Errorf("%s: verdict %q (measured should be %v)", id, v, measured)
		}
	}
	s := res.Datasets[0].Sample
	for _, name := range []string{"prior_on_novelty_median", "prior_off_novelty_median", "test_novelty_median", "interp_step_ratio"} {
		if _, ok := s[name]; !ok {
			t.Errorf("sample metric %s missing", name)
		}
	}
	psd := res.Datasets[0].SamplePSD
	for _, name := range heatSamplePSDs() {
		if got, want := len(psd[name]), len(res.Datasets[0].SamplePSDFreq); got != want || want == 0 {
			t.Errorf("sample spectrum %s has %d bins, want %d (> 0)", name, got, want)
		}
	}
	if _, ok := s["prior_on_confidence"]; ok {
		t.Error("a confidence was measured without a classifier")
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, str := range []string{"no Inception FID can be computed", "prior noise off", "Smoke preset", "median novelty ratio"} {
		if !strings.Contains(string(html), str) {
			t.Errorf("report lacks %q", str)
		}
	}
	first := reportFiles(t, out)
	log.Reset()
	if _, err := RunHeat(context.Background(), p, out, Options{Jobs: 2, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if got := started(log.String()); len(got) != 0 {
		t.Errorf("the second run started %d jobs", len(got))
	}
	sameFiles(t, "rerun", first, reportFiles(t, out))
}

// TestHeatSpectraOnlyDataset runs the smoke preset with a second dataset
// measured for its spectra only: the plan has its heat-psd job and no
// other, the run measures its PSD and crossovers (C.1 and C.2 read them)
// and the report says it has no samples.
func TestHeatSpectraOnlyDataset(t *testing.T) {
	p := HeatSmoke()
	p.Datasets = append(p.Datasets, HeatData{Spec: "cmix:3", Size: 8, NTrain: 64, NTest: 16, K: 4, SigmaMax: 4, SpectraOnly: true})
	hp, err := planHeat(p)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, j := range hp.Jobs {
		kinds[j.Kind]++
	}
	if kinds[kindHeatPSD] != 2 || kinds[kindHeatTrain] != 1 || kinds[kindHeatSample] != 1 {
		t.Fatalf("jobs by kind %v: want 2 heat-psd, 1 heat-train, 1 heat-sample", kinds)
	}
	out := t.TempDir()
	res, err := RunHeat(context.Background(), p, out, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Datasets[1]; d.PSD == nil || d.Sample != nil || d.FinalLoss != nil {
		t.Fatalf("spectra-only dataset: PSD %v, samples %v, loss %v", d.PSD != nil, d.Sample, d.FinalLoss)
	}
	n := heatNumbers(res)
	if !n.Has(dk(numPSDSlope, 1)) {
		t.Error("no PSD slope for the spectra-only dataset")
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), spectraOnly) {
		t.Errorf("report does not say %q", spectraOnly)
	}
	bad := HeatSmoke()
	bad.Datasets[0].SpectraOnly = true
	if _, err := planHeat(bad); err == nil || !strings.Contains(err.Error(), "spectra only") {
		t.Errorf("spectra only with training steps: error %v", err)
	}
}
