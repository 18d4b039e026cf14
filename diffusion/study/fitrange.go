package study

import (
	"fmt"
	"math"
	"sort"

	"github.com/harmonic-go/harmonic/diffusion/metrics"
)

// The fit-range rule of the PSNR slopes (claims A.4–A.6). A network's curve
// of output against input PSNR is a power law only in a middle range: at
// small σ it levels off at a floor (the output stops following the input:
// its error no longer falls with σ), at large σ the output saturates. Both
// ends show as a local slope collapsing towards 0, and the floor also as a
// denoiser that barely beats its input. The rule, applied to the rows sorted
// by σ:
//
//  1. a point is usable when its gain PSNR_out − PSNR_in is at least
//     fitMinGainDB (the output MSE is at most half the input MSE);
//  2. between consecutive usable points the local slope ΔPSNR_out/ΔPSNR_in
//     is computed;
//  3. the fit range is the longest run of consecutive segments whose local
//     slopes are all at least fitSlopeTol times the steepest one, provided
//     it spans at least fitMinPoints points (ties: the run at the smallest
//     σ, where the slope is asymptotic);
//  4. when no such run exists (a curve that bends everywhere, as a floor
//     felt over the whole σ grid makes it), the window of fitMinPoints
//     consecutive usable points whose smallest local slope is the largest:
//     the steepest part of the curve, as in 3, at the minimum length.
//
// Why the steepest: a floor raises the output MSE at small σ and a
// saturation lowers it at large σ, so both flatten the curve at its ends;
// the power law is where the curve is steepest. A straight-line test cannot
// see this: the two bends together look like a straight line of a smaller
// slope. The curves are means over hundreds of images, so the local slopes
// carry little noise and the steepest one is not a lone outlier.
//
// Only when fewer than fitMinPoints points are usable (or no window rises)
// does the rule fall back to the preset's slope σs (the first FitPoints
// rows), and it says so.
// (Until the medium preset's first run, step 4 did not exist and any curve
// without a qualifying run fell back, which for models with a floor put the
// fit on the floor itself: the small σs the rule's step 1 exists to avoid.)
const (
	fitMinGainDB = 3.0  // 10·log10(2): output MSE ≤ input MSE / 2
	fitSlopeTol  = 0.95 // local slopes ≥ 0.95 × the steepest
	fitMinPoints = 3
)

// FitRuleName names the rule in the report.
var FitRuleName = fmt.Sprintf("gain ≥ %g dB, longest run of ≥ %d points with local slopes ≥ %g × the steepest, else the steepest %d-point window", fitMinGainDB, fitMinPoints, fitSlopeTol, fitMinPoints)

// FitRange is the σ range a slope is fitted on: the σ indices (into the
// curve) of its points, the σ bounds and whether the rule found it (false:
// the fallback to the preset's slope σs).
type FitRange struct {
	Index  []int   // rows of the curve, by increasing σ
	LoSig  float64 // smallest fitted σ
	HiSig  float64 // largest fitted σ
	ByRule bool
	Window bool // found by step 4 of the rule: the steepest minimal window
}

// ChooseFitRange applies the fit-range rule to curve. fallback is the number
// of leading rows (the preset's slope σs) used when the rule finds no range.
// Rows of a repeated σ count once (the first).
func ChooseFitRange(curve metrics.Table, fallback int) (FitRange, error) {
	if fallback < 2 || fallback > len(curve) {
		return FitRange{}, fmt.Errorf("fit range: fallback of %d rows for a curve of %d", fallback, len(curve))
	}
	order := distinctBySigma(curve)
	var usable []int
	for _, i := range order {
		r := curve[i]
		if r.PSNROut-r.PSNRIn >= fitMinGainDB && !math.IsNaN(r.PSNROut) {
			usable = append(usable, i)
		}
	}
	if run := straightRun(curve, usable); len(run) >= fitMinPoints {
		return rangeOf(curve, run, true), nil
	}
	if w := steepestWindow(curve, usable); w != nil {
		r := rangeOf(curve, w, true)
		r.Window = true
		return r, nil
	}
	fb := distinctBySigma(curve[:fallback])
	return rangeOf(curve, fb, false), nil
}

// straightRun is the longest run of consecutive points of idx (already in
// σ order) whose local slopes are all at least fitSlopeTol times the
// steepest local slope of idx; ties go to the run at the smallest σ.
func straightRun(curve metrics.Table, idx []int) []int {
	if len(idx) < 2 {
		return nil
	}
	local := make([]float64, len(idx)-1)
	steepest := math.Inf(-1)
	for k := range local {
		a, b := curve[idx[k]], curve[idx[k+1]]
		local[k] = (b.PSNROut - a.PSNROut) / (b.PSNRIn - a.PSNRIn)
		steepest = math.Max(steepest, local[k])
	}
	if !(steepest > 0) {
		return nil
	}
	bestLo, bestLen := 0, 0
	for lo := 0; lo < len(local); {
		hi := lo
		for hi < len(local) && local[hi] >= fitSlopeTol*steepest {
			hi++
		}
		if hi-lo > bestLen {
			bestLo, bestLen = lo, hi-lo
		}
		lo = hi + 1
	}
	if bestLen == 0 {
		return nil
	}
	return idx[bestLo : bestLo+bestLen+1]
}

// steepestWindow is the window of fitMinPoints consecutive points of idx
// whose smallest local slope is the largest (ties: the smallest σ), nil if
// idx is too short or no window rises.
func steepestWindow(curve metrics.Table, idx []int) []int {
	var best []int
	bestMin := 0.0
	for lo := 0; lo+fitMinPoints <= len(idx); lo++ {
		w := idx[lo : lo+fitMinPoints]
		m := math.Inf(1)
		for k := 0; k+1 < len(w); k++ {
			a, b := curve[w[k]], curve[w[k+1]]
			m = math.Min(m, (b.PSNROut-a.PSNROut)/(b.PSNRIn-a.PSNRIn))
		}
		if m > bestMin {
			best, bestMin = w, m
		}
	}
	return best
}

func rangeOf(curve metrics.Table, idx []int, byRule bool) FitRange {
	r := FitRange{Index: idx, LoSig: math.Inf(1), HiSig: math.Inf(-1), ByRule: byRule}
	for _, i := range idx {
		r.LoSig, r.HiSig = math.Min(r.LoSig, curve[i].Sigma), math.Max(r.HiSig, curve[i].Sigma)
	}
	return r
}

// distinctBySigma is the indices of t's rows by increasing σ, the first row
// of each σ only.
func distinctBySigma(t metrics.Table) []int {
	idx := make([]int, len(t))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return t[idx[a]].Sigma < t[idx[b]].Sigma })
	out := idx[:0]
	for k, i := range idx {
		if k == 0 || t[i].Sigma != t[idx[k-1]].Sigma {
			out = append(out, i)
		}
	}
	return out
}

// FitOn is the least-squares slope of output on input PSNR over the rows idx.
func FitOn(curve metrics.Table, idx []int) float64 {
	x, y := make([]float64, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		x[k], y[k] = curve[i].PSNRIn, curve[i].PSNROut
	}
	return FitSlope(x, y)
}
