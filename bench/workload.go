package bench

import (
	"fmt"
	"sort"
	"strings"
)

// A Workload is one named, timed task. Its names match those of the PyTorch
// reference script's table (torch_reference.py bench, see docs/reproduce.md)
// exactly, so the two tables can be joined row by row.
type Workload struct {
	Name string
	// Prepare builds the inputs (untimed) and returns the function that one
	// repetition times.
	Prepare func() (run func(), err error)
}

// parametric workloads take their sizes from the name, e.g. "gemm 64x576x25600".
type parametric struct {
	prefix  string
	example string
	build   func(args string) (Workload, error)
}

var (
	named    []Workload
	families []parametric
)

func register(w Workload) struct{} {
	named = append(named, w)
	return struct{}{}
}

func registerFamily(p parametric) struct{} {
	families = append(families, p)
	return struct{}{}
}

// Defaults are the workloads run when none is named.
var Defaults = []string{"gemm 1024x1024x1024", "gemm 64x576x25600"}

// Names lists every fixed workload name and one example of each parametric family.
func Names() []string {
	var out []string
	for _, w := range named {
		out = append(out, w.Name)
	}
	for _, p := range families {
		out = append(out, p.example)
	}
	sort.Strings(out)
	return out
}

// Lookup resolves each query to workloads: a parametric name ("gemm 512x512x512"),
// an exact name, or otherwise every workload whose name contains the query (as
// torch_reference.py --only does).
func Lookup(queries []string) ([]Workload, error) {
	var out []Workload
	seen := map[string]bool{}
	add := func(w Workload) {
		if !seen[w.Name] {
			seen[w.Name] = true
			out = append(out, w)
		}
	}
	for _, q := range queries {
		found, err := lookupOne(q)
		if err != nil {
			return nil, err
		}
		for _, w := range found {
			add(w)
		}
	}
	return out, nil
}

func lookupOne(q string) ([]Workload, error) {
	for _, p := range families {
		if strings.HasPrefix(q, p.prefix) {
			w, err := p.build(strings.TrimPrefix(q, p.prefix))
			return []Workload{w}, err
		}
	}
	var found []Workload
	for _, w := range named {
		if w.Name == q {
			return []Workload{w}, nil
		}
		if strings.Contains(w.Name, q) {
			found = append(found, w)
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("no workload matches %q; known: %s", q, strings.Join(Names(), "; "))
	}
	return found, nil
}
