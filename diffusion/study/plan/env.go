package plan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/harmonic-go/harmonic/internal/atomicfile"
)

// The files every job directory holds; a job's own files take other names.
const (
	runsDir     = "runs"
	configFile  = "config.json"
	metricsFile = "metrics.json"
	planFile    = "plan.json"
)

// RunDir is job id's output directory under out: out/runs/<id>.
func RunDir(out, id string) string { return filepath.Join(out, runsDir, id) }

// Done reports whether job id under out is done: its metrics.json exists.
func Done(out, id string) bool {
	_, err := os.Stat(filepath.Join(RunDir(out, id), metricsFile))
	return err == nil
}

// Env is what a running job sees. Its methods are safe for concurrent use.
type Env struct {
	ID, Kind string
	Dir      string // OUT/runs/<id>: everything the job writes goes here
	Threads  int    // threads the job may use (its share of the machine)
	Deps     []Dep  // the job's dependencies, in the order its Deps lists them

	config json.RawMessage
	log    *logger
	mu     sync.Mutex
	values map[string]any
}

// Dep is a finished dependency: where its files are and what it measured.
type Dep struct {
	ID, Kind string
	Dir      string
	Metrics  map[string]json.RawMessage // its metrics.json
}

// Metric decodes the dependency's metric name into v.
func (d Dep) Metric(name string, v any) error {
	raw, ok := d.Metrics[name]
	if !ok {
		return fmt.Errorf("dependency %s (%s) has no metric %q", d.ID, d.Kind, name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("dependency %s (%s): metric %q: %w", d.ID, d.Kind, name, err)
	}
	return nil
}

// Config decodes the job's config into v (a pointer to the kind's config
// struct); a field v does not have is an error.
func (e *Env) Config(v any) error {
	if err := decodeStrict(e.config, v); err != nil {
		return fmt.Errorf("job %s (%s): config: %w", e.ID, e.Kind, err)
	}
	return nil
}

// Path is the path of the job's file name (slash-separated, relative to Dir).
func (e *Env) Path(name string) string { return filepath.Join(e.Dir, filepath.FromSlash(name)) }

// WriteFile writes the job's file name atomically (see internal/atomicfile),
// creating its directory. config.json and metrics.json belong to the executor.
func (e *Env) WriteFile(name string, write func(w io.Writer) error) error {
	path := e.Path(name)
	if rel, err := filepath.Rel(e.Dir, path); err != nil || !filepath.IsLocal(rel) || rel == configFile || rel == metricsFile {
		return fmt.Errorf("job %s (%s): cannot write file %q: not a job file", e.ID, e.Kind, name)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, write)
}

// SetMetric records the metric name (a number, or any value json.Marshal
// accepts) for metrics.json, which is written when run returns nil.
func (e *Env) SetMetric(name string, v any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.values[name] = v
}

// Logf writes one progress line tagged with the job's ID and kind.
func (e *Env) Logf(format string, args ...any) {
	e.log.printf("[%s %s] "+format, append([]any{e.ID, e.Kind}, args...)...)
}

// logger serializes the lines of concurrent jobs onto one writer.
type logger struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *logger) printf(format string, args ...any) {
	if l.w == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

// execute runs job i of p (at is p.positions()) under out: its dependencies must be done. It writes
// config.json, calls the kind's run, and writes metrics.json last.
func execute(ctx context.Context, p *Plan, at map[string]int, i int, out string, threads int, log *logger) error {
	j := p.Jobs[i]
	k, err := checkKind(j)
	if err != nil {
		return err
	}
	env := &Env{ID: j.ID, Kind: j.Kind, Dir: RunDir(out, j.ID), Threads: threads, config: j.Config, log: log, values: map[string]any{}}
	for _, id := range j.Deps {
		d := p.Jobs[at[id]]
		dep := Dep{ID: d.ID, Kind: d.Kind, Dir: RunDir(out, d.ID)}
		b, err := os.ReadFile(filepath.Join(dep.Dir, metricsFile))
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: %s has no %s", ErrNotReady, p.name(at[id]), metricsFile)
		}
		if err == nil {
			err = json.Unmarshal(b, &dep.Metrics)
		}
		if err != nil {
			return fmt.Errorf("dependency %s: %w", p.name(at[id]), err)
		}
		env.Deps = append(env.Deps, dep)
	}
	if err := os.MkdirAll(env.Dir, 0o755); err != nil {
		return err
	}
	// A run killed in the middle of an atomic write (kill -9, a lost node)
	// left its temporary file: never read, but as big as the file (a whole
	// checkpoint). The folder's lock says no other process writes here.
	if n, err := atomicfile.RemoveTemps(env.Dir); err != nil {
		return err
	} else if n > 0 {
		env.Logf("removed %d temporary file(s) of an interrupted run", n)
	}
	cfg, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(env.Dir, configFile), append(cfg, '\n')); err != nil {
		return err
	}
	if err := callRun(ctx, k.run, env); err != nil {
		return err
	}
	return writeMetrics(env)
}

// callRun turns a panic in a job into its error, so one bad job stops the
// plan cleanly instead of killing the jobs running beside it.
func callRun(ctx context.Context, run RunFunc, env *Env) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return run(ctx, env)
}

// writeMetrics writes metrics.json, the mark of a finished job, atomically.
func writeMetrics(env *Env) error {
	env.mu.Lock()
	defer env.mu.Unlock()
	names := make([]string, 0, len(env.values))
	for n := range env.values {
		names = append(names, n)
	}
	sort.Strings(names)
	m := make(map[string]json.RawMessage, len(names))
	for _, n := range names {
		b, err := json.Marshal(env.values[n])
		if err != nil {
			return fmt.Errorf("metric %q: %w", n, err)
		}
		m[n] = b
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(env.Dir, metricsFile), append(b, '\n'))
}
