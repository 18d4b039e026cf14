package study

import (
	"fmt"
	"math"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// Thresholds of study C's verdicts, fixed before any run.
const (
	// C.1: natural images' PSD falls as 1/f²: slope −2 within ±0.3.
	c1Slope, c1Tol = -2.0, 0.3
	// C.3 novelty: the samples' median novelty ratio (nearest training
	// image over the training set's spacing) is at least that of held-out
	// test images minus this margin. Test images, which are novel by
	// construction, have a median near 1; a sampler that copies its
	// prior's training image has ratios near 0.
	c3NoveltyMargin = 0.2
	// C.3 recognisable: the classifier's mean confidence on the samples is
	// within this of its mean confidence on the test images.
	c3ConfidenceTol = 0.1
	// C.4: along every interpolation strip, the largest step between
	// consecutive frames (L2) is at most this many times the median step.
	c4StepRatio = 3.0
)

// heatClaims judges study C's claims from named numbers only (see
// heatNumbers); a claim whose numbers are missing is not measured. Claims
// on samples use the paper's sampler (the prior noise on).
func heatClaims(n report.Numbers) []judged {
	return []judged{claimPSDSlope(n), claimCrossoverFalls(n), claimNovelRecognisable(n), claimSmoothInterpolation(n)}
}

func heatDatasets(n report.Numbers) int { return int(max(0, n.Value(numHeatDatasets))) }

// claimPSDSlope (C.1): on every photo dataset measured (on every dataset
// measured when the preset has no photos, saying so), the PSD slope is
// within c1Tol of c1Slope.
func claimPSDSlope(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "C.1", Statement: fmt.Sprintf("Natural images have a power spectral density close to 1/f²: "+
		"the slope of log PSD against log frequency of the photo data is %g within ±%g", c1Slope, c1Tol)}}
	photos := false
	for k := range heatDatasets(n) {
		photos = photos || n.Has(dk(numPhotos, k))
	}
	var parts, ev []string
	ok := true
	for k := range heatDatasets(n) {
		name := dk(numPSDSlope, k)
		v, has := n.Get(name)
		if !has || photos && !n.Has(dk(numPhotos, k)) {
			continue
		}
		ev = append(ev, name)
		ok = ok && math.Abs(v-c1Slope) <= c1Tol
		parts = append(parts, fmt.Sprintf("dataset %d: %s", k, f3(v)))
	}
	c.Evidence = n.Pick(ev...)
	if len(ev) == 0 {
		c.Verdict = report.NotMeasured
		c.Text = "C.1 PSD slope ≈ −2: " + bold(c.Verdict) + " (no spectrum measured)"
		return c
	}
	note := ""
	if !photos {
		note = " (no photo dataset in this preset: measured on the data it has, which are not photographs)"
	}
	c.Verdict = report.Judge(ok)
	c.Text = fmt.Sprintf("C.1 PSD slope ≈ %g ± %g: %s%s: %s", c1Slope, c1Tol, strings.Join(parts, ", "), note, bold(c.Verdict))
	return c
}

// claimCrossoverFalls (C.2): on every dataset, the frequency where the
// noise floor σ² meets the data's PSD falls strictly as σ grows. A σ whose
// floor stays below the PSD at every frequency has its crossover beyond
// the Nyquist frequency; it is consistent with the claim only below every
// σ that has one. At least two crossovers per dataset are needed.
func claimCrossoverFalls(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "C.2", Statement: "Noise drowns the high frequencies first: the frequency where the white-noise floor σ² " +
		"crosses the data's PSD falls strictly as σ grows, on every dataset"}}
	var parts, ev []string
	ok, found := true, false
	for k := range heatDatasets(n) {
		xs := n.Family(fmt.Sprintf(numCrossover, k), "")
		above := n.Family(fmt.Sprintf(numAbove, k), "")
		if len(xs) < 2 {
			if len(xs)+len(above) > 0 {
				parts = append(parts, fmt.Sprintf("dataset %d: fewer than 2 crossovers, not measured", k))
			}
			continue
		}
		found = true
		var cells []string
		for i, x := range xs {
			ev = append(ev, x.Name)
			cells = append(cells, fmt.Sprintf("σ=%s: %s", x.Key, f2(x.Value)))
			if i > 0 && !(x.Value < xs[i-1].Value) {
				ok = false
			}
		}
		for _, a := range above {
			ev = append(ev, a.Name)
			cells = append(cells, fmt.Sprintf("σ=%s: beyond Nyquist", a.Key))
			if a.Param > xs[0].Param {
				ok = false // a larger σ without a crossover than one with
			}
		}
		parts = append(parts, fmt.Sprintf("dataset %d: %s", k, strings.Join(cells, ", ")))
	}
	c.Evidence = n.Pick(ev...)
	if !found {
		c.Verdict = report.NotMeasured
		c.Text = "C.2 the crossover falls as σ grows: " + bold(c.Verdict) + " (needs two crossovers on one dataset)" + joinNote(parts)
		return c
	}
	c.Verdict = report.Judge(ok)
	c.Text = fmt.Sprintf("C.2 the crossover frequency (cycles per image side) falls as σ grows: %s: %s", strings.Join(parts, "; "), bold(c.Verdict))
	return c
}

func joinNote(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// claimNovelRecognisable (C.3): on every dataset with both parts measured,
// the samples' median novelty ratio is at least the test images' minus
// c3NoveltyMargin, and the classifier's mean confidence on them is within
// c3ConfidenceTol of that on the test images. A dataset without a
// classifier (no labels) has its novelty shown and its confidence not
// measured; with no dataset fully measured the claim is not measured.
func claimNovelRecognisable(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "C.3", Statement: fmt.Sprintf("Samples are novel and recognisable: the median of their nearest-training-image "+
		"distance over the training set's spacing is at least that of held-out test images minus %g, and the classifier's mean confidence on them "+
		"is within %g of its confidence on test images (sampler with the prior noise on)", c3NoveltyMargin, c3ConfidenceTol)}}
	var parts, ev []string
	ok, found := true, false
	for k := range heatDatasets(n) {
		sn, tn := dk("prior_on_novelty_median", k), dk("test_novelty_median", k)
		sc, tc := dk("prior_on_confidence", k), dk("test_confidence", k)
		var cells []string
		novel, hasNovel := true, n.Has(sn, tn)
		if hasNovel {
			novel = n.Value(sn) >= n.Value(tn)-c3NoveltyMargin
			cells = append(cells, fmt.Sprintf("median novelty ratio %s vs test %s", f3(n.Value(sn)), f3(n.Value(tn))))
		} else {
			cells = append(cells, "novelty not measured")
		}
		recog, hasConf := true, n.Has(sc, tc)
		if hasConf {
			recog = math.Abs(n.Value(sc)-n.Value(tc)) <= c3ConfidenceTol
			cells = append(cells, fmt.Sprintf("confidence %s vs test %s", f3(n.Value(sc)), f3(n.Value(tc))))
		} else {
			cells = append(cells, "confidence not measured (no classifier: the data has no labels)")
		}
		if hasNovel || hasConf {
			parts = append(parts, fmt.Sprintf("dataset %d: %s", k, strings.Join(cells, ", ")))
		}
		if hasNovel && hasConf {
			found = true
			ok = ok && novel && recog
			ev = append(ev, sn, tn, sc, tc)
		}
	}
	c.Evidence = n.Pick(ev...)
	if !found {
		c.Verdict = report.NotMeasured
		c.Text = "C.3 samples novel and recognisable: " + bold(c.Verdict) + joinNote(parts)
		return c
	}
	c.Verdict = report.Judge(ok)
	c.Text = fmt.Sprintf("C.3 samples novel (margin %g) and recognisable (confidence within %g): %s: %s", c3NoveltyMargin, c3ConfidenceTol,
		strings.Join(parts, "; "), bold(c.Verdict))
	return c
}

// claimSmoothInterpolation (C.4): on every dataset, no interpolation step
// is more than c4StepRatio times its strip's median step.
func claimSmoothInterpolation(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "C.4", Statement: fmt.Sprintf("Interpolations between two prior draws change smoothly: along every strip "+
		"the largest L2 step between consecutive frames is at most %g× the strip's median step", c4StepRatio)}}
	var parts, ev []string
	ok := true
	for k := range heatDatasets(n) {
		name := dk("interp_step_ratio", k)
		v, has := n.Get(name)
		if !has {
			continue
		}
		ev = append(ev, name)
		ok = ok && v <= c4StepRatio
		parts = append(parts, fmt.Sprintf("dataset %d: largest step %s× the median", k, f2(v)))
	}
	c.Evidence = n.Pick(ev...)
	if len(ev) == 0 {
		c.Verdict = report.NotMeasured
		c.Text = "C.4 smooth interpolations: " + bold(c.Verdict) + " (no interpolation strip measured)"
		return c
	}
	c.Verdict = report.Judge(ok)
	c.Text = fmt.Sprintf("C.4 smooth interpolations (threshold %g×): %s: %s", c4StepRatio, strings.Join(parts, ", "), bold(c.Verdict))
	return c
}
