package study

import (
	"fmt"
	"math"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// The names of the numbers study A's claims read (gahbNumbers writes them,
// claims.go reads them). A parameter in a name is written with %d (N) or
// %g (σ, α), e.g. "twonet_N1000_pair_cos", "jac_large_trace_sigma_0.02".
const (
	numGap = "train_test_gap_db_N" // + N: train − test output PSNR at σ = 0.1 (dB)

	numTwoNet = "twonet_N" // + N + one of the suffixes below
	// per model: chains run, converged (the samples the medians use), diverged
	numSamples, numConv1, numConv2, numDiv1, numDiv2 = "_samples", "_converged_s1", "_converged_s2", "_diverged_s1", "_diverged_s2"
	numPairsConv                                     = "_pairs_converged" // pairs whose S1 and S2 chains both converged
	numPairCos, numPairCentered                      = "_pair_cos", "_pair_centered_cos"
	numNearCos1, numNearCos2, numNearCentered1       = "_nearest_cos_s1", "_nearest_cos_s2", "_nearest_centered_cos_s1"

	numJacLargeN     = "jac_large_n" // the N of the model analysed for A.3
	numJacImages     = "jac_images"  // test images each Jacobian average uses
	numJacLargeTrace = "jac_large_trace_sigma_"
	numJacLargeSURE  = "jac_large_sure_rel_err_sigma_" // |SURE − MSE| / MSE
	numJacLargeAsym  = "jac_large_asym_sigma_"         // ‖J − Jᵀ‖ / ‖J‖
	numSlopeAlpha    = "slope_alpha_"                  // + α: PSNR slope of the C^α model
	numSlopeOptimal  = "slope_optimal_alpha_"          // α/(α+1)
	numSlopePaper    = "slope_paper_alpha_"            // the paper's measured slope
	numSlopeLo       = "slope_lo_alpha_"               // the slope's bootstrap interval (95%)
	numSlopeHi       = "slope_hi_alpha_"
	numSlopeAA       = "slope_aa_alpha_" // + α: the same on the area-coverage contour (cmix:α:aa)
	numSlopeAALo     = "slope_aa_lo_alpha_"
	numSlopeAAHi     = "slope_aa_hi_alpha_"
	numSlopeDisks    = "slope_disks"
	numJacDisksTrace = "jac_disks_trace_sigma_"
	numJacDisksTail  = "jac_disks_tail_mass_sigma_" // share of Σλ beyond the 5th eigenvalue
	numSlopeShuffled = "slope_shuffled"
	numSlopePlain    = "slope_unshuffled"
	numPSNRShuffled  = "psnr_out_shuffled_sigma_0.05"
	numPSNRPlain     = "psnr_out_unshuffled_sigma_0.05"
	numJacShuffTrace = "jac_shuffled_trace_sigma_"
	numJacPlainTrace = "jac_unshuffled_trace_sigma_"
)

const (
	gapSigma          = 0.1  // the σ of A.1's train − test gap
	shuffledPSNRSigma = 0.05 // the σ of A.6's output PSNRs
	diskTangentDims   = 5    // a disk has 5 parameters: centre (2), radius, two intensities
)

// gahbNumbers names every number of res that a claim reads. A part of the
// study missing from res (nil, or not run for this data) contributes no
// names, and a value that could not be measured (NaN) is left out, so the
// claims that need it are not measured.
func gahbNumbers(res *Results) report.Numbers {
	n := report.Numbers{}
	if s := res.Sweep; s != nil {
		for i, N := range s.Ns {
			if i < len(s.Train) && i < len(s.Test) {
				n.Set(fmt.Sprintf("%s%d", numGap, N), s.Gap(i, gapSigma))
			}
		}
	}
	for _, t := range res.TwoNets {
		if t == nil {
			continue
		}
		pre := fmt.Sprintf("%s%d", numTwoNet, t.N)
		n.Set(pre+numSamples, float64(len(t.Pair)))
		n.Set(pre+numConv1, float64(len(t.NearS1Conv())))
		n.Set(pre+numConv2, float64(len(t.NearS2Conv())))
		n.Set(pre+numDiv1, float64(t.Diverged1))
		n.Set(pre+numDiv2, float64(t.Diverged2))
		n.Set(pre+numPairsConv, float64(len(t.BothConverged())))
		n.Set(pre+numPairCos, Median(t.PairConv()))
		n.Set(pre+numPairCentered, Median(t.PairMRConv()))
		n.Set(pre+numNearCos1, Median(t.NearS1Conv()))
		n.Set(pre+numNearCos2, Median(t.NearS2Conv()))
		n.Set(pre+numNearCentered1, Median(t.NearS1MRConv()))
	}
	if j := res.JacLarge; j != nil {
		n.Set(numJacLargeN, float64(res.Preset.largestN()))
		n.Set(numJacImages, float64(res.Preset.JacImages))
		for _, l := range j.Levels {
			n.Set(sigmaName(numJacLargeTrace, l.Sigma), l.Trace)
			n.Set(sigmaName(numJacLargeSURE, l.Sigma), math.Abs(l.SURE-l.MSE)/l.MSE)
			n.Set(sigmaName(numJacLargeAsym, l.Sigma), l.Asym)
		}
	}
	slopes(n, res)
	jacTraces(n, numJacShuffTrace, res.JacShuf)
	jacTraces(n, numJacPlainTrace, res.JacPlain)
	if j := res.JacDisks; j != nil {
		jacTraces(n, numJacDisksTrace, j)
		for _, l := range j.Levels {
			n.Set(sigmaName(numJacDisksTail, l.Sigma), tailMass(l.Eigenvalues, diskTangentDims))
		}
	}
	return n
}

// slopes names the PSNR slopes: the C^α models (those with a known optimum),
// the disks, the shuffled model and its unshuffled counterpart (the model
// of the sweep's data at SlopeN).
func slopes(n report.Numbers, res *Results) {
	var disks, shuf, plain bool
	for _, s := range res.Slopes {
		switch {
		case s == nil:
		case s.Shuffle:
			if !shuf {
				shuf = true
				n.Set(numSlopeShuffled, s.Slope)
				n.Set(numPSNRShuffled, psnrOutAt(s, shuffledPSNRSigma))
			}
		case s.Data == res.Preset.Data && !plain:
			plain = true
			n.Set(numSlopePlain, s.Slope)
			n.Set(numPSNRPlain, psnrOutAt(s, shuffledPSNRSigma))
		}
		if s == nil || s.Shuffle {
			continue
		}
		if s.Data == "disks" && !disks {
			disks = true
			n.Set(numSlopeDisks, s.Slope)
		}
		if a, ok := strings.CutPrefix(s.Data, "cmix:"); ok && !math.IsNaN(s.Optimal) {
			if a, aa := strings.CutSuffix(a, ":aa"); aa {
				n.Set(numSlopeAA+a, s.Slope)
				n.Set(numSlopeAALo+a, s.SlopeLo)
				n.Set(numSlopeAAHi+a, s.SlopeHi)
				continue
			}
			n.Set(numSlopeAlpha+a, s.Slope)
			n.Set(numSlopeOptimal+a, s.Optimal)
			n.Set(numSlopePaper+a, s.Paper)
			n.Set(numSlopeLo+a, s.SlopeLo)
			n.Set(numSlopeHi+a, s.SlopeHi)
		}
	}
}

func jacTraces(n report.Numbers, prefix string, j *JacResult) {
	if j == nil {
		return
	}
	for _, l := range j.Levels {
		n.Set(sigmaName(prefix, l.Sigma), l.Trace)
	}
}

func sigmaName(prefix string, sigma float64) string { return fmt.Sprintf("%s%g", prefix, sigma) }
