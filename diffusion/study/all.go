package study

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// AllPreset is the preset of `harmonic study all`: each study's preset of
// the same name, their plans run as one.
type AllPreset struct {
	Name     string
	GAHB     Preset
	Locality LocalityPreset
	Heat     HeatPreset
}

// AllPresetByName returns the smoke, quick or full preset of every study.
func AllPresetByName(name string) (AllPreset, error) {
	a, errA := PresetByName(name)
	b, errB := LocalityPresetByName(name)
	c, errC := HeatPresetByName(name)
	if errA != nil || errB != nil || errC != nil {
		return AllPreset{}, fmt.Errorf("study: unknown preset %q (want smoke, quick or full)", name)
	}
	return AllPreset{Name: name, GAHB: a, Locality: b, Heat: c}, nil
}

// allPart is one study of a combined run: the folder its report goes to
// (also its `harmonic study NAME`), its plan, the checks its own command
// makes before any work, and how its report is written from the jobs' outputs.
type allPart struct {
	name, title string
	plan        *plan.Plan
	check       func() error
	finish      func(runs, out string, jobs int, start time.Time, log io.Writer) (claims []judged, numbers report.Numbers, err error)
}

// parts plans the three studies of a.
func (a AllPreset) parts() ([]allPart, error) {
	gp, err := planGAHB(a.GAHB)
	if err != nil {
		return nil, err
	}
	lp, err := planLocality(a.Locality)
	if err != nil {
		return nil, err
	}
	hp, err := planHeat(a.Heat)
	if err != nil {
		return nil, err
	}
	return []allPart{
		{"gahb", "A. Kadkhodaie, Guth, Simoncelli & Mallat (ICLR 2024): generalization arises from geometry-adaptive harmonic representations", gp.Plan,
			func() error { _, err := data.ParseSpec(a.GAHB.Data); return err },
			func(runs, out string, jobs int, start time.Time, log io.Writer) ([]judged, report.Numbers, error) {
				res, err := finishGAHB(a.GAHB, runs, out, gp, jobs, start, log)
				if err != nil {
					return nil, nil, err
				}
				n := gahbNumbers(res)
				return gahbClaims(n), n, nil
			}},
		{"locality", "B. Lukoianov, Yuan, Solomon & Sitzmann (NeurIPS 2025): locality of denoisers emerges from data statistics", lp.Plan,
			func() error { return checkLocalityData(a.Locality) },
			func(runs, out string, jobs int, start time.Time, log io.Writer) ([]judged, report.Numbers, error) {
				res, err := finishLocality(a.Locality, runs, out, lp, jobs, start, log)
				if err != nil {
					return nil, nil, err
				}
				n := localityNumbers(res)
				return localityClaims(n), n, nil
			}},
		{"heat", "C. Rissanen, Heinonen & Solin (ICLR 2023): generative modelling with inverse heat dissipation", hp.Plan,
			func() error { return checkHeatData(a.Heat) },
			func(runs, out string, jobs int, start time.Time, log io.Writer) ([]judged, report.Numbers, error) {
				res, err := finishHeat(a.Heat, runs, out, hp, jobs, start, log)
				if err != nil {
					return nil, nil, err
				}
				n := heatNumbers(res)
				return heatClaims(n), n, nil
			}},
	}, nil
}

// Check makes the checks each study's command makes before any work (its
// datasets open, with labels where a classifier needs them).
func (a AllPreset) Check() error {
	parts, err := a.parts()
	if err != nil {
		return err
	}
	return checkParts(parts)
}

func checkParts(parts []allPart) error {
	for _, pt := range parts {
		if err := pt.check(); err != nil {
			return fmt.Errorf("study %s: %w", pt.name, err)
		}
	}
	return nil
}

// PlanAll is every study's plan of a as one DAG (see mergePlans).
func PlanAll(a AllPreset) (*plan.Plan, error) {
	parts, err := a.parts()
	if err != nil {
		return nil, err
	}
	return mergeParts(parts)
}

// mergeParts merges the parts' plans, the one with the longest estimated
// chain of jobs first: Run starts ready jobs in plan order, so the study
// that needs the most time end to end (the quick preset's one heat-train
// job) starts at once and the many short jobs fill the other core beside it.
func mergeParts(parts []allPart) (*plan.Plan, error) {
	plans := make([]*plan.Plan, len(parts))
	chain := map[*plan.Plan]float64{}
	for i, pt := range parts {
		plans[i] = pt.plan
		var err error
		if chain[pt.plan], err = longestChain(pt.plan); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(plans, func(a, b int) bool { return chain[plans[a]] > chain[plans[b]] })
	return mergePlans(plans...)
}

// longestChain is the largest sum of estimated seconds (plan.Estimate;
// jobs without one count 0) along a dependency chain of p.
func longestChain(p *plan.Plan) (float64, error) {
	order, err := p.Order()
	if err != nil {
		return 0, err
	}
	until := make(map[string]float64, len(p.Jobs)) // job ID → the longest chain ending with it
	longest := 0.0
	for _, i := range order {
		j := p.Jobs[i]
		sec, _, err := plan.Estimate(j)
		if err != nil {
			return 0, err
		}
		before := 0.0
		for _, d := range j.Deps {
			before = max(before, until[d])
		}
		until[j.ID] = before + sec
		longest = max(longest, until[j.ID])
	}
	return longest, nil
}

// mergePlans is the union of plans: their jobs in order, a job already in
// an earlier plan (the same ID: the same kind, version, config and
// dependencies) once. Each plan lists a job after its dependencies, so the
// union does too; IDs are content hashes, so a job keeps its ID, its
// outputs and its runs/<id> folder in the union.
func mergePlans(plans ...*plan.Plan) (*plan.Plan, error) {
	all := &plan.Plan{}
	seen := map[string]bool{}
	for _, p := range plans {
		for _, j := range p.Jobs {
			if !seen[j.ID] {
				seen[j.ID] = true
				all.Jobs = append(all.Jobs, j)
			}
		}
	}
	if err := all.Validate(); err != nil {
		return nil, err
	}
	return all, nil
}

// AllResults is what the index of a combined run shows.
type AllResults struct {
	Preset  string
	Jobs    int           // jobs in the combined plan
	AtOnce  int           // jobs run at a time
	Wall    time.Duration // this invocation
	Studies []StudyResult
}

// StudyResult is one study of a combined run: its report (relative to the
// output folder) and its claims judged from its named numbers.
type StudyResult struct {
	Name, Title, Report string
	Claims              []judged
	Numbers             report.Numbers
}

// RunAll runs (or resumes) every study of a into out as one plan: one
// out/plan.json, the jobs under out/runs run opt.Jobs at a time whichever
// study they belong to, then each study's report written into out/NAME as
// its own command writes it (the jobs' IDs and outputs are the same, so are
// the numbers), then out/index.html with every claim.
func RunAll(ctx context.Context, a AllPreset, out string, opt Options) (*AllResults, error) {
	start := time.Now()
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	parts, err := a.parts()
	if err != nil {
		return nil, err
	}
	if err := checkParts(parts); err != nil {
		return nil, err
	}
	pl, err := mergeParts(parts)
	if err != nil {
		return nil, err
	}
	var sizes []string
	for _, pt := range parts {
		sizes = append(sizes, fmt.Sprintf("%s %d", pt.name, len(pt.plan.Jobs)))
	}
	fmt.Fprintf(log, "all studies, preset %s: %d jobs in one plan (%s), output in %s\n", a.Name, len(pl.Jobs), strings.Join(sizes, ", "), out)
	if err := runPlan(ctx, pl, out, opt, log); err != nil {
		return nil, err
	}
	return finishAll(a, parts, len(pl.Jobs), out, opt.jobsAtOnce(), start, log)
}

// CollectAll writes every study's report and the index for preset a from
// the finished jobs under out, running none of them (the last step of a
// Slurm run, `harmonic study all --collect OUT`). A job not done is an error
// naming it, and nothing is written.
func CollectAll(a AllPreset, out string, jobs int, log io.Writer) (*AllResults, error) {
	start := time.Now()
	if log == nil {
		log = io.Discard
	}
	parts, err := a.parts()
	if err != nil {
		return nil, err
	}
	pl, err := mergeParts(parts)
	if err != nil {
		return nil, err
	}
	if err := allDone(pl, out, a.Name); err != nil {
		return nil, err
	}
	return finishAll(a, parts, len(pl.Jobs), out, jobs, start, log)
}

// allDone is nil if every job of pl is done under out, else an error naming
// the first few that are not.
func allDone(pl *plan.Plan, out, preset string) error {
	var missing []string
	for i, j := range pl.Jobs {
		if !plan.Done(out, j.ID) {
			missing = append(missing, fmt.Sprintf("%s (%s, index %d)", j.ID, j.Kind, i))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	shown := missing[:min(len(missing), 5)]
	more := ""
	if len(missing) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(missing)-len(shown))
	}
	return fmt.Errorf("collect %s: %d of %d jobs of preset %s not done: %s%s", out, len(missing), len(pl.Jobs), preset, strings.Join(shown, ", "), more)
}

// finishAll writes each study's report into out/NAME from the jobs under
// out, then the index.
func finishAll(a AllPreset, parts []allPart, jobs int, out string, atOnce int, start time.Time, log io.Writer) (*AllResults, error) {
	res := &AllResults{Preset: a.Name, Jobs: jobs, AtOnce: atOnce}
	for _, pt := range parts {
		claims, numbers, err := pt.finish(out, filepath.Join(out, pt.name), atOnce, start, log)
		if err != nil {
			return nil, fmt.Errorf("study %s: %w", pt.name, err)
		}
		res.Studies = append(res.Studies, StudyResult{Name: pt.name, Title: pt.title, Report: pt.name + "/report.html", Claims: claims, Numbers: numbers})
	}
	res.Wall = time.Since(start)
	if err := WriteIndex(out, res); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "all studies done in %s: %s\n", res.Wall.Round(time.Second), filepath.Join(out, "index.html"))
	return res, nil
}
