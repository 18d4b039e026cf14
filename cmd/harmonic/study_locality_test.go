package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// `harmonic study locality --preset smoke` writes the report, and the
// same plan run one `harmonic job run` per job (in reverse order, retrying
// the jobs not ready) then reported gives the same claims and tables.
func TestStudyLocalitySmokeJobByJob(t *testing.T) {
	pool, jobs := t.TempDir(), t.TempDir()
	if err := runStudy([]string{"locality", "--preset", "smoke", "--out", pool, "--jobs", "2"}); err != nil {
		t.Fatal(err)
	}
	if err := runStudy([]string{"locality", "--preset", "smoke", "--out", jobs, "--plan-only"}); err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(jobs, "plan.json")
	p, err := plan.Load(planPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range p.Jobs {
		if !strings.HasPrefix(j.Kind, "locality-") {
			t.Errorf("job %s of kind %s in the locality plan", j.ID, j.Kind)
		}
	}
	var todo []int
	for i := len(p.Jobs) - 1; i >= 0; i-- {
		todo = append(todo, i)
	}
	for len(todo) > 0 {
		var later []int
		for _, i := range todo {
			err := runJob([]string{"run", "--plan", planPath, "--index", strconv.Itoa(i), "--threads", "1"})
			switch {
			case errors.Is(err, plan.ErrNotReady):
				later = append(later, i)
			case err != nil:
				t.Fatal(err)
			}
		}
		if len(later) == len(todo) {
			t.Fatalf("none of jobs %v could run", todo)
		}
		todo = later
	}
	if err := runStudy([]string{"locality", "--preset", "smoke", "--out", jobs}); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"claims.json", "tables/r2.csv", "tables/fields_cosine.csv", "metrics.json"} {
		x, err := os.ReadFile(filepath.Join(pool, rel))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(jobs, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between the in-process run and job by job", rel)
		}
	}
}

// Bad flags fail before anything is written, naming the value.
func TestStudyLocalityFlagErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"locality", "--out", out}, "needs --preset"},
		{[]string{"locality", "--preset", "huge", "--out", out}, `"huge"`},
		{[]string{"locality", "--preset", "smoke", "--jobs", "-1", "--out", out}, "--jobs -1"},
		{[]string{"locality", "--preset", "smoke", "--out", out, "extra"}, `"extra"`},
		{[]string{"nosuch", "--preset", "smoke"}, `unknown study "nosuch"`},
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
