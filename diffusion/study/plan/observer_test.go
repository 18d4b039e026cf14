package plan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// recorder is an Observer writing what it hears as "planned a b", "start a",
// "done a" or "failed a" lines, jobs named by the test plan's names.
type recorder struct {
	names  map[string]string // id → name
	p      *Plan
	events []string
}

func (r *recorder) name(i int) string { return r.names[r.p.Jobs[i].ID] }

func (r *recorder) Planned(p *Plan, toRun []int) {
	r.p = p
	var ns []string
	for _, i := range toRun {
		ns = append(ns, r.name(i))
	}
	r.events = append(r.events, "planned "+strings.Join(ns, " "))
}

func (r *recorder) Started(i int) { r.events = append(r.events, "start "+r.name(i)) }

func (r *recorder) Finished(i int, err error) {
	if err != nil {
		r.events = append(r.events, "failed "+r.name(i))
		return
	}
	r.events = append(r.events, "done "+r.name(i))
}

func TestObserverHearsEveryJobToRunOnceInOrder(t *testing.T) {
	p, ids := testPlan(t)
	names := map[string]string{}
	for n, id := range ids {
		names[id] = n
	}
	out := t.TempDir()
	r := &recorder{names: names}
	if err := Run(t.Context(), p, out, Options{Jobs: 1, Observer: r}); err != nil {
		t.Fatal(err)
	}
	// One at a time: a and b are ready first; c (needs a) then e (needs b)
	// become ready as they finish, and d (needs c) last.
	want := []string{"planned a b c d e", "start a", "done a", "start b", "done b", "start c", "done c", "start e", "done e", "start d", "done d"}
	if !slices.Equal(r.events, want) {
		t.Errorf("events\n%q\nwant\n%q", r.events, want)
	}

	// Rerun after c's outputs vanish: c and d run again, a failing d is reported.
	r = &recorder{names: names}
	if err := removeMetrics(out, ids["c"]); err != nil {
		t.Fatal(err)
	}
	setHook(t, out, func(ctx context.Context, env *Env) error {
		if env.ID == ids["d"] {
			return errors.New("d broke")
		}
		return nil
	})
	if err := Run(t.Context(), p, out, Options{Jobs: 1, Observer: r}); err == nil {
		t.Fatal("want d's error")
	}
	want = []string{"planned c d", "start c", "done c", "start d", "failed d"}
	if !slices.Equal(r.events, want) {
		t.Errorf("rerun events\n%q\nwant\n%q", r.events, want)
	}
}

func TestEstimateIsTheRegisteredCost(t *testing.T) {
	p, ids := testPlan(t)
	for name, want := range map[string]struct {
		sec float64
		ok  bool
	}{"a": {2, true}, "b": {3, true}, "c": {0, false}} {
		j := p.Jobs[p.Index(ids[name])]
		sec, ok, err := Estimate(j)
		if err != nil || sec != want.sec || ok != want.ok {
			t.Errorf("Estimate(%s) = %g, %v, %v; want %g, %v", name, sec, ok, err, want.sec, want.ok)
		}
	}
	j := p.Jobs[0]
	j.Kind = "test/unknown"
	if _, _, err := Estimate(j); err == nil || !strings.Contains(err.Error(), "test/unknown") {
		t.Errorf("unknown kind: %v", err)
	}
}

func removeMetrics(out, id string) error {
	if !Done(out, id) {
		return fmt.Errorf("job %s is not done", id)
	}
	return os.Remove(filepath.Join(RunDir(out, id), metricsFile))
}
