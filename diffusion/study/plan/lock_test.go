package plan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log two goroutines may write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// blockJob makes job id under out wait, once started, until release is
// closed (or 10 s pass: a deadlock fails the test instead of hanging it).
func blockJob(t *testing.T, out, id string) (started, release chan struct{}) {
	started, release = make(chan struct{}), make(chan struct{})
	var once sync.Once
	setHook(t, out, func(ctx context.Context, env *Env) error {
		if env.ID != id {
			return nil
		}
		once.Do(func() { close(started) })
		select {
		case <-release:
			return nil
		case <-time.After(10 * time.Second):
			return errors.New("never released")
		}
	})
	return started, release
}

// TestSecondRunOnTheSameFolderRefuses: while one Run works in a folder, a
// second refuses at once (ErrLocked, naming the lock and the holder's pid)
// and runs nothing; once the first is done, a rerun works and runs nothing
// again.
func TestSecondRunOnTheSameFolderRefuses(t *testing.T) {
	if !lockSupported {
		t.Skip("no file locking on this platform")
	}
	p, ids := testPlan(t)
	out := t.TempDir()
	started, release := blockJob(t, out, ids["d"])
	first := make(chan error, 1)
	go func() { first <- Run(t.Context(), p, out, Options{Jobs: 2}) }()
	<-started
	t0 := time.Now()
	err := Run(t.Context(), p, out, Options{Jobs: 2})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), filepath.Join(out, lockFile)) ||
		!strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Errorf("second Run: %v; want ErrLocked naming %s and process %d", err, lockFile, os.Getpid())
	}
	if d := time.Since(t0); d > time.Second {
		t.Errorf("the second Run took %s to refuse; it must not wait", d)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := Run(t.Context(), p, out, Options{Jobs: 2}); err != nil {
		t.Fatalf("Run after the first finished: %v", err)
	}
	wantCalls(t, out, ids, map[string]int{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1})
	if b, _ := os.ReadFile(filepath.Join(out, lockFile)); len(b) != 0 {
		t.Errorf("the released lock file still names a holder: %q", b)
	}
}

// TestRunOneWaitsForRun: a RunOne on a folder a Run works in waits (saying
// so) until the Run is done, then finds its job done and runs nothing.
func TestRunOneWaitsForRun(t *testing.T) {
	if !lockSupported {
		t.Skip("no file locking on this platform")
	}
	p, ids := testPlan(t)
	out := t.TempDir()
	started, release := blockJob(t, out, ids["d"])
	first := make(chan error, 1)
	go func() { first <- Run(t.Context(), p, out, Options{Jobs: 1}) }()
	<-started
	var log syncBuffer
	second := make(chan error, 1)
	go func() {
		second <- RunOne(t.Context(), filepath.Join(out, planFile), p.Index(ids["d"]), Options{Log: &log})
	}()
	select {
	case err := <-second:
		t.Fatalf("RunOne returned (%v) while Run held the folder", err)
	case <-time.After(3 * lockPoll):
	}
	if !strings.Contains(log.String(), "waiting for "+filepath.Join(out, lockFile)) {
		t.Errorf("RunOne's log does not say it waits: %q", log.String())
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	wantCalls(t, out, ids, map[string]int{"d": 1})
	if !strings.Contains(log.String(), "already done") {
		t.Errorf("RunOne ran the job Run had done: %q", log.String())
	}

	// A cancelled wait is an error naming the lock.
	started2, release2 := blockJob(t, out, ids["a"])
	if err := os.Remove(filepath.Join(RunDir(out, ids["a"]), metricsFile)); err != nil {
		t.Fatal(err)
	}
	go func() { first <- Run(t.Context(), p, out, Options{Jobs: 1}) }()
	<-started2
	ctx, cancel := context.WithTimeout(t.Context(), 2*lockPoll)
	defer cancel()
	err := RunOne(ctx, filepath.Join(out, planFile), p.Index(ids["b"]), Options{})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), lockFile) {
		t.Errorf("cancelled wait: %v; want DeadlineExceeded naming the lock", err)
	}
	close(release2)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
}

// TestRunOneTasksRunSideBySide: RunOne holds the lock shared, so two array
// tasks on one folder run at the same time (job a waits for job b to
// start: under an exclusive lock this would deadlock).
func TestRunOneTasksRunSideBySide(t *testing.T) {
	p, ids := testPlan(t)
	out := t.TempDir()
	planPath := filepath.Join(out, planFile)
	if err := p.Save(planPath); err != nil {
		t.Fatal(err)
	}
	bStarted := make(chan struct{})
	setHook(t, out, func(ctx context.Context, env *Env) error {
		switch env.ID {
		case ids["b"]:
			close(bStarted)
		case ids["a"]:
			select {
			case <-bStarted:
			case <-time.After(5 * time.Second):
				return errors.New("job b never started beside job a")
			}
		}
		return nil
	})
	errs := make(chan error, 2)
	for _, name := range []string{"a", "b"} {
		go func() { errs <- RunOne(t.Context(), planPath, p.Index(ids[name]), Options{}) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestReadOnlyOutputFolderFailsBeforeAnyWork: a folder no file can be
// created in is an error naming it before any job runs or any file is
// written. As root, permissions do not stop writes, so the folder is a
// read-only tmpfs (behind HARMONIC_FAULTS=1: it needs mount(8)); otherwise
// its mode is 0555.
func TestReadOnlyOutputFolderFailsBeforeAnyWork(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if os.Getenv("HARMONIC_FAULTS") == "" {
			t.Skip("as root a read-only folder needs a read-only mount: set HARMONIC_FAULTS=1")
		}
		if b, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", out).CombinedOutput(); err != nil {
			t.Fatalf("mount: %v: %s", err, b)
		}
		t.Cleanup(func() { exec.Command("umount", out).Run() })
	} else {
		if err := os.Chmod(out, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(out, 0o755) })
	}
	p, ids := testPlan(t)
	for _, run := range []func() error{
		func() error { return Run(t.Context(), p, out, Options{}) },
		func() error { return RunOne(t.Context(), filepath.Join(out, planFile), 0, Options{}) },
	} {
		err := run()
		if err == nil {
			t.Fatal("no error on a read-only output folder")
		}
		t.Logf("error: %v", err)
	}
	err := Run(t.Context(), p, out, Options{})
	if !strings.Contains(err.Error(), "the output folder "+out+" is not writable") {
		t.Errorf("Run: %v; want it to say %s is not writable", err, out)
	}
	wantCalls(t, out, ids, map[string]int{"a": 0, "b": 0})
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("files written into the read-only folder: %v", entries)
	}
}

// TestInterruptedWritesTemporariesAreRemoved: the temporary files a killed
// job left in its directory are gone when it runs again; its checkpoint stays.
func TestInterruptedWritesTemporariesAreRemoved(t *testing.T) {
	p, ids := testPlan(t)
	out := t.TempDir()
	if err := Run(t.Context(), p, out, Options{}); err != nil {
		t.Fatal(err)
	}
	dir := RunDir(out, ids["d"])
	if err := os.Remove(filepath.Join(dir, metricsFile)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".sum.txt.tmp123456", "checkpoint.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// And one of the report, which the study writes after Run.
	if err := os.MkdirAll(filepath.Join(out, "tables"), 0o755); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(out, "tables", ".slopes.csv.tmp42")
	if err := os.WriteFile(report, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	if err := Run(t.Context(), p, out, Options{Log: &log}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".sum.txt.tmp123456")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoint.txt")); err != nil {
		t.Errorf("the job's own file is gone: %v", err)
	}
	if _, err := os.Stat(report); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the report's temporary file is still there: %v", err)
	}
	if !strings.Contains(log.String(), "removed 2 temporary file(s) of an interrupted run under "+out) {
		t.Errorf("the log does not say so: %q", log.String())
	}
	// RunOne, sharing the folder with other tasks, cleans only its job.
	if err := os.Remove(filepath.Join(dir, metricsFile)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{report, filepath.Join(dir, ".sum.txt.tmp7")} {
		if err := os.WriteFile(path, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := RunOne(t.Context(), filepath.Join(out, planFile), p.Index(ids["d"]), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".sum.txt.tmp7")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("RunOne left its job's temporary file: %v", err)
	}
	if _, err := os.Stat(report); err != nil {
		t.Errorf("RunOne removed a file outside its job: %v", err)
	}
}
