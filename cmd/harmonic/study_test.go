package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// The smoke study planned with --plan-only and run one `harmonic job run`
// per job, in a random order (a job whose dependencies are not done yet
// fails and is retried later), then reported by `harmonic study`, has the
// claims and tables of the in-process run.
func TestStudySmokeJobByJob(t *testing.T) {
	pool, jobs := t.TempDir(), t.TempDir()
	if err := runStudy([]string{"--preset", "smoke", "--out", pool, "--jobs", "2"}); err != nil {
		t.Fatal(err)
	}
	if err := runStudy([]string{"--preset", "smoke", "--out", jobs, "--plan-only"}); err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(jobs, "plan.json")
	p, err := plan.Load(planPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(jobs, "runs")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("--plan-only ran something: %v", err)
	}
	// --collect runs nothing: with no job done it names them and writes no report.
	err = runStudy([]string{"--preset", "smoke", "--collect", jobs})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%d of %d jobs", len(p.Jobs), len(p.Jobs))) || !strings.Contains(err.Error(), p.Jobs[0].ID+" ("+p.Jobs[0].Kind+", index 0)") {
		t.Fatalf("--collect with no job done: %v", err)
	}
	if _, err := os.Stat(filepath.Join(jobs, "report.html")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("--collect with jobs missing wrote a report: %v", err)
	}
	todo := rand.New(rand.NewPCG(7, uint64(len(p.Jobs)))).Perm(len(p.Jobs))
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
	for _, j := range p.Jobs {
		if !plan.Done(jobs, j.ID) {
			t.Fatalf("job %s (%s) not done", j.ID, j.Kind)
		}
	}
	if err := runStudy([]string{"--preset", "smoke", "--collect", jobs}); err != nil {
		t.Fatal(err)
	}
	tables, err := filepath.Glob(filepath.Join(pool, "tables", "*.csv"))
	if err != nil || len(tables) == 0 {
		t.Fatalf("no tables in %s (%v)", pool, err)
	}
	for _, a := range append(tables, filepath.Join(pool, "claims.json")) {
		rel, _ := filepath.Rel(pool, a)
		x, err := os.ReadFile(a)
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(jobs, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between the in-process run and job by job:\n%s\nvs\n%s", rel, x, y)
		}
	}
}

func TestStudyExecutorFlagErrors(t *testing.T) {
	out := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--executor", "pbs"}, `--executor "pbs"`},
		{[]string{"--wait"}, "--wait is for --executor slurm"},
		{[]string{"--partition", "x"}, "--partition is for --executor slurm"},
		{[]string{"--executor", "slurm", "--max-parallel", "-1"}, "--max-parallel -1"},
		{[]string{"--executor", "slurm", "--sbatch-opt", "a\nb"}, "one line"},
		{[]string{"--collect", out, "--plan-only"}, "--collect " + out},
	} {
		err := runStudy(append([]string{"--preset", "smoke", "--out", out}, c.args...))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error with %q", c.args, err, c.want)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("bad flags wrote %d files in %s", len(entries), out)
	}
}
