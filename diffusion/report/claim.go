package report

import "fmt"

// The three verdicts a claim can get. A claim whose numbers are missing
// (a part of the study that did not run, too few converged samples) is not
// measured: it is neither confirmed nor refuted.
const (
	Holds       = "holds"
	DoesNotHold = "does not hold"
	NotMeasured = "not measured"
)

// Claim is one statement of a study judged from measured numbers: Evidence
// holds the named numbers its verdict rests on, and nothing else decides it.
type Claim struct {
	ID        string             `json:"id"`
	Statement string             `json:"statement"`
	Verdict   string             `json:"verdict"`
	Evidence  map[string]float64 `json:"evidence"`
}

// Judge is the verdict of a test that could be evaluated (holds or does not
// hold).
func Judge(ok bool) string {
	if ok {
		return Holds
	}
	return DoesNotHold
}

// AllOf is the verdict of a claim made of several parts, each with its own
// verdict: it does not hold if one part does not, holds if every part
// holds, and is not measured otherwise (a part missing, none refuted).
func AllOf(parts ...string) string {
	v := Holds
	for _, p := range parts {
		switch p {
		case DoesNotHold:
			return DoesNotHold
		case NotMeasured:
			v = NotMeasured
		}
	}
	return v
}

// WriteClaims writes claims as a JSON list of {"id", "statement",
// "verdict", "evidence"} atomically.
func WriteClaims(path string, claims []Claim) error {
	if claims == nil {
		claims = []Claim{}
	}
	for _, c := range claims {
		if c.Verdict != Holds && c.Verdict != DoesNotHold && c.Verdict != NotMeasured {
			return fmt.Errorf("report: claim %s has verdict %q (want %q, %q or %q)", c.ID, c.Verdict, Holds, DoesNotHold, NotMeasured)
		}
	}
	return WriteJSON(path, claims)
}

// ClaimTable is the summary table of claims: id, statement, what was
// measured (one sentence per claim, in the order of claims) and verdict.
func ClaimTable(claims []Claim, measured []string) *Table {
	t := &Table{Header: []string{"claim", "statement", "measured", "verdict"}}
	for i, c := range claims {
		m := ""
		if i < len(measured) {
			m = measured[i]
		}
		t.Add(c.ID, c.Statement, m, "**"+c.Verdict+"**")
	}
	return t
}
