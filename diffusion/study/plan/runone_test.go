package plan

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree reads every file under dir, by slash path.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestRunOneInRandomOrderMatchesRun runs every job as RunOne would from a
// Slurm array whose tasks start in any order: a task whose dependency is not
// done fails with ErrNotReady and is retried in the next round. The folder
// must end up byte for byte the one Run writes.
func TestRunOneInRandomOrderMatchesRun(t *testing.T) {
	p, ids := testPlan(t)
	ref, out := t.TempDir(), t.TempDir()
	if err := Run(t.Context(), p, ref, Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(out, planFile)
	if err := p.Save(planPath); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	notReady := 0
	for round := 0; ; round++ {
		if round > len(p.Jobs) {
			t.Fatal("RunOne made no progress")
		}
		for _, i := range rng.Perm(len(p.Jobs)) {
			err := RunOne(t.Context(), planPath, i, Options{Threads: 1})
			if errors.Is(err, ErrNotReady) {
				notReady++
				if !strings.Contains(err.Error(), "has no metrics.json") {
					t.Errorf("not-ready error does not say what is missing: %v", err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if staleCount(t, p, out) == 0 {
			break
		}
	}
	if notReady == 0 {
		t.Error("no RunOne met a dependency not done: the random order did not test it")
	}
	wantCalls(t, out, ids, map[string]int{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}) // done jobs are skipped
	want, got := tree(t, ref), tree(t, out)
	if len(got) != len(want) {
		t.Errorf("RunOne wrote %d files, Run %d", len(got), len(want))
	}
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s differs: RunOne wrote %q, Run %q", name, got[name], b)
		}
	}
	if err := RunOne(t.Context(), planPath, len(p.Jobs), Options{}); err == nil || !strings.Contains(err.Error(), "no job at index 5") {
		t.Errorf("index out of range: %v", err)
	}
}

func staleCount(t *testing.T, p *Plan, out string) int {
	order, err := p.Order()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range staleJobs(p, order, out) {
		if s {
			n++
		}
	}
	return n
}
