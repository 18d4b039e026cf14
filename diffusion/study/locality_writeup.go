package study

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// RunLocality runs (or resumes) study B into out: it plans it
// (PlanLocality), runs the jobs not done under out/runs, then reads every
// job's metrics and files back and writes the figures, tables,
// metrics.json, claims.json and the report.
func RunLocality(ctx context.Context, p LocalityPreset, out string, opt Options) (*LocalityResults, error) {
	start := time.Now()
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	lp, err := planLocality(p)
	if err != nil {
		return nil, err
	}
	if err := checkLocalityData(p); err != nil {
		return nil, err
	}
	jobs := opt.jobsAtOnce()
	fmt.Fprintf(log, "locality study, preset %s: %d datasets, %d jobs in all, output in %s\n", p.Name, len(p.Datasets), len(lp.Jobs), out)
	if err := runPlan(ctx, lp.Plan, out, opt, log); err != nil {
		return nil, err
	}
	return finishLocality(p, out, out, lp, jobs, start, log)
}

// checkLocalityData opens every dataset of p (fetched, readable) before any
// job runs: a missing photo set should not surface after an hour of training.
func checkLocalityData(p LocalityPreset) error {
	for _, d := range p.Datasets {
		c := dataOnly(d.trainConfig(p.Seed))
		if _, err := openData(c); err != nil {
			return fmt.Errorf("study: locality dataset %s: %w", d.Label(), err)
		}
		for _, g := range d.WGammas {
			c.WGamma = g
			if _, err := openData(c); err != nil {
				return fmt.Errorf("study: locality dataset %s with the W (γ = %g): %w", d.Label(), g, err)
			}
		}
	}
	return nil
}

// finishLocality reads the results of lp's jobs under runs (the folder of
// their runs/) and writes the report into out.
func finishLocality(p LocalityPreset, runs, out string, lp *localityPlan, jobs int, start time.Time, log io.Writer) (*LocalityResults, error) {
	res, err := collectLocality(p, runs, lp)
	if err != nil {
		return nil, err
	}
	res.Jobs = jobs
	res.Wall = time.Since(start)
	if err := WriteLocality(out, res); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "done in %s: %s\n", res.Wall.Round(time.Second), filepath.Join(out, "report.html"))
	return res, nil
}

// WriteLocality writes every figure and table of a run, metrics.json (the
// named numbers), claims.json (study B's claims judged from them) and the
// report.
func WriteLocality(out string, res *LocalityResults) error {
	p := res.Preset
	doc := &report.Doc{Dir: out}
	doc.H1("Locality in image diffusion models emerges from data statistics: reproduction")
	doc.P("Lukoianov, Yuan, Solomon & Sitzmann (NeurIPS 2025), study B of docs/study.md, rerun by `harmonic study locality --preset %s` "+
		"on %d dataset(s). Per dataset a time-conditioned UNet (tc-unet) is trained with ε-prediction on the DDPM schedule and compared with "+
		"models built from its training set only. Training time summed over the networks: %s; wall time of this invocation: %s "+
		"(jobs found done under runs/ are reused).",
		p.Name, len(p.Datasets), (time.Duration(res.TrainSeconds) * time.Second).Round(time.Second), res.Wall.Round(time.Second))
	if p.Name == smokeName {
		doc.P("**Smoke preset**: tiny images, networks and step counts that only check that the pipeline (plan, jobs, report) runs end to end. " +
			"Its numbers and verdicts are not claimed to mean anything about the study.")
	}
	n := localityNumbers(res)
	claims := localityClaims(n)
	text := map[string]string{}
	for _, c := range claims {
		text[c.ID] = c.Text
	}
	models := &report.Table{Header: []string{"dataset", "size", "training images", "τ", "tc-unet", "steps × batch", "final loss"}}
	for k, d := range res.Datasets {
		loss := "not measured"
		if d.FinalLoss != nil {
			loss = f3(*d.FinalLoss)
		}
		models.Add(fmt.Sprintf("%d: %s", k, d.Data.Label()), fmt.Sprintf("%d×%d", d.Data.Size, d.Data.Size), d.Data.NTrain, d.Data.Tau,
			fmt.Sprintf("base %d, mult %v", d.Data.Base, d.Data.Mult), fmt.Sprintf("%d × %d", d.Data.Steps, d.Data.Batch), loss)
	}
	doc.Table(models)
	if err := writeLocFields(doc, out, res); err != nil {
		return err
	}
	doc.P("%s.", text["B.1"])
	if err := writeLocW(doc, out, res); err != nil {
		return err
	}
	doc.P("%s.", text["B.2"])
	if err := writeLocCompare(doc, out, res); err != nil {
		return err
	}
	doc.P("%s.", text["B.3"])
	doc.H2("Summary: which claims hold at this scale")
	list := make([]report.Claim, len(claims))
	measured := make([]string, len(claims))
	for i, c := range claims {
		list[i], measured[i] = c.Claim, c.Text
	}
	doc.Table(report.ClaimTable(list, measured))
	doc.P("The claims with the numbers each verdict rests on are in `claims.json`; every named number is in `metrics.json`, the curves in `tables/`.")
	if err := report.WriteClaims(filepath.Join(out, "claims.json"), list); err != nil {
		return err
	}
	if err := report.WriteJSON(filepath.Join(out, "metrics.json"), n); err != nil {
		return err
	}
	return doc.Save("Locality reproduction (" + p.Name + ")")
}

// copyFigure copies a job's figure into out/figures as name.
func copyFigure(out, src, name string) (string, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	rel := "figures/" + name
	return rel, report.WriteAtomic(filepath.Join(out, rel), func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

func writeLocFields(doc *report.Doc, out string, res *LocalityResults) error {
	doc.H2("1. Sensitivity fields: network vs Wiener filter")
	doc.P("Row m of ∂x̂0/∂x_t of the network (one VJP per output pixel, at a noisy held-out image x_t = √ᾱ x0 + √(1−ᾱ) ε) beside row m of P/√ᾱ, "+
		"the Wiener filter's field, per DDPM step t; each field scaled by its own largest |value| (red positive, blue negative). "+
		"Study A's bias-free UNet, where trained, is linearized in σ-space at y = x_t/√ᾱ and compared with the Wiener filter's σ-space field. "+
		"The verdict uses the steps with σ_t ≤ %g.", b1MaxSigma)
	tab := &report.Table{Header: []string{"dataset", "t", "σ_t", "pixel", "cosine(tc-unet, Wiener)", "cosine(bias-free UNet, Wiener)"}}
	measured := false
	for k, d := range res.Datasets {
		f := d.Fields
		if f == nil {
			doc.P("%s: %s", d.Data.Label(), notRun)
			continue
		}
		measured = true
		rel, err := copyFigure(out, filepath.Join(d.FieldsDir, fieldsPanelFile), fmt.Sprintf("fields_d%d.png", k))
		if err != nil {
			return err
		}
		caption := fmt.Sprintf("%s: per output pixel %v the tc-unet's field, then the Wiener filter's", d.Data.Label(), f.Pixels)
		if f.CosineBlind != nil {
			caption += fmt.Sprintf(", then the bias-free UNet's (σ-space; blank where σ_t > %g, beyond its training range)", float64(blindMaxSigma))
		}
		doc.Figure(rel, caption+fmt.Sprintf("; rows: t = %v.", f.Steps))
		for i, t := range f.Steps {
			for j, px := range f.Pixels {
				tab.Add(d.Data.Label(), t, f3(f.Sigmas[i]), px, fmtCell(f.Cosine, i, j), fmtCell(f.CosineBlind, i, j))
			}
		}
	}
	if !measured {
		doc.P(notRun)
		return nil
	}
	doc.Table(tab)
	return tab.WriteCSV(filepath.Join(out, "tables", "fields_cosine.csv"))
}

func writeLocCompare(doc *report.Doc, out string, res *LocalityResults) error {
	doc.H2("3. Analytic models vs the network along DDIM trajectories")
	doc.P("DDIM (linear β 1e-4..0.02, T = 1000, 10 steps t = 900..0, η = 0, x̂0 clipped, last step to ᾱ = 1), %d samples per model from the same "+
		"initial noise. r² = 1 − Σ(x−y)²/(D·Var(y)) per sample against the network's x̂0 y (Var unbiased over its D values), averaged over the samples; "+
		"MSE alongside. DDIM: every model on its own trajectory; single step: every model on the network's x_t.", res.Preset.Samples)
	csv := &report.Table{Header: []string{"dataset", "model", "mode", "t", "r2", "mse"}}
	measured := false
	for k, d := range res.Datasets {
		c := d.Compare
		if c == nil {
			doc.P("%s: %s", d.Data.Label(), notRun)
			continue
		}
		measured = true
		tab := &report.Table{Header: []string{"model", "DDIM r² (final)", "DDIM MSE (final)", "single-step r² (final)", "single-step r² (mean over steps)", "note"}}
		plot := &report.Plot{Title: d.Data.Label() + ": r² against the network (solid DDIM, dashed single step)", XLabel: "DDIM step t", YLabel: "r²", LegendBottom: true}
		for mi, m := range localityModels {
			own, ok := c.DDIM[m.Name]
			if !ok {
				why := m.Missing
				if m.Build != nil {
					why = "not in this comparison job"
				}
				tab.Add(m.Name, "not measured", "not measured", "not measured", "not measured", why)
				continue
			}
			sgl := c.Single[m.Name]
			note := ""
			if m.Name == "els" && d.ELS != nil {
				note = fmt.Sprintf("on the first %d samples only (its own job: exact over every patch); patch size per step %v, calibrated on %d samples against the network",
					d.ELS.Samples, d.ELS.Patch, d.ELS.CalibSamples)
			}
			tab.Add(m.Name, fmtPtr(last(own.R2)), fmtPtr(last(own.MSE)), fmtPtr(last(sgl.R2)), f3(meanOf(sgl.R2)), note)
			col := report.Palette[mi%len(report.Palette)]
			for _, s := range []struct {
				mode   string
				cv     curve
				dashed bool
			}{{"ddim", own, false}, {"single", sgl, true}} {
				ser := report.Series{Markers: true, Dashed: s.dashed, Color: &col}
				if !s.dashed {
					ser.Name = m.Name
				}
				for i, t := range c.T {
					if i < len(s.cv.R2) {
						csv.Add(d.Data.Label(), m.Name, s.mode, t, cellPtr(s.cv.R2[i]), cellPtr(s.cv.MSE[i]))
						if s.cv.R2[i] != nil {
							ser.X, ser.Y = append(ser.X, float64(t)), append(ser.Y, *s.cv.R2[i])
						}
					}
				}
				plot.Series = append(plot.Series, ser)
			}
		}
		doc.P("**%s**", d.Data.Label())
		doc.Table(tab)
		fig := fmt.Sprintf("figures/r2_over_t_d%d.png", k)
		if err := plot.Save(filepath.Join(out, fig)); err != nil {
			return err
		}
		doc.Figure(fig, d.Data.Label()+": r² of each model's x̂0 against the network's at every DDIM step t (sampling runs from t = 900 down to 0).")
		if d.CompareDir != "" {
			rel, err := copyFigure(out, filepath.Join(d.CompareDir, samplesGridFile), fmt.Sprintf("samples_d%d.png", k))
			if err != nil {
				return err
			}
			doc.Figure(rel, fmt.Sprintf("%s: final samples from the same noise (columns); rows: network, then %v.", d.Data.Label(), modelsIn(c, "els")))
		}
		if d.ELS != nil {
			rel, err := copyFigure(out, filepath.Join(d.ELS.Dir, elsGridFile), fmt.Sprintf("els_samples_d%d.png", k))
			if err != nil {
				return err
			}
			doc.Figure(rel, fmt.Sprintf("%s: the network's final samples (top) and ELS's (bottom) from the same noise, the first %d samples.", d.Data.Label(), d.ELS.Samples))
		}
	}
	if !measured {
		doc.P(notRun)
		return nil
	}
	return csv.WriteCSV(filepath.Join(out, "tables", "r2.csv"))
}

// modelsIn lists the analytic models of a comparison in localityModels'
// order (the sample grid's rows after the network), but those skipped.
func modelsIn(c *comparison, skip ...string) []string {
	var out []string
	for _, m := range localityModels {
		if _, ok := c.DDIM[m.Name]; ok && !slices.Contains(skip, m.Name) {
			out = append(out, m.Name)
		}
	}
	return out
}

func last(v []*float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	return v[len(v)-1]
}

func fmtPtr(v *float64) string {
	if v == nil {
		return "not measured"
	}
	return f3(*v)
}

// cellPtr is a CSV cell: the value, empty when not measured.
func cellPtr(v *float64) any {
	if v == nil {
		return ""
	}
	return *v
}

func writeLocW(doc *report.Doc, out string, res *LocalityResults) error {
	doc.H2("2. The W manipulation")
	doc.P("A second network per W strength γ is trained on the same images plus γ·c·W (c ~ U[−1,1] per image, W a fixed binary mask). " +
		"Its fields at output pixels on the W, at a noisy held-out image without the W and at steps whose σ_t is at most a third of the W's std " +
		"(2γ/√3 in [−1,1] units), beside those of the network trained without the W; the number is each field's share of Σf² on the mask, " +
		"counting input pixels outside the output pixel's 3×3 neighbourhood.")
	tab := &report.Table{Header: []string{"dataset", "γ", "t", "σ_t", "pixel", "share on W (W network)", "share on W (plain network)", "ratio"}}
	measured := false
	for k, d := range res.Datasets {
		for _, wf := range d.WFields {
			measured = true
			rel, err := copyFigure(out, filepath.Join(wf.Dir, wFieldsPanelFile), fmt.Sprintf("wfields_d%d_g%g.png", k, wf.Gamma))
			if err != nil {
				return err
			}
			doc.Figure(rel, fmt.Sprintf("%s, γ = %g (W std %.3g): the mask, then per pixel the W network's and the plain network's fields; rows: t = %v.",
				d.Data.Label(), wf.Gamma, wf.WStd, wf.Steps))
			for i, t := range wf.Steps {
				for j, px := range wf.Pixels {
					tab.Add(d.Data.Label(), wf.Gamma, t, f3(wf.Sigmas[i]), px, fmtCell(wf.ShareW, i, j), fmtCell(wf.SharePlain, i, j), fmtCell(wf.Ratio, i, j))
				}
			}
		}
	}
	if !measured {
		doc.P(notRun)
		return nil
	}
	doc.Table(tab)
	return tab.WriteCSV(filepath.Join(out, "tables", "w_fields.csv"))
}

// fmtCell formats v[i][j], "not measured" when absent or null.
func fmtCell(v [][]*float64, i, j int) string {
	if i >= len(v) || j >= len(v[i]) {
		return "not measured"
	}
	return fmtPtr(v[i][j])
}
