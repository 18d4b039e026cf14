package plan

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse (what Load and `harmonic job run
// --plan` read). It must never panic; a plan it accepts must survive a
// marshal/Parse round trip unchanged, and still be valid (its Order exists:
// no cycle got through).
func FuzzParse(f *testing.F) {
	var p Plan
	a, err := p.Add("test/const", constConfig{Name: "a", Value: 1.5})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := p.Add("test/sum", constConfig{Name: "b", Value: -2}, a); err != nil {
		f.Fatal(err)
	}
	seed, err := json.Marshal(&p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"jobs":[]}`))
	f.Add([]byte(`{"jobs":[{"id":"x","kind":"k","version":"1","config":{},"deps":["x"]}]}`))
	f.Add([]byte(`{"jobs":null} {}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := Parse(in)
		if err != nil {
			return
		}
		if _, err := p.Order(); err != nil {
			t.Fatalf("accepted a plan with no order: %v", err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := Parse(b)
		if err != nil {
			t.Fatalf("re-parsing our own encoding: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip changed the plan:\n%+v\n%+v", p, q)
		}
	})
}
