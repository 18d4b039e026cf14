package study

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// started lists the IDs of the jobs a run's log says it started.
func started(log string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`(?m)^\[([0-9a-f]{16}) [^ ]+\] start`).FindAllStringSubmatch(log, -1) {
		ids = append(ids, m[1])
	}
	slices.Sort(ids)
	return ids
}

// reportFiles reads claims.json and every table of a finished run.
func reportFiles(t *testing.T, out string) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(out, "tables", "*.csv"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no tables under %s (%v)", out, err)
	}
	files := map[string][]byte{}
	for _, n := range append(names, filepath.Join(out, "claims.json")) {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(out, n)
		files[rel] = b
	}
	return files
}

func sameFiles(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d files vs %d", what, len(a), len(b))
	}
	for n, x := range a {
		if !bytes.Equal(x, b[n]) {
			t.Errorf("%s: %s differs:\n%s\nvs\n%s", what, n, x, b[n])
		}
	}
}

// The smoke preset runs the whole pipeline: every job once, a report whose
// claims carry the C^α slopes; a second run does no work and writes the same
// report; deleting one job's metrics.json reruns exactly that job and its
// dependants, and the report comes out the same.
func TestSmokePlanRunsResumesAndReruns(t *testing.T) {
	out := t.TempDir()
	p := Smoke()
	gp, err := planGAHB(p)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if _, err := RunGAHB(context.Background(), p, out, Options{Jobs: 2, Log: &log}); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	var all []string
	for _, j := range gp.Jobs {
		all = append(all, j.ID)
	}
	slices.Sort(all)
	if got := started(log.String()); !slices.Equal(got, all) {
		t.Fatalf("the first run started %d jobs, want the plan's %d", len(got), len(all))
	}
	claims := readClaims(t, out)
	for _, k := range []string{"slope_alpha_1", "slope_alpha_2"} {
		if _, ok := claims["A.4"].Evidence[k]; !ok {
			t.Errorf("A.4's evidence lacks %s: %v", k, claims["A.4"].Evidence)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil || !bytes.Contains(md, []byte("Smoke preset")) {
		t.Errorf("the smoke report does not say its numbers mean nothing (%v)", err)
	}
	first := reportFiles(t, out)

	log.Reset()
	if _, err := RunGAHB(context.Background(), p, out, Options{Jobs: 2, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if got := started(log.String()); len(got) != 0 {
		t.Fatalf("the second run started %d jobs:\n%s", len(got), log.String())
	}
	sameFiles(t, "second run", first, reportFiles(t, out))

	// The S1 model at N=4 feeds a sweep, a two-network job, Jacobians and slopes.
	victim := gp.train[p.Spec(p.Data, false, "S1", 4).key()]
	want := []string{victim}
	for _, j := range gp.Jobs {
		if slices.Contains(j.Deps, victim) {
			want = append(want, j.ID) // no job of study A depends on a non-training job
		}
	}
	slices.Sort(want)
	if len(want) < 4 {
		t.Fatalf("the S1 N=4 model has %d dependants, want several", len(want)-1)
	}
	if err := os.Remove(filepath.Join(plan.RunDir(out, victim), "metrics.json")); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if _, err := RunGAHB(context.Background(), p, out, Options{Jobs: 2, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if got := started(log.String()); !slices.Equal(got, want) {
		t.Fatalf("after deleting one model's metrics.json the run started\n%v\nwant that job and its dependants\n%v", got, want)
	}
	sameFiles(t, "rerun", first, reportFiles(t, out))

	// Claims whose jobs are not done read "not measured"; the others keep their verdicts.
	for _, id := range gp.twonet {
		if err := os.Remove(filepath.Join(plan.RunDir(out, id), "metrics.json")); err != nil {
			t.Fatal(err)
		}
	}
	res, err := collectGAHB(p, out, gp)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.TwoNets) != 0 || res.Sweep == nil || len(res.Slopes) != len(gp.slopes) {
		t.Fatalf("collected %d two-network results (want 0), sweep %v, %d slopes", len(res.TwoNets), res.Sweep != nil, len(res.Slopes))
	}
	for _, c := range gahbClaims(gahbNumbers(res)) {
		was := claims[c.ID].Verdict
		switch {
		case c.ID == "A.2a" || c.ID == "A.2b":
			if c.Verdict != report.NotMeasured {
				t.Errorf("%s without its two-network jobs: %q", c.ID, c.Verdict)
			}
		case c.Verdict != was:
			t.Errorf("%s: %q without the two-network jobs, %q with them", c.ID, c.Verdict, was)
		}
	}
}

// Running every job of the smoke plan on its own (plan.RunOne, what
// `harmonic job run --plan --index` does) in a random order fills a folder
// whose report has the numbers of the in-process pool's.
func TestSmokePlanJobByJob(t *testing.T) {
	p := Smoke()
	pool := t.TempDir()
	if _, err := RunGAHB(context.Background(), p, pool, Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	pl, err := PlanGAHB(p)
	if err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(out, "plan.json")
	if err := pl.Save(planPath); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(len(pl.Jobs)), 12))
	todo := rng.Perm(len(pl.Jobs))
	for len(todo) > 0 {
		var later []int
		for _, i := range todo {
			err := plan.RunOne(context.Background(), planPath, i, plan.Options{Threads: 1})
			switch {
			case errors.Is(err, plan.ErrNotReady):
				later = append(later, i)
			case err != nil:
				t.Fatal(err)
			}
		}
		if len(later) == len(todo) {
			t.Fatalf("no job of %v could run", todo)
		}
		todo = later
	}
	var log bytes.Buffer
	if _, err := RunGAHB(context.Background(), p, out, Options{Jobs: 1, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if got := started(log.String()); len(got) != 0 {
		t.Fatalf("the report run after every job was run started %d jobs", len(got))
	}
	sameFiles(t, "job by job vs pool", reportFiles(t, pool), reportFiles(t, out))
	for _, j := range pl.Jobs {
		if j.Kind != kindTrain {
			continue
		}
		a, err := os.ReadFile(filepath.Join(plan.RunDir(pool, j.ID), "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(plan.RunDir(out, j.ID), "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("model of job %s differs between the pool (2 at a time) and one job per call", j.ID)
		}
	}
}
