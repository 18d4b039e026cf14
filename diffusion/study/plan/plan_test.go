package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIDGolden pins the ID scheme: plans saved by one harmonic must name the
// same directories in the next. The golden value is `printf
// 'test/const\n1\n{"name":"a","value":1.5}\n' | sha256sum`, cut to 16 digits.
func TestIDGolden(t *testing.T) {
	j, err := NewJob("test/const", constConfig{Name: "a", Value: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	const golden = "2e860b066780e6f4"
	if j.ID != golden {
		t.Fatalf("id %s, want %s", j.ID, golden)
	}
	sum := sha256.Sum256([]byte("test/const\n1\n{\"name\":\"a\",\"value\":1.5}\n"))
	if want := hex.EncodeToString(sum[:])[:16]; j.ID != want {
		t.Fatalf("id %s, sha256 of the documented preimage gives %s", j.ID, want)
	}
	if j.Version != "1" || string(j.Config) != `{"name":"a","value":1.5}` || j.Deps == nil {
		t.Fatalf("job %+v", j)
	}
}

// TestCanonicalConfig checks that the config's encoding, not the Go value
// that produced it, decides the ID: struct and map agree, keys are sorted at
// every depth, big integers keep their digits, and HTML is not escaped.
func TestCanonicalConfig(t *testing.T) {
	fromStruct, err := NewJob("test/const", constConfig{Name: "a", Value: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	fromMap, err := NewJob("test/const", map[string]any{"value": 1.5, "name": "a"})
	if err != nil {
		t.Fatal(err)
	}
	if fromStruct.ID != fromMap.ID {
		t.Fatalf("struct gives %s, equal map gives %s", fromStruct.ID, fromMap.ID)
	}
	got, err := canonical([]byte(` { "z": {"b": [1, {"y": 2, "x": 18446744073709551615}], "a": "<&>"}, "a": 1e-7 } `))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":1e-7,"z":{"a":"<&>","b":[1,{"x":18446744073709551615,"y":2}]}}`; string(got) != want {
		t.Fatalf("canonical %s, want %s", got, want)
	}
	for _, bad := range []string{``, `{`, `{} {}`, `[1,]`} {
		if _, err := canonical([]byte(bad)); err == nil {
			t.Errorf("canonical(%q): no error", bad)
		}
	}
}

func TestIDChangesWithEveryInput(t *testing.T) {
	cfg := []byte(`{"name":"a","value":1.5}`)
	dep := strings.Repeat("0", 15) + "1"
	base := jobID("test/const", "1", cfg, nil)
	variants := map[string]string{
		"version": jobID("test/const", "2", cfg, nil),
		"config":  jobID("test/const", "1", []byte(`{"name":"a","value":1.25}`), nil),
		"kind":    jobID("test/sum", "1", cfg, nil),
		"deps":    jobID("test/const", "1", cfg, []string{dep}),
	}
	for what, id := range variants {
		if id == base {
			t.Errorf("changing the %s keeps id %s", what, id)
		}
	}
	if jobID("test/const", "1", cfg, []string{}) != base {
		t.Error("nil and empty deps give different ids")
	}
}

func fakeID(n int) string { return strings.Repeat("0", 15) + string(rune('0'+n)) }

func TestValidateErrorsNameTheJobs(t *testing.T) {
	ok, err := NewJob("test/const", constConfig{Name: "ok"})
	if err != nil {
		t.Fatal(err)
	}
	tampered := ok
	tampered.Config = []byte(`{"name":"other","value":0}`)
	cases := []struct {
		name string
		jobs []Job
		want []string
	}{
		{"unknown dep", []Job{ok, {ID: fakeID(1), Kind: "test/sum", Version: "1", Config: []byte(`{}`), Deps: []string{fakeID(9)}}},
			[]string{fakeID(1), "test/sum", fakeID(9), "not in the plan"}},
		{"cycle", []Job{
			{ID: fakeID(1), Kind: "test/sum", Config: []byte(`{}`), Deps: []string{fakeID(3)}},
			{ID: fakeID(2), Kind: "test/sum", Config: []byte(`{}`), Deps: []string{fakeID(1)}},
			{ID: fakeID(3), Kind: "test/sum", Config: []byte(`{}`), Deps: []string{fakeID(2)}},
		}, []string{"cycle", fakeID(1) + " (test/sum, index 0) needs " + fakeID(3) + " (test/sum, index 2) needs " + fakeID(2) + " (test/sum, index 1) needs " + fakeID(1)}},
		{"self dependency", []Job{{ID: fakeID(4), Kind: "test/sum", Config: []byte(`{}`), Deps: []string{fakeID(4)}}},
			[]string{"cycle", fakeID(4)}},
		{"duplicate", []Job{ok, ok}, []string{"jobs 0 and 1", ok.ID}},
		{"bad id", []Job{{ID: "../../etc", Kind: "test/const", Config: []byte(`{}`)}}, []string{`"../../etc"`, "hex"}},
		{"twice the same dep", []Job{ok, {ID: fakeID(5), Kind: "test/sum", Config: []byte(`{}`), Deps: []string{ok.ID, ok.ID}}},
			[]string{fakeID(5), "twice"}},
		{"id not matching contents", []Job{tampered}, []string{ok.ID, "hash to", "edited"}},
	}
	for _, c := range cases {
		err := (&Plan{Jobs: c.jobs}).Validate()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", c.name, err, w)
			}
		}
	}
}

// testPlan is a, b → c(a) → d(c), e(b): two chains of different depth.
func testPlan(t *testing.T) (*Plan, map[string]string) {
	t.Helper()
	p := &Plan{}
	ids := map[string]string{}
	add := func(name, kind string, config any, deps ...string) {
		var ds []string
		for _, d := range deps {
			ds = append(ds, ids[d])
		}
		id, err := p.Add(kind, config, ds...)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = id
	}
	add("a", "test/const", constConfig{"a", 2})
	add("b", "test/const", constConfig{"b", 3})
	add("c", "test/sum", sumConfig{"c", 10}, "a")
	add("d", "test/sum", sumConfig{"d", 100}, "c")
	add("e", "test/sum", sumConfig{"e", 1000}, "b")
	return p, ids
}

func TestAdd(t *testing.T) {
	p, ids := testPlan(t)
	again, err := p.Add("test/const", constConfig{"a", 2})
	if err != nil || again != ids["a"] || len(p.Jobs) != 5 {
		t.Fatalf("adding a again: id %s, %v, %d jobs; want %s and 5 jobs", again, err, len(p.Jobs), ids["a"])
	}
	if _, err := p.Add("test/sum", sumConfig{}, fakeID(7)); err == nil || !strings.Contains(err.Error(), fakeID(7)) {
		t.Errorf("unknown dependency: %v", err)
	}
	if _, err := p.Add("test/nosuch", nil); err == nil || !strings.Contains(err.Error(), `"test/nosuch" is not registered`) || !strings.Contains(err.Error(), "test/const") {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := p.Add("test/const", func() {}); err == nil {
		t.Error("config that does not marshal: no error")
	}
	order, err := p.Order()
	if err != nil || len(order) != 5 {
		t.Fatalf("order %v, %v", order, err)
	}
	for pos, i := range order { // built by Add, plan order is topological
		if i != pos {
			t.Fatalf("order %v, want plan order", order)
		}
	}
}

func TestSaveLoad(t *testing.T) {
	p, _ := testPlan(t)
	path := filepath.Join(t.TempDir(), "out", "plan.json")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	q, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Jobs) != len(p.Jobs) {
		t.Fatalf("loaded %d jobs, saved %d", len(q.Jobs), len(p.Jobs))
	}
	for i := range p.Jobs {
		a, b := p.Jobs[i], q.Jobs[i]
		if a.ID != b.ID || a.Kind != b.Kind || a.Version != b.Version || string(a.Config) != string(b.Config) || strings.Join(a.Deps, ",") != strings.Join(b.Deps, ",") {
			t.Errorf("job %d: saved %+v, loaded %+v", i, a, b)
		}
	}
	// A hand edit of a config is caught: the ID no longer matches.
	b, _ := os.ReadFile(path)
	edited := strings.Replace(string(b), `"offset": 10`, `"offset": 11`, 1)
	if edited == string(b) {
		t.Fatal("plan.json does not hold the offset as expected")
	}
	os.WriteFile(path, []byte(edited), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "edited by hand") || !strings.Contains(err.Error(), path) {
		t.Errorf("edited plan: %v", err)
	}
	os.WriteFile(path, []byte(`{"jobs": [], "extra": 1}`), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "extra") {
		t.Errorf("unknown field: %v", err)
	}
}

func TestSummarize(t *testing.T) {
	p, ids := testPlan(t)
	s, err := Summarize(p, "")
	if err != nil {
		t.Fatal(err)
	}
	// test/const costs its value: a 2 + b 3; test/sum has no estimate.
	if s.Jobs != 5 || s.ToRun != 5 || s.Seconds != 5 || s.Unestimated != 3 || len(s.Kinds) != 2 {
		t.Fatalf("summary %+v", s)
	}
	out := t.TempDir()
	if err := Run(t.Context(), p, out, Options{}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(RunDir(out, ids["a"]), metricsFile))
	if s, err = Summarize(p, out); err != nil {
		t.Fatal(err)
	}
	// a and its dependants c and d run again.
	if s.ToRun != 3 || s.Seconds != 2 || s.Unestimated != 2 {
		t.Fatalf("after deleting a's metrics: %+v", s)
	}
	text := s.String()
	for _, want := range []string{"5 jobs, 3 to run, estimated 2s (plus 2 jobs without an estimate)", "  test/const      2       1        2s\n", "  test/sum        3       2         -\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary text does not hold %q:\n%s", want, text)
		}
	}
}
