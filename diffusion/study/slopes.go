package study

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// SlopeResult is one dataset's test PSNR curve and its small-σ slope
// (claims A.4–A.6).
type SlopeResult struct {
	Name    string
	Data    string
	Shuffle bool
	Curve   metrics.Table // test PSNR at slope and evaluation σs
	Slope   float64       // d PSNR_out / d PSNR_in, least squares over the fit range
	// SlopeLo, SlopeHi bound the bootstrap interval over images (95%).
	SlopeLo, SlopeHi float64
	// FitLo, FitHi are the fit range's σ bounds; ByRule is false when the
	// fit-range rule found no range and the preset's slope σs were used,
	// Window true when the range is the rule's steepest minimal window.
	FitLo, FitHi float64
	ByRule       bool
	Window       bool
	Optimal      float64 // α/(α+1), 1 for disks, NaN when unknown
	Paper        float64 // the paper's measured slope, NaN when none
}

// paperSlopes are the paper's measured C^α slopes (docs/study.md, study A,
// claim 4).
var paperSlopes = map[float64]float64{1: 0.46, 2: 0.61, 3: 0.75, 5: 0.83}

// FitSlope is the least-squares slope of y on x.
func FitSlope(x, y []float64) float64 {
	n := float64(len(x))
	if len(x) < 2 {
		return math.NaN()
	}
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// slopeSpec is one slope experiment: its name in the report, its model
// and the optimal slope (NaN when unknown).
type slopeSpec struct {
	name string
	spec ModelSpec
	opt  float64
}

// slopeSpecs are the models of the slope experiments: C^α for each α, disks,
// and the shuffled version of the sweep's data.
func (p Preset) slopeSpecs() []slopeSpec {
	var out []slopeSpec
	add := func(name, data string, shuffle bool, opt float64) {
		out = append(out, slopeSpec{name, p.Spec(data, shuffle, "S1", p.SlopeN), opt})
	}
	for _, a := range p.Alphas {
		add(fmt.Sprintf("C^α, α=%g", a), fmt.Sprintf("cmix:%g", a), false, a/(a+1))
	}
	if p.AAContour {
		for _, a := range p.Alphas {
			add(fmt.Sprintf("C^α, α=%g, area-coverage contour", a), fmt.Sprintf("cmix:%g:aa", a), false, a/(a+1))
		}
	}
	add("disks", "disks", false, 1)
	add("shuffled "+p.Data, p.Data, true, math.NaN())
	// The unshuffled counterpart of the shuffled model, unless it is one
	// of the models above already (the same spec would be listed twice).
	if !containsData(p.Alphas, p.Data) && p.Data != "disks" {
		add(p.Data, p.Data, false, math.NaN())
	}
	return out
}

func containsData(alphas []float64, spec string) bool {
	for _, a := range alphas {
		if fmt.Sprintf("cmix:%g", a) == spec {
			return true
		}
	}
	return false
}

// kindSlope is the test PSNR curve of one slope model (its one
// dependency, a gahb-train job) and its small-σ slope: metrics "curve"
// (metrics.Table) and "slope".
const kindSlope = "gahb-slope"

type slopeConfig struct {
	Model ModelSpec `json:"model"`
	// Sigmas are the slope σs then the evaluation σs. The fit range is
	// chosen from the whole curve by the fit-range rule (ChooseFitRange);
	// the first FitPoints rows are its fallback.
	Sigmas    []float64 `json:"sigmas"`
	FitPoints int       `json:"fit_points"`
	NEval     int       `json:"n_eval"`
	Seed      uint64    `json:"seed"` // the preset's: the noise draws use Seed+13
}

// Version 3: the fit-range rule's steepest-window step.
func init() { plan.Register(kindSlope, "3", runSlope) }

func runSlope(ctx context.Context, env *plan.Env) error {
	var c slopeConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	net, err := depNet(env, 0)
	if err != nil {
		return err
	}
	ds, err := openData(c.Model.Train)
	if err != nil {
		return err
	}
	if c.FitPoints > len(c.Sigmas) {
		return fmt.Errorf("job %s: fit_points %d > %d sigmas", env.ID, c.FitPoints, len(c.Sigmas))
	}
	env.Logf("test PSNR curve of %s", c.Model.Label())
	curve, per, err := metrics.EvaluatePerImage(ctx, denoise.Blind(net), "test", evalSet(ds.Test, c.NEval), c.Sigmas, c.Seed+13)
	if err != nil {
		return err
	}
	fr, err := ChooseFitRange(curve, c.FitPoints)
	if err != nil {
		return fmt.Errorf("job %s: %w", env.ID, err)
	}
	lo, hi, err := SlopeInterval(per, fr.Index, bootstrapB, bootstrapLevel, c.Seed+17)
	if err != nil {
		return fmt.Errorf("job %s: %w", env.ID, err)
	}
	if err := env.WriteFile("per_image.json", func(w io.Writer) error { return json.NewEncoder(w).Encode(per) }); err != nil {
		return err
	}
	env.SetMetric("curve", curve)
	env.SetMetric("slope", FitOn(curve, fr.Index))
	env.SetMetric("slope_lo", lo)
	env.SetMetric("slope_hi", hi)
	env.SetMetric("fit_sigma_lo", fr.LoSig)
	env.SetMetric("fit_sigma_hi", fr.HiSig)
	env.SetMetric("fit_by_rule", fr.ByRule)
	env.SetMetric("fit_window", fr.Window)
	return nil
}

// slopeFit is what a slope job measured of its curve: the slope, its
// bootstrap interval and the fit range.
type slopeFit struct {
	Slope, Lo, Hi, FitLo, FitHi float64
	ByRule, Window              bool
}

// slopeResult is the result of the slope model s from its job's curve and
// slope, with the name, optimum and paper value of the experiment.
func slopeResult(s slopeSpec, curve metrics.Table, fit slopeFit) *SlopeResult {
	v := &SlopeResult{Name: s.name, Data: s.spec.Train.Data, Shuffle: s.spec.Train.Shuffle, Curve: curve, Slope: fit.Slope, Optimal: s.opt, Paper: math.NaN(),
		SlopeLo: fit.Lo, SlopeHi: fit.Hi, FitLo: fit.FitLo, FitHi: fit.FitHi, ByRule: fit.ByRule, Window: fit.Window}
	if strings.HasPrefix(s.spec.Train.Data, "cmix:") && !s.spec.Train.Shuffle {
		var a float64
		fmt.Sscanf(s.spec.Train.Data, "cmix:%g", &a)
		if ps, ok := paperSlopes[a]; ok {
			v.Paper = ps
		}
	}
	return v
}

// psnrOutAt is r's test output PSNR at noise level sigma (NaN if not measured).
func psnrOutAt(r *SlopeResult, sigma float64) float64 {
	if row := rowAt(r.Curve, sigma); row != nil {
		return row.PSNROut
	}
	return math.NaN()
}

// WriteSlopes saves the slope table and the test PSNR curves.
func WriteSlopes(out string, res []*SlopeResult, size int) (*report.Table, error) {
	t := &report.Table{Header: []string{"data", "measured slope", "95% interval (bootstrap over images)", "fit range σ", "optimal", "paper measured", "PSNR out at σ=0.05 (dB)"}}
	p := &report.Plot{Title: "test PSNR: output vs input (fit range chosen per curve)", XLabel: "input PSNR (dB)", YLabel: "output PSNR (dB)", LegendBottom: true}
	for _, r := range res {
		ps := "—"
		if !math.IsNaN(r.Paper) {
			ps = report.Fmt(r.Paper, 2)
		}
		opt := "—"
		if !math.IsNaN(r.Optimal) {
			opt = report.Fmt(r.Optimal, 2)
		}
		rng := fmt.Sprintf("%g–%g", r.FitLo, r.FitHi)
		switch {
		case !r.ByRule:
			rng += " (fallback: the preset's slope σs)"
		case r.Window:
			rng += fmt.Sprintf(" (steepest %d-point window)", fitMinPoints)
		}
		t.Add(r.Name, report.Fmt(r.Slope, 3), "["+report.Fmt(r.SlopeLo, 3)+", "+report.Fmt(r.SlopeHi, 3)+"]", rng, opt, ps, report.Fmt(psnrOutAt(r, 0.05), 2))
		ser := report.Series{Name: fmt.Sprintf("%s (slope %.2f)", r.Name, r.Slope), Markers: true}
		for _, row := range sortedByInput(r.Curve) {
			ser.X, ser.Y = append(ser.X, row.PSNRIn), append(ser.Y, row.PSNROut)
		}
		p.Series = append(p.Series, ser)
	}
	// The disks' optimum: MSE = 5σ² in total, i.e. PSNR_out = PSNR_in + 10 log10(d/5).
	gain := 10 * math.Log10(float64(size*size)/5)
	for _, r := range res {
		if r.Data == "disks" {
			c := sortedByInput(r.Curve)
			lo, hi := c[0].PSNRIn, c[len(c)-1].PSNRIn
			p.Series = append(p.Series, report.Series{Name: "disks optimum (MSE 5σ²)", X: []float64{lo, hi}, Y: []float64{lo + gain, hi + gain}, Dashed: true})
		}
	}
	if err := p.Save(out + "/figures/psnr_slopes.png"); err != nil {
		return nil, err
	}
	return t, t.WriteCSV(out + "/tables/slopes.csv")
}

func sortedByInput(t metrics.Table) metrics.Table {
	c := append(metrics.Table{}, t...)
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].PSNRIn < c[j-1].PSNRIn; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c
}
