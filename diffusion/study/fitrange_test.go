package study

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/internal/rng"
)

// powerLawCurve is a denoiser whose output MSE is the power law A·σ^(2s)
// above a floor F and below a saturation level S: MSE = 1/(1/(Aσ^(2s)+F) + 1/S).
// Between the ends PSNR_out = s·PSNR_in − 10·log10 A.
func powerLawCurve(sigmas []float64, s, a, floor, sat float64) metrics.Table {
	var t metrics.Table
	for _, sg := range sigmas {
		mse := a*math.Pow(sg, 2*s) + floor
		if sat > 0 {
			mse = 1 / (1/mse + 1/sat)
		}
		t = append(t, metrics.Row{Split: "test", Sigma: sg, PSNRIn: -10 * math.Log10(sg*sg), PSNROut: -10 * math.Log10(mse), N: 1})
	}
	return t
}

func geomSigmas(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo * math.Pow(hi/lo, float64(i)/float64(n-1))
	}
	return out
}

// The rule finds the power-law part of a curve with a floor and a
// saturation, and the slope fitted there is the exponent; a fit over the
// whole curve is not.
func TestFitRangeRecoversPowerLaw(t *testing.T) {
	sig := geomSigmas(0.0001, 1, 26)
	for _, s := range []float64{0.5, 0.6, 0.75, 0.83} {
		curve := powerLawCurve(sig, s, 0.003, 1e-7, 0.03)
		// Shuffle the row order: the rule must sort by σ.
		curve[0], curve[5] = curve[5], curve[0]
		fr, err := ChooseFitRange(curve, 3)
		if err != nil {
			t.Fatal(err)
		}
		got := FitOn(curve, fr.Index)
		all := FitOn(curve, distinctBySigma(curve))
		if !fr.ByRule || math.Abs(got-s) > 0.01 {
			t.Errorf("s=%g: range σ∈[%.3g, %.3g] (%d points, by rule %v) gives slope %.4f (whole %.4f)", s, fr.LoSig, fr.HiSig, len(fr.Index), fr.ByRule, got, all)
		}
		if math.Abs(all-s) <= math.Abs(got-s) {
			t.Errorf("s=%g: the whole curve fits %.4f: the test's floor and saturation do not bend it", s, all)
		}
		// The floor's points (output not below half the input MSE) are out.
		for _, i := range fr.Index {
			if curve[i].PSNROut-curve[i].PSNRIn < fitMinGainDB {
				t.Errorf("s=%g: σ=%g in range with gain %.2f dB", s, curve[i].Sigma, curve[i].PSNROut-curve[i].PSNRIn)
			}
		}
	}
}

// Without a floor or saturation the whole curve is the range.
func TestFitRangePurePowerLaw(t *testing.T) {
	sig := geomSigmas(0.01, 0.3, 8)
	curve := powerLawCurve(sig, 0.6, 1e-3, 0, 0)
	fr, err := ChooseFitRange(curve, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(fr.Index) != 8 || fr.LoSig != sig[0] || fr.HiSig != sig[7] || math.Abs(FitOn(curve, fr.Index)-0.6) > 1e-9 {
		t.Errorf("pure power law: range %+v slope %v", fr, FitOn(curve, fr.Index))
	}
}

// A denoiser that returns its input has no usable point: the rule falls
// back to the preset's slope σs and says so; bad fallbacks are errors.
func TestFitRangeFallback(t *testing.T) {
	var curve metrics.Table
	for _, s := range []float64{0.05, 0.1, 0.2, 0.4} {
		p := -10 * math.Log10(s*s)
		curve = append(curve, metrics.Row{Sigma: s, PSNRIn: p, PSNROut: p + 1})
	}
	fr, err := ChooseFitRange(curve, 2)
	if err != nil {
		t.Fatal(err)
	}
	if fr.ByRule || len(fr.Index) != 2 || fr.LoSig != 0.05 || fr.HiSig != 0.1 {
		t.Errorf("fallback range %+v", fr)
	}
	for _, fb := range []int{0, 1, 5} {
		if _, err := ChooseFitRange(curve, fb); err == nil {
			t.Errorf("fallback %d accepted", fb)
		}
	}
}

// A curve whose local slope grows all the way (the floor felt over the
// whole grid) has no run within 0.95 of its steepest slope: step 4 takes
// the steepest 3-point window, the top of the grid, not the floor's end.
func TestFitRangeSteepestWindow(t *testing.T) {
	sig := []float64{0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.2, 0.4}
	curve := powerLawCurve(sig, 0.75, 0.003, 6e-5, 0)
	fr, err := ChooseFitRange(curve, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !fr.ByRule || !fr.Window || len(fr.Index) != fitMinPoints || fr.LoSig != 0.1 || fr.HiSig != 0.4 {
		t.Fatalf("range %+v, want the window σ ∈ [0.1, 0.4] by step 4", fr)
	}
	// Check by hand that no run qualified: the last local slope is the
	// steepest and the one before it is below 0.95 of it.
	last := func(i int) float64 {
		return (curve[i+1].PSNROut - curve[i].PSNROut) / (curve[i+1].PSNRIn - curve[i].PSNRIn)
	}
	if !(last(5) < fitSlopeTol*last(6)) {
		t.Fatalf("the test curve is too straight: local slopes %.3f, %.3f", last(5), last(6))
	}
	// The window's fit is closer to the exponent than the floor-bound
	// fallback (the first 5 rows) would be.
	fb := FitOn(curve, []int{0, 1, 2, 3, 4})
	if got := FitOn(curve, fr.Index); math.Abs(got-0.75) >= math.Abs(fb-0.75) {
		t.Errorf("window slope %.3f is no closer to 0.75 than the fallback's %.3f", got, fb)
	}
}

// Identical images: every resample is the full sample, the interval is the
// point.
func TestSlopeIntervalNoiselessCollapses(t *testing.T) {
	sig := []float64{0.02, 0.05, 0.1, 0.2}
	curve := powerLawCurve(sig, 0.6, 0.016, 0, 0)
	per := &metrics.PerImage{Sigmas: sig}
	for _, r := range curve {
		in, out := make([]float64, 20), make([]float64, 20)
		for i := range in {
			in[i], out[i] = r.PSNRIn, r.PSNROut
		}
		per.In, per.Out = append(per.In, in), append(per.Out, out)
	}
	lo, hi, err := SlopeInterval(per, []int{0, 1, 2, 3}, 200, 0.95, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lo-0.6) > 1e-9 || math.Abs(hi-0.6) > 1e-9 {
		t.Errorf("noiseless interval [%v, %v], want the point 0.6", lo, hi)
	}
	if _, _, err := SlopeInterval(per, []int{0, 9}, 200, 0.95, 1); err == nil {
		t.Error("σ row out of range accepted")
	}
	if _, _, err := SlopeInterval(per, []int{0, 1}, 5, 0.95, 1); err == nil {
		t.Error("5 resamples accepted")
	}
}

// Monte Carlo: per-image PSNRs are a power law plus an image offset and
// noise; the 95% interval covers the true slope in about 95% of data sets,
// and the same seed gives the same interval.
func TestSlopeIntervalCoverage(t *testing.T) {
	const s, images, sets = 0.6, 40, 200
	sig := []float64{0.02, 0.04, 0.08, 0.16, 0.32}
	r := rng.New(11)
	covered := 0
	var width float64
	for set := range sets {
		per := &metrics.PerImage{Sigmas: sig}
		off := make([]float64, images)
		for i := range off {
			off[i] = r.Normal()
		}
		for _, sg := range sig {
			pin := -10 * math.Log10(sg*sg)
			in, out := make([]float64, images), make([]float64, images)
			for i := range in {
				in[i], out[i] = pin, s*pin+5+off[i]+0.8*r.Normal()
			}
			per.In, per.Out = append(per.In, in), append(per.Out, out)
		}
		lo, hi, err := SlopeInterval(per, []int{0, 1, 2, 3, 4}, 200, 0.95, uint64(set))
		if err != nil {
			t.Fatal(err)
		}
		if lo <= s && s <= hi {
			covered++
		}
		width += hi - lo
		if set == 0 {
			lo2, hi2, _ := SlopeInterval(per, []int{0, 1, 2, 3, 4}, 200, 0.95, 0)
			if lo2 != lo || hi2 != hi {
				t.Errorf("same seed: [%v, %v] then [%v, %v]", lo, hi, lo2, hi2)
			}
		}
	}
	if c := float64(covered) / sets; c < 0.88 || c > 0.99 {
		t.Errorf("coverage %.3f of the 95%% interval (mean width %.4f)", c, width/sets)
	}
}
