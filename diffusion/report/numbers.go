package report

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Numbers are a study's measured values by name, the only input of its
// claims. Set drops NaN and ±Inf (a value that was not measured), so a
// missing name and an unmeasurable value mean the same: not measured.
type Numbers map[string]float64

// Set records v under name if it is finite.
func (n Numbers) Set(name string, v float64) {
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		n[name] = v
	}
}

// Get returns the value of name and whether it was measured.
func (n Numbers) Get(name string) (float64, bool) {
	v, ok := n[name]
	return v, ok
}

// Value is the value of name, NaN when not measured (Fmt prints n/a).
func (n Numbers) Value(name string) float64 {
	if v, ok := n[name]; ok {
		return v
	}
	return math.NaN()
}

// Has reports whether every name was measured.
func (n Numbers) Has(names ...string) bool {
	for _, name := range names {
		if _, ok := n[name]; !ok {
			return false
		}
	}
	return true
}

// Pick is the subset of n under the given names (those measured), the
// evidence of a claim; never nil, so it encodes as {} in JSON.
func (n Numbers) Pick(names ...string) map[string]float64 {
	out := map[string]float64{}
	for _, name := range names {
		if v, ok := n[name]; ok {
			out[name] = v
		}
	}
	return out
}

// Indexed is one number of a family named prefix + parameter + suffix
// (e.g. "gap_db_N" + "100" + ""): the parameter as written (Key) and
// parsed (Param), the full name and the value.
type Indexed struct {
	Key   string
	Param float64
	Name  string
	Value float64
}

// Family lists the numbers named prefix<parameter>suffix, the parameter a
// number, in increasing order of the parameter.
func (n Numbers) Family(prefix, suffix string) []Indexed {
	var out []Indexed
	for name, v := range n {
		mid, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		if mid, ok = strings.CutSuffix(mid, suffix); !ok || mid == "" {
			continue
		}
		p, err := strconv.ParseFloat(mid, 64)
		if err != nil {
			continue
		}
		out = append(out, Indexed{Key: mid, Param: p, Name: name, Value: v})
	}
	slices.SortFunc(out, func(a, b Indexed) int { return cmp.Compare(a.Param, b.Param) })
	return out
}
