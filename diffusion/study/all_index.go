package study

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// verdicts are the three verdicts in the order the index counts them.
var verdicts = []string{report.Holds, report.DoesNotHold, report.NotMeasured}

// verdictCounts counts claims by verdict.
func verdictCounts(claims []judged) map[string]int {
	n := map[string]int{}
	for _, v := range verdicts {
		n[v] = 0
	}
	for _, c := range claims {
		n[c.Verdict]++
	}
	return n
}

// indexStudy is one study in the index's metrics.json.
type indexStudy struct {
	Title   string         `json:"title"`
	Report  string         `json:"report"`
	Claims  map[string]int `json:"claims"`  // claims by verdict
	Numbers report.Numbers `json:"numbers"` // the study's named numbers, its claims' only input
}

// indexMetrics is the index's metrics.json.
type indexMetrics struct {
	Preset      string                `json:"preset"`
	Jobs        int                   `json:"jobs"`
	JobsAtOnce  int                   `json:"jobs_at_once"`
	WallSeconds float64               `json:"wall_seconds"`
	Claims      map[string]int        `json:"claims"`
	Studies     map[string]indexStudy `json:"studies"`
}

// WriteIndex writes the index of a combined run into out: index.html
// (self-contained) and index.md linking each study's report, with one
// table of every study's claims, claims.json (all of them) and metrics.json
// (counts, timings and every study's named numbers).
func WriteIndex(out string, res *AllResults) error {
	doc := &report.Doc{Dir: out}
	doc.H1(fmt.Sprintf("Why diffusion models generalize: three studies rerun (preset %s)", res.Preset))
	doc.P("Written by `harmonic study all --preset %s`: the three studies' plans as one DAG of %d jobs (`plan.json`, outputs under `runs/`), "+
		"run %d at a time; wall time of this invocation: %s (jobs found done under runs/ are reused). Each study's report is in its own folder, "+
		"written as its own command writes it from the same jobs, so its numbers are those of a run of that command alone.",
		res.Preset, res.Jobs, max(res.AtOnce, 1), res.Wall.Round(time.Second))
	if res.Preset == smokeName {
		doc.P("**Smoke preset**: tiny images, networks and step counts that only check that the pipeline (plan, jobs, reports) runs end to end. " +
			"Its numbers and verdicts are not claimed to mean anything about the studies.")
	}
	studies := &report.Table{Header: []string{"study", "report", "claims", report.Holds, report.DoesNotHold, report.NotMeasured}}
	claims := &report.Table{Header: []string{"study", "claim", "statement", "verdict", "measured"}}
	var all []judged
	m := indexMetrics{Preset: res.Preset, Jobs: res.Jobs, JobsAtOnce: res.AtOnce, WallSeconds: res.Wall.Seconds(), Studies: map[string]indexStudy{}}
	for _, s := range res.Studies {
		n := verdictCounts(s.Claims)
		studies.Add(s.Title, fmt.Sprintf("[%s](%s)", s.Report, s.Report), len(s.Claims), n[report.Holds], n[report.DoesNotHold], n[report.NotMeasured])
		for _, c := range s.Claims {
			claims.Add(fmt.Sprintf("[%s](%s)", s.Name, s.Report), c.ID, c.Statement, "**"+c.Verdict+"**", c.Text)
		}
		all = append(all, s.Claims...)
		m.Studies[s.Name] = indexStudy{Title: s.Title, Report: s.Report, Claims: n, Numbers: s.Numbers}
	}
	m.Claims = verdictCounts(all)
	doc.H2("The studies")
	doc.Table(studies)
	doc.H2("Every claim")
	doc.Table(claims)
	doc.P("The claims with the numbers each verdict rests on are in `claims.json`, every study's named numbers in `metrics.json`; " +
		"docs/study.md describes the studies and their claims.")
	list := make([]report.Claim, len(all))
	for i, c := range all {
		list[i] = c.Claim
	}
	if err := report.WriteClaims(filepath.Join(out, "claims.json"), list); err != nil {
		return err
	}
	if err := report.WriteJSON(filepath.Join(out, "metrics.json"), m); err != nil {
		return err
	}
	title := "Three diffusion studies (" + res.Preset + ")"
	h, err := doc.HTML(title)
	if err != nil {
		return err
	}
	md := doc.Markdown()
	for name, text := range map[string]string{"index.md": md, "index.html": h} {
		if err := report.WriteAtomic(filepath.Join(out, name), func(w io.Writer) error {
			_, err := io.WriteString(w, text)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}
