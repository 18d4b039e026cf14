package study

import (
	"fmt"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// Thresholds of study B's verdicts, fixed before any run.
const (
	// B.1: the fields are compared at small and medium noise, σ_t ≤ 1.5
	// (DDPM steps t ≲ 330); above it both fields spread over most of the
	// image and any two smooth fields look alike.
	b1MaxSigma = 1.5
	// B.1: the median cosine (over output pixels and those steps) that
	// counts as "the network's field matches the Wiener field".
	b1Cos = 0.6
	// B.2: the W-trained network puts at least twice the share of its
	// field energy on the W mask as the network trained without the W.
	b2Ratio = 2.0
)

// b3Order is claim B.3's ranking, best first: r² against the network.
var b3Order = []string{"locality", "wiener", "els", "optimal"}

// localityClaims judges study B's claims from named numbers only (see
// localityNumbers); a claim whose numbers are missing is not measured.
func localityClaims(n report.Numbers) []judged {
	return []judged{claimFieldsWiener(n), claimWAppears(n), claimAnalyticRanking(n)}
}

// datasetsOf is the number of datasets the numbers cover.
func datasetsOf(n report.Numbers) int { return int(max(0, n.Value(numLocDatasets))) }

// claimFieldsWiener (B.1): on every dataset measured, the median cosine
// between the network's and the Wiener filter's sensitivity fields at
// σ_t ≤ b1MaxSigma is at least b1Cos.
func claimFieldsWiener(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "B.1", Statement: fmt.Sprintf("The trained network's sensitivity fields match the Wiener filter's: "+
		"on every dataset the median cosine between the two fields (output pixels × steps with σ_t ≤ %g) is at least %g, "+
		"for the tc-unet and, where trained, the bias-free UNet", b1MaxSigma, b1Cos)}}
	var parts, ev []string
	ok, found := true, false
	for k := range datasetsOf(n) {
		name := fmt.Sprintf("%s%d", numFieldsCosMedian, k)
		v, has := n.Get(name)
		if !has {
			parts = append(parts, fmt.Sprintf("dataset %d: not measured", k))
			continue
		}
		found = true
		ev = append(ev, name)
		ok = ok && v >= b1Cos
		part := fmt.Sprintf("dataset %d: %s", k, f3(v))
		blind := fmt.Sprintf("%s%d", numFieldsBlindCosMedian, k)
		if b, has := n.Get(blind); has {
			ev = append(ev, blind)
			ok = ok && b >= b1Cos
			part += fmt.Sprintf(" (bias-free UNet %s)", f3(b))
		}
		parts = append(parts, part)
	}
	c.Evidence = n.Pick(ev...)
	if !found {
		c.Verdict = report.NotMeasured
		c.Text = "B.1 network field ≈ Wiener field: " + bold(c.Verdict) + " (no sensitivity fields measured)"
		return c
	}
	c.Verdict = report.Judge(ok)
	c.Text = fmt.Sprintf("B.1 network field ≈ Wiener field: median cosine at σ_t ≤ %g %s (threshold %g): %s",
		b1MaxSigma, strings.Join(parts, ", "), b1Cos, bold(c.Verdict))
	return c
}

// claimWAppears (B.2): for every dataset and W strength γ measured, the
// ratio of field-energy shares on the W mask is at least b2Ratio.
func claimWAppears(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "B.2", Statement: fmt.Sprintf("Adding γ·c·W to the training images makes the W appear in the network's "+
		"sensitivity field for σ well below the W's std: the median share of field energy on the W mask (beyond the pixel's 3×3 neighbourhood) "+
		"is at least %g× that of the network trained without it, for every dataset and γ", b2Ratio)}}
	var parts, ev []string
	ok := true
	for k := range datasetsOf(n) {
		for _, x := range n.Family(fmt.Sprintf(numWShareRatio, k), "") {
			ev = append(ev, x.Name)
			ok = ok && x.Value >= b2Ratio
			parts = append(parts, fmt.Sprintf("dataset %d, γ=%s: %s×", k, x.Key, f2(x.Value)))
		}
	}
	c.Evidence = n.Pick(ev...)
	if len(ev) == 0 {
		c.Verdict = report.NotMeasured
		c.Text = "B.2 the W appears: " + bold(c.Verdict) + " (no network on W-manipulated data was measured)"
		return c
	}
	c.Verdict = report.Judge(ok)
	c.Text = fmt.Sprintf("B.2 the W appears: share ratio %s (threshold %g×): %s", strings.Join(parts, ", "), b2Ratio, bold(c.Verdict))
	return c
}

// claimAnalyticRanking (B.3): on every dataset, the final-step r² of the
// DDIM samples against the network's falls strictly along b3Order, over
// the models measured (at least two of them on some dataset). A model not
// measured (ELS until it is built) is named and skipped.
func claimAnalyticRanking(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "B.3", Statement: "An analytic model built only from data statistics predicts the network best: " +
		"final-step r² against the network's DDIM sample from the same noise ranks locality > Wiener > ELS > optimal on every dataset"}}
	var parts, ev []string
	missing := map[string]bool{}
	ok, found := true, false
	for k := range datasetsOf(n) {
		var have []string
		var vals []float64
		for _, m := range b3Order {
			name := locR2Name("ddim", "r2_final", m, k)
			v, has := n.Get(name)
			if !has {
				missing[m] = true
				continue
			}
			have, vals = append(have, m), append(vals, v)
			ev = append(ev, name)
		}
		if len(have) < 2 {
			parts = append(parts, fmt.Sprintf("dataset %d: not measured", k))
			continue
		}
		found = true
		var cells []string
		for i, m := range have {
			cells = append(cells, fmt.Sprintf("%s %s", m, f3(vals[i])))
			if i > 0 && !(vals[i] < vals[i-1]) {
				ok = false
			}
		}
		parts = append(parts, fmt.Sprintf("dataset %d: %s", k, strings.Join(cells, ", ")))
	}
	c.Evidence = n.Pick(ev...)
	var absent []string
	for _, m := range b3Order {
		if missing[m] {
			absent = append(absent, m)
		}
	}
	note := ""
	if len(absent) > 0 {
		note = fmt.Sprintf(" (not measured, so left out of the ranking: %s)", strings.Join(absent, ", "))
	}
	if !found {
		c.Verdict = report.NotMeasured
		c.Text = "B.3 analytic > Wiener > ELS > optimal in r²: " + bold(c.Verdict) + " (needs the r² of two of the models on one dataset)" + note
		return c
	}
	c.Verdict = report.Judge(ok)
	c.Text = fmt.Sprintf("B.3 analytic > Wiener > ELS > optimal in r² (final DDIM step): %s: %s%s", strings.Join(parts, "; "), bold(c.Verdict), note)
	return c
}
