package study

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// judged is a claim with the sentence that reports it in the report: the
// measured values and, for claims of several parts, each part's verdict.
type judged struct {
	report.Claim
	Text string
}

// minConverged is the fewest converged samples (or pairs) a median of the
// A.2 verdicts may rest on; with fewer the claim is not measured.
const minConverged = 4

// Thresholds of the verdicts.
const (
	gapMet         = 1.0  // A.1: the train and test curves have met (dB)
	memorizedCos   = 0.95 // A.2: a sample this close to a training image is a copy
	smallN         = 10   // A.2: the N that memorize
	disksShortfall = 0.95 // A.5: a slope below this falls short of the optimal 1
	disksTail      = 0.2  // A.5: Σλ share beyond the tangent directions
	shuffledSigma  = 0.1  // A.6: the σ of the eigenvalue-decay comparison
)

// gahbClaims judges study A's claims from named numbers only (see
// gahbNumbers for the names); a claim whose numbers are missing is not
// measured.
func gahbClaims(n report.Numbers) []judged {
	return []judged{claimGap(n), claimMemorization(n), claimOneScore(n), claimShrinkage(n), claimCAlpha(n), claimDisks(n), claimShuffled(n)}
}

// bold renders a verdict in the report's sentences.
func bold(verdict string) string { return "**" + verdict + "**" }

// count formats a count (n/a when not measured).
func count(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.Itoa(int(v))
}

// param formats a σ or α parsed from a number's name (n/a when absent).
func param(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%g", v)
}

func names(f []report.Indexed) []string {
	out := make([]string, len(f))
	for i, x := range f {
		out[i] = x.Name
	}
	return out
}

// claimGap (A.1): the train − test output-PSNR gap at σ = 0.1 shrinks from
// the smallest to the largest N and ends below 1 dB.
func claimGap(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "A.1", Statement: "Memorization gives way to generalization as N grows: the train−test output-PSNR gap at σ=0.1 " +
		"is smaller at the largest N than at the smallest, and below 1 dB"}}
	gaps := n.Family(numGap, "")
	if len(gaps) < 2 {
		c.Verdict, c.Evidence = report.NotMeasured, n.Pick(names(gaps)...)
		c.Text = "A.1 memorization→generalization: " + bold(c.Verdict) + " (needs the gap at two N)"
		return c
	}
	first, last := gaps[0], gaps[len(gaps)-1]
	ok := last.Value < first.Value && last.Value < gapMet
	c.Verdict, c.Evidence = report.Judge(ok), n.Pick(first.Name, last.Name)
	c.Text = fmt.Sprintf("A.1 memorization→generalization: the train−test output-PSNR gap at σ=0.1 goes from %s dB at N=%d to %s dB at N=%d: %s",
		f2(first.Value), int(first.Param), f2(last.Value), int(last.Param), bold(c.Verdict))
	if !ok && last.Value < first.Value {
		c.Text += " (it shrinks, but the curves have not met: more images or steps are needed)"
	}
	return c
}

// twoNets lists the two-network experiments measured, by increasing N;
// prefix(x) is the start of x's numbers' names.
func twoNets(n report.Numbers) []report.Indexed { return n.Family(numTwoNet, numSamples) }

func prefix(x report.Indexed) string { return strings.TrimSuffix(x.Name, numSamples) }

// claimMemorization (A.2): at N ≤ 10 the converged samples of both models
// lie within cosine 0.95 of a training image (median), with at least
// minConverged converged chains per model.
func claimMemorization(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "A.2a", Statement: fmt.Sprintf("Networks trained on few images (N≤%d) memorize: the median cosine of their converged samples "+
		"to the nearest training image exceeds %g for both networks (S1, S2)", smallN, memorizedCos)}}
	var memo, ev []string
	ok, determined, found := true, true, false
	for _, t := range twoNets(n) {
		if t.Param > smallN {
			continue
		}
		found = true
		pre := prefix(t)
		n1, n2 := n.Value(pre+numConv1), n.Value(pre+numConv2)
		near := math.Min(n.Value(pre+numNearCos1), n.Value(pre+numNearCos2))
		memo = append(memo, fmt.Sprintf("N=%d: %s (centered %s; converged S1 %s/%s, S2 %s/%s)",
			int(t.Param), f3(near), f3(n.Value(pre+numNearCentered1)), count(n1), count(t.Value), count(n2), count(t.Value)))
		determined = determined && n1 >= minConverged && n2 >= minConverged && !math.IsNaN(near)
		ok = ok && near > memorizedCos
		ev = append(ev, pre+numNearCos1, pre+numNearCos2, pre+numConv1, pre+numConv2)
	}
	c.Evidence = n.Pick(ev...)
	switch {
	case !found:
		c.Verdict = report.NotMeasured
		c.Text = "A.2 memorization at small N: " + bold(c.Verdict) + fmt.Sprintf(" (no two-network experiment at N≤%d)", smallN)
		return c
	case !determined:
		c.Verdict = report.NotMeasured
	default:
		c.Verdict = report.Judge(ok)
	}
	c.Text = fmt.Sprintf("A.2 memorization at small N: median cosine of converged samples to their nearest training image (min over S1, S2) %s: %s",
		strings.Join(memo, ", "), bold(c.Verdict))
	if !determined {
		c.Text += fmt.Sprintf(" (fewer than %d converged chains)", minConverged)
	}
	return c
}

// claimOneScore (A.2): at the largest N the S1 and S2 samples of a pair
// (both converged) are closer to each other than the pairs at N ≤ 10 are,
// and closer than to their nearest training images.
func claimOneScore(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "A.2b", Statement: "Two networks trained on disjoint sets of many images learn the same score: at the largest N the median cosine " +
		"between their samples from the same noise (pairs whose chains both converged) exceeds that at N≤10 and the cosine to the nearest training image"}}
	tn := twoNets(n)
	if len(tn) == 0 {
		c.Verdict, c.Evidence = report.NotMeasured, map[string]float64{}
		c.Text = "A.2 one score at large N: " + bold(c.Verdict) + " (no two-network experiment)"
		return c
	}
	large := tn[len(tn)-1]
	pl := prefix(large)
	ev := []string{pl + numPairCos, pl + numPairsConv, pl + numNearCos1, pl + numNearCos2}
	smallPair, smallOK := math.Inf(-1), false
	for _, t := range tn {
		if t.Param > smallN {
			continue
		}
		pre := prefix(t)
		ev = append(ev, pre+numPairCos, pre+numPairsConv)
		if k, ok := n.Get(pre + numPairsConv); ok && k >= minConverged && n.Has(pre+numPairCos) {
			smallPair, smallOK = math.Max(smallPair, n.Value(pre+numPairCos)), true
		}
	}
	if !smallOK {
		smallPair = math.NaN()
	}
	k := n.Value(pl + numPairsConv)
	lp, ln := n.Value(pl+numPairCos), math.Max(n.Value(pl+numNearCos1), n.Value(pl+numNearCos2))
	c.Evidence = n.Pick(ev...)
	c.Verdict = report.NotMeasured
	if k >= minConverged && smallOK && !math.IsNaN(lp) && !math.IsNaN(ln) {
		c.Verdict = report.Judge(lp > smallPair && lp > ln)
	}
	c.Text = fmt.Sprintf("A.2 one score at large N: median S1–S2 cosine %s at N=%d over the %s/%s pairs whose chains both converged "+
		"(diverged: S1 %s, S2 %s) vs at most %s at N≤%d, and vs %s to the nearest training image: %s (centered: pair %s vs nearest %s)",
		f3(lp), int(large.Param), count(k), count(large.Value), count(n.Value(pl+numDiv1)), count(n.Value(pl+numDiv2)), f3(smallPair), smallN, f3(ln),
		bold(c.Verdict), f3(n.Value(pl+numPairCentered)), f3(n.Value(pl+numNearCentered1)))
	return c
}

// claimShrinkage (A.3): the effective dimension tr∇f of the largest-N model
// falls strictly as σ grows; SURE and the asymmetry are reported beside it.
func claimShrinkage(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "A.3", Statement: "Denoising is shrinkage in an adaptive basis: the effective dimension tr∇f of the largest-N model " +
		"falls as σ grows (SURE, computed from tr∇f, tracks the true MSE)"}}
	tr := n.Family(numJacLargeTrace, "")
	c.Evidence = n.Pick(names(tr)...)
	if len(tr) < 2 {
		c.Verdict = report.NotMeasured
		c.Text = "A.3 effective dimension tr∇f: " + bold(c.Verdict) + " (needs the Jacobian at two σ)"
		return c
	}
	mono := true
	for i := 1; i < len(tr); i++ {
		mono = mono && tr[i].Value < tr[i-1].Value
	}
	c.Verdict = report.Judge(mono)
	var worst float64
	for _, x := range n.Family(numJacLargeSURE, "") {
		worst = math.Max(worst, x.Value)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range n.Family(numJacLargeAsym, "") {
		lo, hi = math.Min(lo, x.Value), math.Max(hi, x.Value)
	}
	first, last := tr[0], tr[len(tr)-1]
	c.Text = fmt.Sprintf("A.3 effective dimension tr∇f falls as σ grows (%s at σ=%g to %s at σ=%g, N=%s): %s; SURE matches the true MSE within %.0f%% at every σ (averages over %s images); asymmetry ‖J−Jᵀ‖/‖J‖ between %s and %s",
		f2(first.Value), first.Param, f2(last.Value), last.Param, count(n.Value(numJacLargeN)), bold(c.Verdict),
		100*worst, count(n.Value(numJacImages)), f3(lo), f3(hi))
	return c
}

// claimCAlpha (A.4): the PSNR slope of the C^α models increases with α.
// The criterion uses the bootstrap intervals: the slope increases from one α
// to the next only when the intervals are ordered (the larger α's lower
// bound above the smaller α's upper bound); it does not hold when some pair
// is not, and it is not measured when an interval is missing.
func claimCAlpha(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "A.4", Statement: "On C^α images the PSNR slope increases with α, as the optimal slope α/(α+1) does (successive 95% bootstrap intervals ordered)"}}
	sl := n.Family(numSlopeAlpha, "")
	var evidence []string
	for _, s := range sl {
		evidence = append(evidence, s.Name, numSlopeLo+s.Key, numSlopeHi+s.Key)
	}
	c.Evidence = n.Pick(evidence...)
	if len(sl) < 2 {
		c.Verdict = report.NotMeasured
		c.Text = "A.4 C^α slopes: " + bold(c.Verdict) + " (needs C^α models of two α)"
		return c
	}
	var parts []string
	inc, measured := true, true
	prevHi := math.NaN()
	for i, s := range sl {
		lo, hasLo := n.Get(numSlopeLo + s.Key)
		hi, hasHi := n.Get(numSlopeHi + s.Key)
		measured = measured && hasLo && hasHi && !math.IsNaN(lo) && !math.IsNaN(hi)
		parts = append(parts, fmt.Sprintf("α=%s: %s [%s, %s] (optimal %s, paper %s)", s.Key, f3(s.Value), f3(n.Value(numSlopeLo+s.Key)), f3(n.Value(numSlopeHi+s.Key)), f2(n.Value(numSlopeOptimal+s.Key)), f2(n.Value(numSlopePaper+s.Key))))
		inc = inc && (i == 0 || lo > prevHi)
		prevHi = hi
	}
	if measured {
		c.Verdict = report.Judge(inc)
	} else {
		c.Verdict = report.NotMeasured
	}
	c.Text = fmt.Sprintf("A.4 C^α slopes (95%% bootstrap intervals) %s; slope increases with α, successive intervals ordered: %s", strings.Join(parts, ", "), bold(c.Verdict))
	// The area-coverage contour is reported beside the authors' rounded one,
	// by the same criterion; the verdict stays the authors' construction's.
	if aa := n.Family(numSlopeAA, ""); len(aa) > 0 {
		var ap []string
		ordered, measuredAA := true, len(aa) >= 2
		prevHi = math.NaN()
		for i, s := range aa {
			lo, hi := n.Value(numSlopeAALo+s.Key), n.Value(numSlopeAAHi+s.Key)
			measuredAA = measuredAA && !math.IsNaN(lo) && !math.IsNaN(hi)
			ap = append(ap, fmt.Sprintf("α=%s: %s [%s, %s]", s.Key, f3(s.Value), f3(lo), f3(hi)))
			ordered = ordered && (i == 0 || lo > prevHi)
			prevHi = hi
			c.Evidence[s.Name] = s.Value
			c.Evidence[numSlopeAALo+s.Key], c.Evidence[numSlopeAAHi+s.Key] = lo, hi
		}
		v := report.NotMeasured
		if measuredAA {
			v = report.Judge(ordered)
		}
		c.Text += fmt.Sprintf("; on the area-coverage contour %s, intervals ordered: %s", strings.Join(ap, ", "), v)
	}
	return c
}

// claimDisks (A.5): on disks the network's slope falls short of the optimal
// 1, and at the smallest σ more than 20% of Σλ lies beyond the 5 tangent
// directions. Both parts must hold.
func claimDisks(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "A.5", Statement: fmt.Sprintf("On disks the network is not the optimal denoiser: its PSNR slope is below %g (optimal 1), "+
		"and at the smallest σ more than %.0f%% of Σλ lies beyond the %d tangent directions (harmonic components)", disksShortfall, 100*disksTail, diskTangentDims)}}
	slope, hasSlope := n.Get(numSlopeDisks)
	tr := n.Family(numJacDisksTrace, "")
	if !hasSlope && len(tr) == 0 {
		c.Verdict, c.Evidence = report.NotMeasured, map[string]float64{}
		c.Text = "A.5 disks: " + bold(c.Verdict) + " (no disks model)"
		return c
	}
	short := report.NotMeasured
	if hasSlope {
		short = report.Judge(slope < disksShortfall)
	}
	sigma, trace, tailName := math.NaN(), math.NaN(), ""
	if len(tr) > 0 {
		sigma, trace, tailName = tr[0].Param, tr[0].Value, numJacDisksTail+tr[0].Key
	}
	tail, hasTail := n.Get(tailName)
	beyond := report.NotMeasured
	if hasTail {
		beyond = report.Judge(tail > disksTail)
	} else {
		tail = math.NaN()
	}
	c.Verdict, c.Evidence = report.AllOf(short, beyond), n.Pick(numSlopeDisks, tailName)
	c.Text = fmt.Sprintf("A.5 disks: slope %s vs optimal 1 (falls short: %s); at σ=%s, tr∇f = %s vs %d tangent directions and %.0f%% of Σλ lies beyond the %dth eigenvalue (harmonic components beyond the tangent space: %s)",
		f2(n.Value(numSlopeDisks)), bold(short), param(sigma), f2(trace), diskTangentDims, 100*tail, diskTangentDims, bold(beyond))
	return c
}

// claimShuffled (A.6): with pixels shuffled the PSNR slope is smaller than
// unshuffled and tr∇f at σ = 0.1 is larger (slower eigenvalue decay). Both
// parts must hold.
func claimShuffled(n report.Numbers) judged {
	c := judged{Claim: report.Claim{ID: "A.6", Statement: fmt.Sprintf("With its pixels shuffled the same data is denoised worse: a smaller PSNR slope than unshuffled, "+
		"and a slower eigenvalue decay (larger tr∇f at σ=%g)", shuffledSigma)}}
	shuf, hasShuf := n.Get(numSlopeShuffled)
	plain, hasPlain := n.Get(numSlopePlain)
	ts, hasTS := nearestSigma(n.Family(numJacShuffTrace, ""), shuffledSigma)
	tp, hasTP := nearestSigma(n.Family(numJacPlainTrace, ""), shuffledSigma)
	if !hasShuf && !hasTS {
		c.Verdict, c.Evidence = report.NotMeasured, map[string]float64{}
		c.Text = "A.6 shuffled pixels: " + bold(c.Verdict) + " (no shuffled model)"
		return c
	}
	slope, decay := report.NotMeasured, report.NotMeasured
	if hasShuf && hasPlain {
		slope = report.Judge(shuf < plain)
	}
	if hasTS && hasTP {
		decay = report.Judge(ts.Value > tp.Value)
	}
	c.Verdict, c.Evidence = report.AllOf(slope, decay), n.Pick(numSlopeShuffled, numSlopePlain, ts.Name, tp.Name)
	c.Text = fmt.Sprintf("A.6 shuffled pixels: slope %s vs %s unshuffled (%s; output PSNR at σ=%g %s vs %s dB); tr∇f at σ=%g %s vs %s unshuffled (slower eigenvalue decay: %s)",
		f2(n.Value(numSlopeShuffled)), f2(n.Value(numSlopePlain)), bold(slope), shuffledPSNRSigma, f2(n.Value(numPSNRShuffled)), f2(n.Value(numPSNRPlain)),
		shuffledSigma, f2(n.Value(ts.Name)), f2(n.Value(tp.Name)), bold(decay))
	return c
}

// nearestSigma is the member of a σ family nearest to sigma (the first of
// equally near ones), as the report's tables pick a level.
func nearestSigma(f []report.Indexed, sigma float64) (report.Indexed, bool) {
	if len(f) == 0 {
		return report.Indexed{}, false
	}
	best := f[0]
	for _, x := range f {
		if math.Abs(x.Param-sigma) < math.Abs(best.Param-sigma) {
			best = x
		}
	}
	return best, true
}
