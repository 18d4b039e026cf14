package plan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// value reads the "value" metric of job id under out.
func value(t *testing.T, out, id string) float64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(RunDir(out, id), metricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Value float64 }
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Value
}

// wantCalls checks how often each named job of the test plan ran.
func wantCalls(t *testing.T, out string, ids map[string]string, want map[string]int) {
	t.Helper()
	for name, n := range want {
		if got := calls(out, ids[name]); got != n {
			t.Errorf("job %s ran %d times, want %d", name, got, n)
		}
	}
}

func TestRunValuesAndSecondRunDoesNothing(t *testing.T) {
	p, ids := testPlan(t)
	out := t.TempDir()
	for range 2 {
		if err := Run(t.Context(), p, out, Options{Jobs: 2}); err != nil {
			t.Fatal(err)
		}
		wantCalls(t, out, ids, map[string]int{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1})
	}
	for name, want := range map[string]float64{"a": 2, "b": 3, "c": 12, "d": 112, "e": 1003} {
		if got := value(t, out, ids[name]); got != want {
			t.Errorf("%s = %g, want %g", name, got, want)
		}
	}
	var cfg Job
	b, _ := os.ReadFile(filepath.Join(RunDir(out, ids["d"]), configFile))
	if err := json.Unmarshal(b, &cfg); err != nil || cfg.ID != ids["d"] || cfg.Kind != "test/sum" || cfg.Version != "1" || len(cfg.Deps) != 1 || cfg.Deps[0] != ids["c"] {
		t.Errorf("config.json of d: %s (%v)", b, err)
	}
	b, _ = os.ReadFile(filepath.Join(RunDir(out, ids["e"]), metricsFile))
	var m struct {
		Detail struct {
			Deps int
			Name string
		}
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Detail.Deps != 1 || m.Detail.Name != "e" {
		t.Errorf("metrics.json of e holds no nested detail: %s (%v)", b, err)
	}
	if q, err := Load(filepath.Join(out, planFile)); err != nil || len(q.Jobs) != 5 {
		t.Errorf("Run's plan.json: %v", err)
	}
}

func TestDeletingMetricsRerunsTheJobAndItsDependants(t *testing.T) {
	p, ids := testPlan(t)
	out := t.TempDir()
	if err := Run(t.Context(), p, out, Options{}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(RunDir(out, ids["c"]), metricsFile))
	leftover := filepath.Join(RunDir(out, ids["d"]), "stale.txt")
	os.WriteFile(leftover, []byte("from the old c"), 0o644)
	if err := Run(t.Context(), p, out, Options{}); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, out, ids, map[string]int{"a": 1, "b": 1, "c": 2, "d": 2, "e": 1})
	if _, err := os.Stat(leftover); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("d's old file survived c's rerun: %v", err)
	}
	if got := value(t, out, ids["d"]); got != 112 {
		t.Errorf("d = %g after the rerun, want 112", got)
	}

	// The same through RunOne: running c again deletes d's directory.
	os.Remove(filepath.Join(RunDir(out, ids["c"]), metricsFile))
	os.WriteFile(leftover, []byte("from the old c"), 0o644)
	planPath := filepath.Join(out, planFile)
	if err := RunOne(t.Context(), planPath, p.Index(ids["c"]), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(RunDir(out, ids["d"])); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("RunOne of c left d's old directory: %v", err)
	}
	if err := RunOne(t.Context(), planPath, p.Index(ids["d"]), Options{}); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, out, ids, map[string]int{"a": 1, "b": 1, "c": 3, "d": 3, "e": 1})
}

var errCrash = errors.New("simulated crash")

// TestFailedJobIsNotDone: a job that wrote files and then failed is not done,
// stops the scheduling of the jobs after it, and runs again (resuming in its
// kept directory) on the next Run.
func TestFailedJobIsNotDone(t *testing.T) {
	p, ids := testPlan(t)
	out := t.TempDir()
	setHook(t, out, func(ctx context.Context, env *Env) error {
		if env.ID != ids["c"] {
			return nil
		}
		if _, err := os.Stat(env.Path("partial.txt")); err == nil {
			return nil // the second attempt finds its first one's file and resumes
		}
		if err := writeText(env, "partial.txt", "half"); err != nil {
			return err
		}
		return errCrash
	})
	err := Run(t.Context(), p, out, Options{Jobs: 1})
	if !errors.Is(err, errCrash) || !strings.Contains(err.Error(), ids["c"]) || !strings.Contains(err.Error(), "test/sum") {
		t.Fatalf("Run: %v; want the crash, naming c's id and kind", err)
	}
	if Done(out, ids["c"]) {
		t.Fatal("the failed job is done")
	}
	// Plan order a, b, c, d, e on one worker: c's failure stops d and e.
	wantCalls(t, out, ids, map[string]int{"a": 1, "b": 1, "c": 1, "d": 0, "e": 0})
	if err := Run(t.Context(), p, out, Options{Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, out, ids, map[string]int{"a": 1, "b": 1, "c": 2, "d": 1, "e": 1})
}

// TestCancelledJobIsNotDone: cancelling ctx while a job runs stops Run with
// context.Canceled, leaves the job not done, and the next Run finishes it.
func TestCancelledJobIsNotDone(t *testing.T) {
	p, ids := testPlan(t)
	out := t.TempDir()
	started := make(chan struct{})
	setHook(t, out, func(ctx context.Context, env *Env) error {
		if env.ID != ids["d"] {
			return nil
		}
		if err := writeText(env, "checkpoint.txt", "step 5"); err != nil {
			return err
		}
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-started; cancel() }()
	err := Run(ctx, p, out, Options{Jobs: 2})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), ids["d"]) {
		t.Fatalf("Run: %v; want context.Canceled naming d", err)
	}
	if Done(out, ids["d"]) {
		t.Fatal("the cancelled job is done")
	}
	if _, err := os.Stat(filepath.Join(RunDir(out, ids["d"]), "checkpoint.txt")); err != nil {
		t.Fatalf("the cancelled job's checkpoint is gone: %v", err)
	}
	setHook(t, out, nil)
	if err := Run(t.Context(), p, out, Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, out, ids, map[string]int{"a": 1, "c": 1, "d": 2})
	if err := Run(ctx, p, out, Options{}); err != nil {
		t.Errorf("a cancelled context with nothing to run: %v", err)
	}
}

func TestPanicAndVersionMismatchAreErrors(t *testing.T) {
	p, ids := testPlan(t)
	out := t.TempDir()
	setHook(t, out, func(ctx context.Context, env *Env) error {
		if env.ID == ids["b"] {
			panic("bad job")
		}
		return nil
	})
	if err := Run(t.Context(), p, out, Options{}); err == nil || !strings.Contains(err.Error(), "panic: bad job") || !strings.Contains(err.Error(), ids["b"]) {
		t.Errorf("panicking job: %v", err)
	}
	// A plan written when test/const was at version 0.
	cfg := json.RawMessage(`{"name":"old","value":0}`)
	old := Job{ID: jobID("test/const", "0", cfg, nil), Kind: "test/const", Version: "0", Config: cfg, Deps: []string{}}
	err := Run(t.Context(), &Plan{Jobs: []Job{old}}, t.TempDir(), Options{})
	if err == nil || !strings.Contains(err.Error(), `planned with version "0"`) || !strings.Contains(err.Error(), old.ID) {
		t.Errorf("old version: %v", err)
	}
}

// TestConcurrentRunRespectsDeps runs a root, a wide layer and a sink on 3
// workers: the wide layer must reach 3 jobs at once and never more, and every
// job must start after all its dependencies ended.
func TestConcurrentRunRespectsDeps(t *testing.T) {
	const workers, wide = 3, 7
	p := &Plan{}
	root, err := p.Add("test/const", constConfig{"root", 1})
	if err != nil {
		t.Fatal(err)
	}
	var layer []string
	for k := range wide {
		id, err := p.Add("test/sum", sumConfig{fmt.Sprint("w", k), float64(k)}, root)
		if err != nil {
			t.Fatal(err)
		}
		layer = append(layer, id)
	}
	sink, err := p.Add("test/sum", sumConfig{"sink", 0}, layer...)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var (
		mu               sync.Mutex
		running, maxSeen int
		clock            int
		start, end       = map[string]int{}, map[string]int{}
		full             = make(chan struct{})
	)
	setHook(t, out, func(ctx context.Context, env *Env) error {
		mu.Lock()
		clock++
		start[env.ID] = clock
		running++
		maxSeen = max(maxSeen, running)
		if running == workers {
			select {
			case <-full:
			default:
				close(full)
			}
		}
		mu.Unlock()
		if env.Kind == "test/sum" && env.ID != sink {
			select { // hold the first wide jobs until the pool is full
			case <-full:
			case <-time.After(10 * time.Second):
				return fmt.Errorf("the pool never ran %d jobs at once", workers)
			}
			// Stay running a while: a pool that starts too many jobs is caught here.
			time.Sleep(30 * time.Millisecond)
		}
		mu.Lock()
		clock++
		end[env.ID] = clock
		running--
		mu.Unlock()
		return nil
	})
	if err := Run(t.Context(), p, out, Options{Jobs: workers, Threads: 1}); err != nil {
		t.Fatal(err)
	}
	if maxSeen != workers {
		t.Errorf("%d jobs ran at once, want %d", maxSeen, workers)
	}
	for _, j := range p.Jobs {
		for _, d := range j.Deps {
			if start[j.ID] < end[d] {
				t.Errorf("job %s started at %d, before its dependency %s ended at %d", j.ID, start[j.ID], d, end[d])
			}
		}
	}
	if got, want := value(t, out, sink), float64(wide+wide*(wide-1)/2); got != want {
		t.Errorf("sink = %g, want %g", got, want)
	}
}
