package plan

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Summary is what a plan would cost to run: the --plan-only report.
type Summary struct {
	Jobs, ToRun int
	Seconds     float64 // estimated cost of the jobs to run, summed over those whose kind has a cost
	Unestimated int     // jobs to run whose kind registers no cost
	Kinds       []KindSummary
}

// KindSummary is Summary restricted to one kind.
type KindSummary struct {
	Kind        string
	Jobs, ToRun int
	Seconds     float64
	Estimated   bool // the kind registers a cost
}

// Summarize counts p's jobs and the ones Run would run under out (all of
// them if out is ""), and sums the estimated cost of the latter (see
// RegisterCost). It writes nothing.
func Summarize(p *Plan, out string) (Summary, error) {
	if err := p.Validate(); err != nil {
		return Summary{}, err
	}
	order, err := p.Order()
	if err != nil {
		return Summary{}, err
	}
	stale := staleJobs(p, order, out)
	if out == "" {
		for i := range stale {
			stale[i] = true
		}
	}
	s := Summary{Jobs: len(p.Jobs)}
	byKind := map[string]*KindSummary{}
	for i, j := range p.Jobs {
		k, err := checkKind(j)
		if err != nil {
			return Summary{}, err
		}
		ks := byKind[j.Kind]
		if ks == nil {
			ks = &KindSummary{Kind: j.Kind, Estimated: k.cost != nil}
			byKind[j.Kind] = ks
		}
		ks.Jobs++
		if !stale[i] {
			continue
		}
		s.ToRun++
		ks.ToRun++
		if k.cost == nil {
			s.Unestimated++
			continue
		}
		sec, err := k.cost(j.Config)
		if err != nil {
			return Summary{}, fmt.Errorf("job %s: cost: %w", p.name(i), err)
		}
		ks.Seconds += sec
		s.Seconds += sec
	}
	for _, ks := range byKind {
		s.Kinds = append(s.Kinds, *ks)
	}
	sort.Slice(s.Kinds, func(a, b int) bool { return s.Kinds[a].Kind < s.Kinds[b].Kind })
	return s, nil
}

// String is a table of the summary, one line per kind.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d jobs, %d to run, estimated %s", s.Jobs, s.ToRun, seconds(s.Seconds))
	if s.Unestimated > 0 {
		fmt.Fprintf(&b, " (plus %d jobs without an estimate)", s.Unestimated)
	}
	b.WriteString("\n")
	width := len("kind")
	for _, k := range s.Kinds {
		width = max(width, len(k.Kind))
	}
	fmt.Fprintf(&b, "  %-*s %6s %7s %9s\n", width, "kind", "jobs", "to run", "estimate")
	for _, k := range s.Kinds {
		est := "-"
		if k.Estimated {
			est = seconds(k.Seconds)
		}
		fmt.Fprintf(&b, "  %-*s %6d %7d %9s\n", width, k.Kind, k.Jobs, k.ToRun, est)
	}
	return b.String()
}

func seconds(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}
