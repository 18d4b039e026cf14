package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// RunFunc does one job's work: it reads env's config and dependencies, writes
// its files under env.Dir and reports numbers with env.SetMetric. It must
// honour ctx (return soon after it is cancelled) and write every file
// atomically; its outputs must depend only on the config, the dependencies'
// outputs and its code, never on env.Threads.
type RunFunc func(ctx context.Context, env *Env) error

type kindInfo struct {
	version string
	run     RunFunc
	cost    func(config json.RawMessage) (float64, error)
}

// The registry is filled by init functions and read afterwards, as database/sql's drivers are.
var registry = struct {
	sync.RWMutex
	kinds map[string]*kindInfo
}{kinds: map[string]*kindInfo{}}

// Register makes a job kind known under name with its code's version: bump
// version whenever the code changes what its jobs write, so their IDs change
// and nothing is reused from the old code. Call it from an init function.
// Kind and version are 1–64 characters of [A-Za-z0-9._:/-]; an invalid name,
// a nil run or a kind registered twice is a programming error and panics.
func Register(kind, version string, run RunFunc) {
	if !validName(kind) || !validName(version) || run == nil {
		panic(fmt.Sprintf("plan.Register(%q, %q): kind and version must be 1-64 characters of [A-Za-z0-9._:/-] and run non-nil", kind, version))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.kinds[kind]; dup {
		panic(fmt.Sprintf("plan.Register: kind %q registered twice", kind))
	}
	registry.kinds[kind] = &kindInfo{version: version, run: run}
}

// RegisterCost gives a registered kind an estimate of one job's cost (wall
// seconds on the job's threads) from its config, decoded into a C as
// Env.Config would; Summarize sums it. It panics if kind is not registered or
// already has a cost.
func RegisterCost[C any](kind string, cost func(config C) (float64, error)) {
	registry.Lock()
	defer registry.Unlock()
	k, ok := registry.kinds[kind]
	if !ok || k.cost != nil || cost == nil {
		panic(fmt.Sprintf("plan.RegisterCost(%q): kind not registered, cost already set, or nil", kind))
	}
	k.cost = func(raw json.RawMessage) (float64, error) {
		var c C
		if err := decodeStrict(raw, &c); err != nil {
			return 0, err
		}
		return cost(c)
	}
}

// Estimate is job j's estimated cost in wall seconds on one thread, as
// Summarize sums it; ok is false when its kind registers no cost.
func Estimate(j Job) (seconds float64, ok bool, err error) {
	k, err := checkKind(j)
	if err != nil || k.cost == nil {
		return 0, false, err
	}
	sec, err := k.cost(j.Config)
	if err != nil {
		return 0, false, fmt.Errorf("job %s (%s): cost: %w", j.ID, j.Kind, err)
	}
	return sec, true, nil
}

// lookup finds a registered kind; the error lists the kinds this binary has.
func lookup(kind string) (*kindInfo, error) {
	registry.RLock()
	defer registry.RUnlock()
	if k, ok := registry.kinds[kind]; ok {
		return k, nil
	}
	names := make([]string, 0, len(registry.kinds))
	for n := range registry.kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("plan: job kind %q is not registered in this binary (registered: %s)", kind, strings.Join(names, ", "))
}

// checkKind finds the code of job j and checks it is the version j was planned with.
func checkKind(j Job) (*kindInfo, error) {
	k, err := lookup(j.Kind)
	if err != nil {
		return nil, fmt.Errorf("job %s: %w", j.ID, err)
	}
	if k.version != j.Version {
		return nil, fmt.Errorf("job %s (%s) was planned with version %q of its kind, this binary has %q: plan again", j.ID, j.Kind, j.Version, k.version)
	}
	return k, nil
}

func validName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("._:/-", c)) {
			return false
		}
	}
	return true
}
