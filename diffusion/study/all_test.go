package study

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// The combined plan is the union of the three studies' plans: every job of
// each, with its ID, once, and nothing else; it validates (every job after
// its dependencies), and the study with the longest estimated chain of jobs
// comes first.
func TestPlanAllIsTheUnionOfTheStudiesPlans(t *testing.T) {
	for _, name := range []string{"smoke", "quick", "full"} {
		a, err := AllPresetByName(name)
		if err != nil {
			t.Fatal(err)
		}
		all, err := PlanAll(a)
		if err != nil {
			t.Fatal(err)
		}
		ga, err := PlanGAHB(a.GAHB)
		if err != nil {
			t.Fatal(err)
		}
		lo, err := PlanLocality(a.Locality)
		if err != nil {
			t.Fatal(err)
		}
		he, err := PlanHeat(a.Heat)
		if err != nil {
			t.Fatal(err)
		}
		union := map[string]plan.Job{}
		for _, p := range []*plan.Plan{ga, lo, he} {
			for _, j := range p.Jobs {
				union[j.ID] = j
			}
		}
		ids := map[string]bool{}
		for _, j := range all.Jobs {
			if ids[j.ID] {
				t.Errorf("%s: job %s twice in the combined plan", name, j.ID)
			}
			ids[j.ID] = true
			if u, ok := union[j.ID]; !ok || u.Kind != j.Kind || !bytes.Equal(u.Config, j.Config) {
				t.Errorf("%s: job %s (%s) is in none of the studies' plans", name, j.ID, j.Kind)
			}
		}
		if len(ids) != len(union) || len(all.Jobs) != len(ga.Jobs)+len(lo.Jobs)+len(he.Jobs) {
			t.Errorf("%s: %d jobs in the combined plan, %d in the union, %d+%d+%d in the studies", name, len(all.Jobs), len(union), len(ga.Jobs), len(lo.Jobs), len(he.Jobs))
		}
		if err := all.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if name == "quick" && !strings.HasPrefix(all.Jobs[0].Kind, "heat-") {
			t.Errorf("quick: the combined plan starts with a %s job, want study C's (its heat-train is the longest chain)", all.Jobs[0].Kind)
		}
	}
	if _, err := AllPresetByName("huge"); err == nil || !strings.Contains(err.Error(), `"huge"`) {
		t.Errorf("unknown preset: %v", err)
	}
}

// Merging keeps a job two plans share once, and the longest chain sums
// the estimates along dependencies, not across them.
func TestMergePlansAndLongestChain(t *testing.T) {
	p, err := PlanGAHB(Quick())
	if err != nil {
		t.Fatal(err)
	}
	twice, err := mergePlans(p, p)
	if err != nil || len(twice.Jobs) != len(p.Jobs) {
		t.Fatalf("a plan merged with itself: %v, %d jobs of %d", err, len(twice.Jobs), len(p.Jobs))
	}
	chain, err := longestChain(p)
	if err != nil {
		t.Fatal(err)
	}
	// Study A's chains hold one training each (train → evaluation jobs
	// without estimates), so the longest is its longest training.
	longest := 0.0
	for _, j := range p.Jobs {
		sec, _, err := plan.Estimate(j)
		if err != nil {
			t.Fatal(err)
		}
		longest = max(longest, sec)
	}
	if chain != longest || chain <= 0 {
		t.Errorf("longest chain %g s, want the longest training, %g s", chain, longest)
	}
}

// Each study's report written by RunAll has the numbers its own command
// writes: the same claims.json, metrics.json and tables (its plan is in
// the combined plan.json one folder up, beside runs/).
func TestRunAllSmokeMatchesEachStudyAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the smoke presets twice (about 4 s)")
	}
	a, err := AllPresetByName("smoke")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	all, alone := t.TempDir(), t.TempDir()
	res, err := RunAll(ctx, a, all, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Studies) != 3 {
		t.Fatalf("%d studies", len(res.Studies))
	}
	if _, err := RunGAHB(ctx, a.GAHB, filepath.Join(alone, "gahb"), Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := RunLocality(ctx, a.Locality, filepath.Join(alone, "locality"), Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := RunHeat(ctx, a.Heat, filepath.Join(alone, "heat"), Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, name := range []string{"gahb", "locality", "heat"} {
		files, _ := filepath.Glob(filepath.Join(alone, name, "*.json"))
		tables, _ := filepath.Glob(filepath.Join(alone, name, "tables", "*.csv"))
		for _, f := range append(files, tables...) {
			if filepath.Base(f) == "plan.json" {
				continue // the combined plan is all/plan.json: its runs/ are all/runs
			}
			rel, _ := filepath.Rel(alone, f)
			want, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(all, rel))
			if err != nil {
				t.Errorf("study all wrote no %s: %v", rel, err)
				continue
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs between study all and the study alone:\n%s\nvs\n%s", rel, got, want)
			}
			compared++
		}
	}
	if compared < 8 {
		t.Errorf("compared only %d files", compared)
	}
}
