package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

func init() {
	plan.Register("cmdtest/threads", "1", func(ctx context.Context, env *plan.Env) error {
		var c struct{ Tag string }
		if err := env.Config(&c); err != nil {
			return err
		}
		env.SetMetric("threads", env.Threads)
		return nil
	})
}

func TestJobRun(t *testing.T) {
	out := t.TempDir()
	p := &plan.Plan{}
	first, err := p.Add("cmdtest/threads", map[string]string{"Tag": "first"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.Add("cmdtest/threads", map[string]string{"Tag": "second"}, first)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(out, "plan.json")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	err = runJob([]string{"run", "--plan", path, "--index", "1"})
	if !errors.Is(err, plan.ErrNotReady) || !strings.Contains(err.Error(), first) {
		t.Fatalf("second job before the first: %v; want ErrNotReady naming %s", err, first)
	}
	if err := runJob([]string{"run", "--plan", path, "--index", "0", "--threads", "3"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(plan.RunDir(out, first), "metrics.json"))
	if err != nil || !strings.Contains(string(b), `"threads": 3`) {
		t.Fatalf("metrics of the first job: %s (%v)", b, err)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "1")
	if err := runJob([]string{"run", "--plan", path}); err != nil {
		t.Fatal(err)
	}
	if !plan.Done(out, second) {
		t.Fatal("the Slurm task did not run the second job")
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "x")
	for _, bad := range [][]string{{}, {"walk"}, {"run"}, {"run", "--plan", path}, {"run", "--plan", path, "--index", "2"},
		{"run", "--plan", path, "--index", "0", "extra"}, {"run", "--plan", filepath.Join(out, "none.json"), "--index", "0"}} {
		if err := runJob(bad); err == nil {
			t.Errorf("job %v: no error", bad)
		}
	}
}
