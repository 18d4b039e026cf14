package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	// cmdtest/resume writes a checkpoint, then waits for its process to be
	// killed; run again, it finds the checkpoint and finishes.
	plan.Register("cmdtest/resume", "1", func(ctx context.Context, env *plan.Env) error {
		if _, err := os.Stat(env.Path("checkpoint.txt")); err == nil {
			env.SetMetric("resumed", true)
			return nil
		}
		if err := env.WriteFile("checkpoint.txt", func(w io.Writer) error {
			_, err := io.WriteString(w, "step 1\n")
			return err
		}); err != nil {
			return err
		}
		<-ctx.Done()
		return ctx.Err()
	})
}

// TestJobProcess is not a test: TestJobRunKilled runs the test binary with
// it selected to get a `harmonic job` process.
func TestJobProcess(t *testing.T) {
	args := os.Getenv("HARMONIC_TEST_JOB_ARGS")
	if args == "" {
		t.Skip("helper process for TestJobRunKilled")
	}
	if err := runJob(strings.Split(args, "\n")); err != nil {
		t.Fatal(err)
	}
}

// TestJobRunKilled kills a `harmonic job run` process (SIGKILL, no chance to
// clean up) in the middle of its job: the job is not done, and the next
// process resumes from the checkpoint it left and finishes.
func TestJobRunKilled(t *testing.T) {
	out := t.TempDir()
	p := &plan.Plan{}
	id, err := p.Add("cmdtest/resume", nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(out, "plan.json")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestJobProcess$")
	cmd.Env = append(os.Environ(), "HARMONIC_TEST_JOB_ARGS="+strings.Join([]string{"run", "--plan", path, "--index", "0"}, "\n"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	checkpoint := filepath.Join(plan.RunDir(out, id), "checkpoint.txt")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(checkpoint); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the job process wrote no checkpoint in 30 s")
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if plan.Done(out, id) {
		t.Fatal("the killed job is done")
	}
	if err := runJob([]string{"run", "--plan", path, "--index", "0"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(plan.RunDir(out, id), "metrics.json"))
	if err != nil || !strings.Contains(string(b), `"resumed": true`) {
		t.Fatalf("metrics after the rerun: %s (%v)", b, err)
	}
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
