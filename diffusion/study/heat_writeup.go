package study

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// RunHeat runs (or resumes) study C into out: it plans it (PlanHeat), runs
// the jobs not done under out/runs, then reads every job's metrics back and
// writes the figures, tables, metrics.json, claims.json and the report.
func RunHeat(ctx context.Context, p HeatPreset, out string, opt Options) (*HeatResults, error) {
	start := time.Now()
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	hp, err := planHeat(p)
	if err != nil {
		return nil, err
	}
	if err := checkHeatData(p); err != nil {
		return nil, err
	}
	jobs := opt.jobsAtOnce()
	fmt.Fprintf(log, "heat study, preset %s: %d datasets, %d jobs in all, output in %s\n", p.Name, len(p.Datasets), len(hp.Jobs), out)
	if err := runPlan(ctx, hp.Plan, out, opt, log); err != nil {
		return nil, err
	}
	return finishHeat(p, out, out, hp, jobs, start, log)
}

// checkHeatData opens every dataset of p, with labels where a classifier
// trains on them, before any job runs.
func checkHeatData(p HeatPreset) error {
	for _, d := range p.Datasets {
		ds, err := openData(dataOnly(d.trainConfig(p.Seed)))
		if err != nil {
			return fmt.Errorf("study: heat dataset %s: %w", d.Label(), err)
		}
		if d.ClassifierSteps > 0 && (ds.TrainLabels == nil || ds.TestLabels == nil) {
			return fmt.Errorf("study: heat dataset %s has no labels to train the classifier on (mnist and fashion-mnist have them)", d.Label())
		}
	}
	return nil
}

// finishHeat reads the results of hp's jobs under runs (the folder of their
// runs/) and writes the report into out.
func finishHeat(p HeatPreset, runs, out string, hp *heatPlan, jobs int, start time.Time, log io.Writer) (*HeatResults, error) {
	res, err := collectHeat(p, runs, hp)
	if err != nil {
		return nil, err
	}
	res.Jobs = jobs
	res.Wall = time.Since(start)
	if err := WriteHeat(out, res); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "done in %s: %s\n", res.Wall.Round(time.Second), filepath.Join(out, "report.html"))
	return res, nil
}

// WriteHeat writes every figure and table of a run, metrics.json,
// claims.json (study C's claims judged from the numbers) and the report.
func WriteHeat(out string, res *HeatResults) error {
	p := res.Preset
	doc := &report.Doc{Dir: out}
	doc.H1("Generative modelling with inverse heat dissipation: reproduction")
	doc.P("Rissanen, Heinonen & Solin (ICLR 2023), study C of docs/study.md, rerun by `harmonic study heat --preset %s` on %d dataset(s). "+
		"Per dataset a time-conditioned UNet (tc-unet) is trained with the heat objective (k ~ U{1..K}, input noise σ = 0.01, target the "+
		"next-sharper level) and sampled from the KDE prior. Training time summed over the networks: %s; wall time of this invocation: %s "+
		"(jobs found done under runs/ are reused).",
		p.Name, len(p.Datasets), (time.Duration(res.TrainSeconds) * time.Second).Round(time.Second), res.Wall.Round(time.Second))
	if p.Name == smokeName {
		doc.P("**Smoke preset**: tiny images, networks and step counts that only check that the pipeline (plan, jobs, report) runs end to end. " +
			"Its numbers and verdicts are not claimed to mean anything about the study.")
	}
	n := heatNumbers(res)
	claims := heatClaims(n)
	text := map[string]string{}
	for _, c := range claims {
		text[c.ID] = c.Text
	}
	models := &report.Table{Header: []string{"dataset", "size", "training / test images", "K", "σ_max", "tc-unet", "steps × batch", "final loss", "classifier test accuracy"}}
	for k, d := range res.Datasets {
		if d.Data.SpectraOnly {
			models.Add(fmt.Sprintf("%d: %s", k, d.Data.Label()), fmt.Sprintf("%d×%d", d.Data.Size, d.Data.Size), fmt.Sprintf("%d / %d", d.Data.NTrain, d.Data.NTest),
				d.Data.K, d.Data.SigmaMax, spectraOnly, "", "", "")
			continue
		}
		loss, acc := "not measured", "no classifier (no labels)"
		if d.FinalLoss != nil {
			loss = f3(*d.FinalLoss)
		}
		if d.Data.ClassifierSteps > 0 {
			acc = fmtPtr(d.TestAccuracy)
		}
		models.Add(fmt.Sprintf("%d: %s", k, d.Data.Label()), fmt.Sprintf("%d×%d", d.Data.Size, d.Data.Size), fmt.Sprintf("%d / %d", d.Data.NTrain, d.Data.NTest),
			d.Data.K, d.Data.SigmaMax, fmt.Sprintf("base %d, mult %v", d.Data.Base, d.Data.Mult), fmt.Sprintf("%d × %d", d.Data.Steps, d.Data.Batch), loss, acc)
	}
	doc.Table(models)
	if err := writeHeatSpectra(doc, out, res); err != nil {
		return err
	}
	doc.P("%s.", text["C.1"])
	doc.P("%s.", text["C.2"])
	if err := writeHeatSamples(doc, out, res); err != nil {
		return err
	}
	doc.P("%s.", text["C.3"])
	doc.P("%s.", text["C.4"])
	doc.H2("Summary: which claims hold at this scale")
	list := make([]report.Claim, len(claims))
	measured := make([]string, len(claims))
	for i, c := range claims {
		list[i], measured[i] = c.Claim, c.Text
	}
	doc.Table(report.ClaimTable(list, measured))
	doc.P("The claims with the numbers each verdict rests on are in `claims.json`; every named number is in `metrics.json`, the spectra in `tables/`.")
	if err := report.WriteClaims(filepath.Join(out, "claims.json"), list); err != nil {
		return err
	}
	if err := report.WriteJSON(filepath.Join(out, "metrics.json"), n); err != nil {
		return err
	}
	return doc.Save("Inverse heat dissipation reproduction (" + p.Name + ")")
}

// spectraOnly says what a spectra-only dataset lacks.
const spectraOnly = "spectra only at this preset (no network trained, no samples)"

func writeHeatSpectra(doc *report.Doc, out string, res *HeatResults) error {
	doc.H2("1. Spectra: the implicit coarse-to-fine")
	doc.P("Radially averaged PSD (|DFT|²/(H·W) per channel, mean removed; frequency in cycles per image side) of the training images on [0,1] " +
		"pixels, of the same images with N(0, σ²) noise (flat floor σ², dashed) and blurred by the heat schedule to levels about a quarter, half " +
		"and all of the way to K. The slope is fitted by least squares in log-log over the frequencies [2, S/2]; the crossover is the " +
		"frequency where the floor σ² first meets the data's PSD (linear in log-log between bins).")
	csv := &report.Table{Header: []string{"dataset", "spectrum", "frequency", "power"}}
	cross := &report.Table{Header: []string{"dataset", "σ", "crossover frequency"}}
	measured := false
	for k, d := range res.Datasets {
		ps := d.PSD
		if ps == nil {
			doc.P("%s: %s", d.Data.Label(), notRun)
			continue
		}
		measured = true
		plot := &report.Plot{Title: fmt.Sprintf("%s: radially averaged PSD (slope %s)", d.Data.Label(), f2(ps.Slope)), XLabel: "frequency (cycles per image side)",
			YLabel: "power", LogX: true, LogY: true}
		add := func(name string, power []float64, dashed bool) {
			s := report.Series{Name: name, Dashed: dashed}
			for i, f := range ps.Freq {
				if f > 0 && i < len(power) && power[i] > 0 {
					s.X, s.Y = append(s.X, f), append(s.Y, power[i])
					csv.Add(d.Data.Label(), name, f, power[i])
				}
			}
			plot.Series = append(plot.Series, s)
		}
		add("data", ps.Power, false)
		for i, s := range ps.Sigmas {
			add(fmt.Sprintf("noise σ=%g", s), ps.NoisyPower[i], true)
			cross.Add(d.Data.Label(), s, fmtPtr(ps.Crossover[i]))
		}
		for i, t := range ps.BlurTimes {
			add(fmt.Sprintf("blur t=%.3g", t), ps.BlurPower[i], false)
		}
		fig := fmt.Sprintf("figures/psd_d%d.png", k)
		if err := plot.Save(filepath.Join(out, fig)); err != nil {
			return err
		}
		doc.Figure(fig, fmt.Sprintf("%s: PSD of %d training images, with noise (dashed; floors σ² = %v) and blurred. Noise lifts the high "+
			"frequencies first, blur removes them first: both erase detail from fine to coarse.", d.Data.Label(), ps.Images, ps.Sigmas))
	}
	if !measured {
		doc.P(notRun)
		return nil
	}
	doc.Table(cross)
	return csv.WriteCSV(filepath.Join(out, "tables", "psd.csv"))
}

func writeHeatSamples(doc *report.Doc, out string, res *HeatResults) error {
	doc.H2("2. Samples, with and without the prior noise")
	doc.P("The sampler: u_K = blur_K(a training image) + δz (the prior noise; off reproduces the released code, which adds none), then for "+
		"k = K..1: μ = u + f(u, k), u = μ + δz with δ = 1.25σ = 0.0125; the last μ, clipped to [0,1], is the sample. %d samples each way "+
		"from the same training images and step noise. Novelty ratio: a sample's distance to its nearest training image over the training "+
		"set's median nearest-neighbour distance (held-out test images are the reference: their median is near 1). Confidence, Fréchet "+
		"distance and precision/recall (k = 3, against the test images) are on the features of the small classifier harmonic trains on "+
		"the data's labels. **This is not the paper's FID**: FID uses an ImageNet-trained Inception-v3 whose weights are on no registry "+
		"harmonic downloads from, so no Inception FID can be computed here and these Fréchet distances are not comparable with published FIDs.",
		res.Preset.Samples)
	measured := false
	for k, d := range res.Datasets {
		s := d.Sample
		if d.Data.SpectraOnly {
			doc.P("%s: %s.", d.Data.Label(), spectraOnly)
			continue
		}
		if s == nil {
			doc.P("%s: %s", d.Data.Label(), notRun)
			continue
		}
		measured = true
		tab := &report.Table{Header: []string{"", "median novelty ratio", "PSD slope", "classifier confidence", "Fréchet distance", "precision", "recall"}}
		cell := func(name string) string {
			if v, ok := s[name]; ok {
				return f3(v)
			}
			return "not measured"
		}
		tab.Add("test images", cell("test_novelty_median"), cell("test_psd_slope"), cell("test_confidence"), "", "", "")
		for _, m := range priorModes {
			label := "samples, prior noise on"
			if !m.noise {
				label = "samples, prior noise off (released code)"
			}
			tab.Add(label, cell(m.name+"_novelty_median"), cell(m.name+"_psd_slope"), cell(m.name+"_confidence"), cell(m.name+"_frechet"),
				cell(m.name+"_precision"), cell(m.name+"_recall"))
		}
		doc.P("**%s**", d.Data.Label())
		doc.Table(tab)
		doc.P("Effect of the prior noise (on → off): %s.", priorEffect(s))
		if err := tab.WriteCSV(filepath.Join(out, "tables", fmt.Sprintf("samples_d%d.csv", k))); err != nil {
			return err
		}
		if err := writeSamplePSD(doc, out, k, d); err != nil {
			return err
		}
		for _, m := range priorModes {
			rel, err := copyFigure(out, filepath.Join(d.SampleDir, m.file), fmt.Sprintf("%s_d%d.png", m.name, k))
			if err != nil {
				return err
			}
			doc.Figure(rel, fmt.Sprintf("%s: samples with the prior noise %s.", d.Data.Label(), map[bool]string{true: "on", false: "off"}[m.noise]))
		}
		if v, ok := s["interp_step_ratio"]; ok {
			rel, err := copyFigure(out, filepath.Join(d.SampleDir, heatStripsFile), fmt.Sprintf("interpolations_d%d.png", k))
			if err != nil {
				return err
			}
			doc.Figure(rel, fmt.Sprintf("%s: interpolations between two prior draws (blurred images mixed linearly, every noise image on the sphere), "+
				"one strip per row; the largest step between frames is %s× the strip's median at worst.", d.Data.Label(), f2(v)))
		}
	}
	if !measured {
		doc.P(notRun)
	}
	return nil
}

// writeSamplePSD plots the radially averaged PSD of dataset k's samples
// (prior noise on and off) over that of its test images, and writes the
// curves to tables/samples_psd_d<k>.csv. A sampler that got the
// frequencies right has its curve on the data's at every frequency, not
// only the same fitted slope.
func writeSamplePSD(doc *report.Doc, out string, k int, d *HeatDataResult) error {
	if len(d.SamplePSD) == 0 {
		return nil
	}
	plot := &report.Plot{Title: d.Data.Label() + ": PSD of samples against test images", XLabel: "frequency (cycles per image side)",
		YLabel: "power", LogX: true, LogY: true}
	csv := &report.Table{Header: []string{"spectrum", "frequency", "power"}}
	labels := map[string]string{"test_psd_power": "test images", "prior_on_psd_power": "samples, prior noise on",
		"prior_off_psd_power": "samples, prior noise off"}
	for _, name := range heatSamplePSDs() {
		s := report.Series{Name: labels[name], Dashed: name != "test_psd_power"}
		for i, f := range d.SamplePSDFreq {
			if p := d.SamplePSD[name]; f > 0 && i < len(p) && p[i] > 0 {
				s.X, s.Y = append(s.X, f), append(s.Y, p[i])
				csv.Add(labels[name], f, p[i])
			}
		}
		plot.Series = append(plot.Series, s)
	}
	fig := fmt.Sprintf("figures/samples_psd_d%d.png", k)
	if err := plot.Save(filepath.Join(out, fig)); err != nil {
		return err
	}
	doc.Figure(fig, fmt.Sprintf("%s: radially averaged PSD of the samples (dashed, clipped to [0,1]) over that of the held-out test images "+
		"(solid): where a dashed curve lies above the solid one the samples carry more power at that frequency than the data "+
		"(noise left in), below it less (detail missing).", d.Data.Label()))
	return csv.WriteCSV(filepath.Join(out, "tables", fmt.Sprintf("samples_psd_d%d.csv", k)))
}

// priorEffect states each measured number of the samples with the prior
// noise on and off side by side.
func priorEffect(s map[string]float64) string {
	var parts []string
	for _, m := range []struct{ key, label string }{{"novelty_median", "median novelty ratio"}, {"psd_slope", "PSD slope"},
		{"confidence", "confidence"}, {"frechet", "Fréchet distance"}, {"precision", "precision"}, {"recall", "recall"}} {
		on, okOn := s["prior_on_"+m.key]
		off, okOff := s["prior_off_"+m.key]
		if okOn && okOff {
			parts = append(parts, fmt.Sprintf("%s %s → %s", m.label, f3(on), f3(off)))
		}
	}
	if len(parts) == 0 {
		return "not measured"
	}
	return strings.Join(parts, ", ")
}
