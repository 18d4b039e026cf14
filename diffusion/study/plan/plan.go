package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/harmonic-go/harmonic/internal/atomicfile"
)

// Plan is a DAG of jobs, in the form OUT/plan.json holds.
type Plan struct {
	Jobs []Job `json:"jobs"`
}

// Add appends the job of kind with config and deps, which must be IDs of jobs
// already in the plan, and returns its ID. Adding a job that is already in
// the plan (same kind, version, config and deps) returns its ID and adds
// nothing: two parts of a study needing the same model share one job.
func (p *Plan) Add(kind string, config any, deps ...string) (string, error) {
	at := p.positions()
	for _, d := range deps {
		if _, ok := at[d]; !ok {
			return "", fmt.Errorf("plan: a %s job depends on %s, which is not in the plan (add it first)", kind, d)
		}
	}
	j, err := NewJob(kind, config, deps...)
	if err != nil {
		return "", err
	}
	if _, ok := at[j.ID]; !ok {
		p.Jobs = append(p.Jobs, j)
	}
	return j.ID, nil
}

// Index returns the position of job id in p.Jobs (its --index), or -1.
func (p *Plan) Index(id string) int {
	if i, ok := p.positions()[id]; ok {
		return i
	}
	return -1
}

// positions maps each ID to its first position in p.Jobs.
func (p *Plan) positions() map[string]int {
	at := make(map[string]int, len(p.Jobs))
	for i, j := range p.Jobs {
		if _, dup := at[j.ID]; !dup {
			at[j.ID] = i
		}
	}
	return at
}

// name is how errors refer to job i.
func (p *Plan) name(i int) string {
	return fmt.Sprintf("%s (%s, index %d)", p.Jobs[i].ID, p.Jobs[i].Kind, i)
}

// Validate checks that every ID is well formed, unique and the hash of its
// job's kind, version, config and deps, that every dependency is in the plan,
// and that there is no cycle. Errors name the jobs involved.
func (p *Plan) Validate() error {
	at := map[string]int{}
	for i, j := range p.Jobs {
		if !validID(j.ID) {
			return fmt.Errorf("plan: job %d (%s): id %q is not %d hex digits", i, j.Kind, j.ID, idLength)
		}
		if k, dup := at[j.ID]; dup {
			return fmt.Errorf("plan: jobs %d and %d have the same id %s", k, i, j.ID)
		}
		at[j.ID] = i
	}
	for i, j := range p.Jobs {
		seen := map[string]bool{}
		for _, d := range j.Deps {
			if _, ok := at[d]; !ok {
				return fmt.Errorf("plan: job %s depends on %s, which is not in the plan", p.name(i), d)
			}
			if seen[d] {
				return fmt.Errorf("plan: job %s lists dependency %s twice", p.name(i), d)
			}
			seen[d] = true
		}
	}
	if _, err := p.Order(); err != nil {
		return err
	}
	for i, j := range p.Jobs {
		canon, err := canonical(j.Config)
		if err != nil {
			return fmt.Errorf("plan: job %s: config: %w", p.name(i), err)
		}
		if want := jobID(j.Kind, j.Version, canon, j.Deps); want != j.ID {
			return fmt.Errorf("plan: job %s: its kind, version, config and deps hash to %s, not to its id (edited by hand?)", p.name(i), want)
		}
	}
	return nil
}

// Order returns the positions of p.Jobs in a topological order (every job
// after its dependencies; otherwise plan order), or an error naming a
// dependency cycle or an unknown dependency.
func (p *Plan) Order() ([]int, error) {
	at := p.positions()
	const (
		unseen = iota
		visiting
		finished
	)
	state := make([]int, len(p.Jobs))
	order := make([]int, 0, len(p.Jobs))
	var stack []int
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case finished:
			return nil
		case visiting: // i is on the stack: the cycle is the stack from i on, back to i
			pos := len(stack) - 1
			for stack[pos] != i {
				pos--
			}
			var names []string
			for _, k := range append(stack[pos:], i) {
				names = append(names, p.name(k))
			}
			return fmt.Errorf("plan: dependency cycle: %s", strings.Join(names, " needs "))
		}
		state[i] = visiting
		stack = append(stack, i)
		for _, d := range p.Jobs[i].Deps {
			k, ok := at[d]
			if !ok {
				return fmt.Errorf("plan: job %s depends on %s, which is not in the plan", p.name(i), d)
			}
			if err := visit(k); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = finished
		order = append(order, i)
		return nil
	}
	for i := range p.Jobs {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// dependants returns, for each job, the positions of the jobs listing it as a dependency.
func (p *Plan) dependants() [][]int {
	at := p.positions()
	out := make([][]int, len(p.Jobs))
	for i, j := range p.Jobs {
		for _, d := range j.Deps {
			out[at[d]] = append(out[at[d]], i)
		}
	}
	return out
}

// Save validates p and writes it to path atomically, creating the directory.
func (p *Plan) Save(path string) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// Load reads and validates a plan written by Save.
func Load(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Parse decodes and validates the bytes of a plan.json.
func Parse(b []byte) (*Plan, error) {
	var p Plan
	if err := decodeStrict(b, &p); err != nil {
		return nil, err
	}
	for i := range p.Jobs {
		var err error
		if p.Jobs[i].Config, err = canonical(p.Jobs[i].Config); err != nil {
			return nil, fmt.Errorf("job %d: config: %w", i, err)
		}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// decodeStrict decodes one JSON value into v, rejecting fields v does not
// have: a config written for other code must not be half understood.
func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("more than one JSON value")
	}
	return nil
}
