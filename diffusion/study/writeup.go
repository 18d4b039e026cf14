package study

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

func f2(v float64) string { return report.Fmt(v, 2) }
func f3(v float64) string { return report.Fmt(v, 3) }

// WriteGAHB writes every figure, table and the report of a run, and
// claims.json: study A's claims judged from the run's named numbers (a part
// missing from res leaves its claims not measured).
func WriteGAHB(out string, res *Results) error {
	p := res.Preset
	doc := &report.Doc{Dir: out}
	doc.H1("Generalization in diffusion models arises from geometry-adaptive harmonic representations: reproduction")
	doc.P("Kadkhodaie, Guth, Simoncelli & Mallat (ICLR 2024), study A of docs/study.md, rerun by `harmonic study gahb --preset %s` "+
		"on `%s` (%d×%d images): bias-free UNet, %d level(s), base width %d, %d Adam steps of batch %d per model, %d models. "+
		"Training time summed over the models: %s; wall time of this invocation: %s (jobs found done under runs/ are reused, so a resumed run is faster).",
		p.Name, p.Data, p.Size, p.Size, p.Levels, p.Base, p.Steps, p.Batch, res.Models,
		(time.Duration(res.TrainSeconds) * time.Second).Round(time.Second), res.Wall.Round(time.Second))
	if p.Name == smokeName {
		doc.P("**Smoke preset**: tiny images, networks and step counts that only check that the pipeline (plan, jobs, report) runs end to end. " +
			"Its numbers and verdicts are not claimed to mean anything about the study.")
	}
	if res.StepSeconds > 0 {
		doc.P("Measured training speed: %.1f ms per step of one model (%d jobs run at a time).", 1000*res.StepSeconds, max(res.Jobs, 1))
	}
	if res.FullStepSeconds > 0 {
		doc.P("Full preset (40×40, 2 levels, base 64, N up to 10^5, %d steps of batch %d per model): %.2f s per training step measured here "+
			"(wall time, models trained as this run trains them), expected total about **%s** on this machine.", Full().Steps, Full().Batch, res.FullStepSeconds, roundHours(res.FullEstimate))
	}

	claims := gahbClaims(gahbNumbers(res))
	text := map[string]string{}
	for _, c := range claims {
		text[c.ID] = c.Text
	}
	if err := writeSweep(doc, out, res, text); err != nil {
		return err
	}
	if err := writeTwoNets(doc, out, res, text); err != nil {
		return err
	}
	if err := writeJac(doc, out, res, text); err != nil {
		return err
	}
	if err := writeSlopes(doc, out, res, text); err != nil {
		return err
	}
	doc.H2("Summary: which claims hold at this scale")
	list := make([]report.Claim, len(claims))
	measured := make([]string, len(claims))
	for i, c := range claims {
		list[i], measured[i] = c.Claim, c.Text
	}
	doc.Table(report.ClaimTable(list, measured))
	doc.P("The claims with the numbers each verdict rests on are in `claims.json`.")
	if err := report.WriteClaims(filepath.Join(out, "claims.json"), list); err != nil {
		return err
	}
	return doc.Save("GAHB reproduction (" + p.Name + ")")
}

func roundHours(d time.Duration) string {
	if d > 2*time.Hour {
		return fmt.Sprintf("%.0f hours", d.Hours())
	}
	return d.Round(time.Minute).String()
}

// notRun is the section text of an experiment that this run did not make.
const notRun = "Not measured in this run."

func writeSweep(doc *report.Doc, out string, res *Results, claim map[string]string) error {
	doc.H2("1. Memorization to generalization (N sweep)")
	if s := res.Sweep; s != nil {
		if _, err := s.Write(out); err != nil {
			return err
		}
		doc.Figure("figures/psnr_sweep.png", "Output vs input PSNR of the S1 model of each N on its training images (solid) and held-out images (dashed).")
		gaps := &report.Table{Header: []string{"N", "train PSNR out @σ=0.1", "test PSNR out @σ=0.1", "gap (dB)"}}
		for i, n := range s.Ns {
			if i >= len(s.Train) || i >= len(s.Test) {
				break
			}
			tr, te := rowAt(s.Train[i], gapSigma), rowAt(s.Test[i], gapSigma)
			if tr != nil && te != nil {
				gaps.Add(n, f2(tr.PSNROut), f2(te.PSNROut), f2(tr.PSNROut-te.PSNROut))
			}
		}
		doc.Table(gaps)
	} else {
		doc.P(notRun)
	}
	doc.P("%s.", claim["A.1"])
	return nil
}

func writeTwoNets(doc *report.Doc, out string, res *Results, claim map[string]string) error {
	doc.H2("2. Two networks, one score")
	if len(res.TwoNets) == 0 {
		doc.P(notRun)
		doc.P("%s. %s.", claim["A.2a"], claim["A.2b"])
		return nil
	}
	tab, err := WriteTwoNets(out, res.TwoNets, res.Preset.Size, res.Preset.Sampler.SigmaInf)
	if err != nil {
		return err
	}
	sp := res.Preset.Sampler
	doc.P("For each N, the S1 and S2 models (disjoint training sets) sample from the same initial noise and the same injected noise "+
		"(Algorithm 1: h0=%g, β=%g, σ0=%g, σ∞=%g, at most %d steps, initial mean = the data's mean intensity; %d samples per model). "+
		"Cosine similarities are computed on raw images, as in the paper; the mean-removed (centered) values are in the table too, "+
		"since raw cosines of positive images are inflated by the mean. Nearest neighbours are searched in the model's whole training set.",
		sp.H0, sp.Beta, sp.Sigma0, sp.SigmaInf, sp.MaxSteps, res.Preset.Samples)
	doc.P("Some chains diverge: a bias-free network is positively homogeneous (f(αy) = αf(y)), so where its gain along a chain's image exceeds 1 "+
		"the ascent y ← y + h_t(f(y) − y) scales the image up geometrically and σ_t ∝ ‖y‖ never reaches σ∞. The sampler stops a chain once σ_t "+
		"exceeds %g times its first σ_t and marks it diverged; its output is not a sample of the model, so the verdicts below use converged chains only "+
		"(pairs whose S1 and S2 chains both converged; converged samples for the nearest-neighbour cosine), and say not measured when fewer than %d remain. "+
		"The first table columns keep every sample for comparison.", sp.DivergeRatio, minConverged)
	doc.P("Where a chain turns shows in its σ_t (figures below). A model's residual floor, the RMS of f(x) − x at its clean training images "+
		"(last table columns), is the smallest σ_t its chains can read near the data: with the floor close to or above σ∞ = %g a chain stalls "+
		"and runs on while h_t grows towards 1, where the update becomes y ← f(y) + γz, the denoiser iterated, and a gain above 1 along y takes over. "+
		"A chain can also turn well above the floor, where the network is expansive between training images. "+
		"A larger β (faster descent, less injected noise) outruns both; the report keeps the paper's β and counts the diverged chains instead.", sp.SigmaInf)
	for _, t := range res.TwoNets {
		doc.Figure(fmt.Sprintf("figures/samples_N%d.png", t.N), fmt.Sprintf("N=%d: S1 samples (top row), S2 samples from the same noise (middle), nearest S1 training image (bottom).%s", t.N, t.divergedShown()))
		if len(t.Trace1) > 0 {
			doc.Figure(t.sigmaFigure(), fmt.Sprintf("N=%d: σ_t against the step for every S1 (solid) and S2 (dashed) chain, red where stopped as diverged; "+
				"horizontal: each model's residual floor and σ∞. Residual floors: S1 %.3g, S2 %.3g.", t.N, t.Floor1, t.Floor2))
		}
	}
	doc.Figure("figures/cos_pair.png", "Cosine similarity between the S1 and S2 samples of each pair whose chains both converged.")
	doc.Figure("figures/cos_nearest.png", "Cosine similarity between each converged sample and its nearest training image.")
	doc.Table(tab)
	doc.P("%s. %s.", claim["A.2a"], claim["A.2b"])
	return nil
}

func writeJac(doc *report.Doc, out string, res *Results, claim map[string]string) error {
	size := res.Preset.Size
	doc.H2("3. Denoising as shrinkage in an adaptive basis (Jacobian)")
	doc.P("Exact Jacobians (%d JVPs per image, batched) at noisy test images; eigen-decomposition of (J+Jᵀ)/2; averages over %d test images per σ. "+
		"SURE = 2σ² tr∇f + ‖y−f(y)‖² − σ²d, reported per pixel beside the true MSE.", size*size, res.Preset.JacImages)
	measured := false
	for _, j := range []struct {
		prefix string
		r      *JacResult
	}{{"large", res.JacLarge}, {"small", res.JacSmall}} {
		if j.r == nil {
			continue
		}
		measured = true
		tab, err := WriteJacobian(out, j.prefix, j.r, size)
		if err != nil {
			return err
		}
		doc.P("**%s**", j.r.Label)
		doc.Figure("figures/"+j.prefix+"_eigenvalues.png", "Eigenvalue decay of the Jacobian's symmetric part at each σ ("+j.r.Label+").")
		if hasVectors(j.r) {
			doc.Figure("figures/"+j.prefix+"_eigenvectors.png", "Top 8 eigenvectors (rows: increasing σ), each scaled symmetrically around 0 (grey = 0).")
		}
		if hasCoeffs(j.r) {
			doc.Figure("figures/"+j.prefix+"_coefficients.png", "Coefficients |⟨x, e_k⟩| of the clean image in the eigenbasis.")
		}
		doc.Figure("figures/"+j.prefix+"_sure.png", "SURE estimate of the MSE beside the true MSE, averaged over the test images.")
		doc.Table(tab)
	}
	if !measured {
		doc.P(notRun)
	}
	doc.P("%s. Whether the top eigenvectors oscillate along contours and inside smooth regions is read from the eigenvector figure, not tested numerically.", claim["A.3"])
	return nil
}

// hasVectors and hasCoeffs say whether WriteJacobian drew the eigenvector
// grid and the coefficient plot of j (it skips them when empty).
func hasVectors(j *JacResult) bool {
	for _, l := range j.Levels {
		if len(l.TopVectors) > 0 {
			return true
		}
	}
	return false
}

func hasCoeffs(j *JacResult) bool {
	for _, l := range j.Levels {
		if l.Coeffs != nil {
			return true
		}
	}
	return false
}

func writeSlopes(doc *report.Doc, out string, res *Results, claim map[string]string) error {
	p := res.Preset
	doc.H2("4–6. PSNR slopes: C^α images, disks, shuffled pixels")
	if len(res.Slopes) > 0 {
		tab, err := WriteSlopes(out, res.Slopes, p.Size)
		if err != nil {
			return err
		}
		doc.P("Models trained on N=%d images of each dataset; the slope is the least-squares fit of output PSNR on input PSNR (test images) over the σ range the fit-range rule chooses from each curve (%s; fallback: σ ∈ %v). The interval is the 2.5–97.5%% percentile interval of %d refits on images resampled with replacement, the range held fixed.", p.SlopeN, FitRuleName, p.SlopeSigmas, bootstrapB)
		doc.Figure("figures/psnr_slopes.png", "Test output vs input PSNR per dataset; dashed: the disks' optimal denoiser (MSE 5σ²).")
		doc.Table(tab)
	} else {
		doc.P("PSNR slopes: " + notRun)
	}
	// Disks: the Jacobian beyond the 5 tangent directions, at the smallest σ.
	if dj := res.JacDisks; dj != nil {
		dTab, err := WriteJacobian(out, "disks", dj, p.Size)
		if err != nil {
			return err
		}
		doc.Figure("figures/disks_eigenvalues.png", "Disks: eigenvalues of (J+Jᵀ)/2; an optimal denoiser would have 5 eigenvalues near 1 and the rest 0.")
		if hasVectors(dj) {
			doc.Figure("figures/disks_eigenvectors.png", "Disks: top eigenvectors per σ.")
		}
		doc.Table(dTab)
	}
	// Shuffled vs unshuffled.
	if res.JacShuf != nil {
		sTab, err := WriteJacobian(out, "shuffled", res.JacShuf, p.Size)
		if err != nil {
			return err
		}
		doc.Figure("figures/shuffled_eigenvalues.png", "Shuffled pixels: eigenvalue decay.")
		if res.JacPlain != nil {
			if _, err := WriteJacobian(out, "unshuffled", res.JacPlain, p.Size); err != nil {
				return err
			}
			doc.Figure("figures/unshuffled_eigenvalues.png", "Unshuffled counterpart: eigenvalue decay.")
		}
		doc.Table(sTab)
	}
	doc.P("%s. %s. %s.", claim["A.4"], claim["A.5"], claim["A.6"])
	return nil
}
