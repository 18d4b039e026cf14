package study

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// The names of the numbers study B's claims read (localityNumbers writes
// them, locality_claims.go reads them). Dataset k of the preset is "_d<k>".
const (
	numLocDatasets = "datasets" // how many datasets the preset has
	// B.1: median over pixels and field steps with σ_t ≤ b1MaxSigma of the
	// cosine between the network's and the Wiener filter's field.
	numFieldsCosMedian = "fields_cos_median_d" // + k
	// B.1, the same for study A's bias-free UNet in σ-space.
	numFieldsBlindCosMedian = "fields_blind_cos_median_d" // + k
	// B.1, per step (the report's table): "fields_d<k>_cos_t<t>".
	numFieldsStep = "fields_d%d_cos_t"
	// B.2: share of a W-trained network's field energy on the W mask over
	// the same share of the network trained on the unmanipulated data, at
	// σ well below the W's standard deviation, median over output pixels
	// and steps: "w_share_ratio_d<k>_g<γ>".
	numWShareRatio = "w_share_ratio_d%d_g"
)

// locR2Name is the name of a model's r² or MSE against the network on
// dataset k: mode "ddim" (own trajectories) or "single" (the network's),
// stat "r2_final", "mse_final" (last step) or "r2_mean" (over the steps).
func locR2Name(mode, stat, model string, k int) string {
	return fmt.Sprintf("%s_%s_%s_d%d", mode, stat, model, k)
}

// localityNumbers names every number of res that a claim or table reads;
// a part not done contributes no names and an unmeasurable value (NaN,
// null) is left out, so the claims needing it are not measured.
func localityNumbers(res *LocalityResults) report.Numbers {
	n := report.Numbers{}
	n.Set(numLocDatasets, float64(len(res.Datasets)))
	for k, d := range res.Datasets {
		if f := d.Fields; f != nil {
			if f.CosineBlind != nil {
				var all []float64
				for i := range f.Steps {
					if i >= len(f.CosineBlind) || i >= len(f.Sigmas) || f.Sigmas[i] > b1MaxSigma {
						continue
					}
					for _, c := range f.CosineBlind[i] {
						if c != nil {
							all = append(all, *c)
						}
					}
				}
				n.Set(fmt.Sprintf("%s%d", numFieldsBlindCosMedian, k), Median(all))
			}
			var all []float64
			for i, t := range f.Steps {
				if i >= len(f.Cosine) || i >= len(f.Sigmas) {
					break
				}
				var row []float64
				for _, c := range f.Cosine[i] {
					if c != nil {
						row = append(row, *c)
					}
				}
				n.Set(fmt.Sprintf(numFieldsStep, k)+fmt.Sprint(t), Median(row))
				if f.Sigmas[i] <= b1MaxSigma {
					all = append(all, row...)
				}
			}
			n.Set(fmt.Sprintf("%s%d", numFieldsCosMedian, k), Median(all))
		}
		for _, wf := range d.WFields {
			var all []float64
			for _, row := range wf.Ratio {
				for _, r := range row {
					if r != nil {
						all = append(all, *r)
					}
				}
			}
			n.Set(fmt.Sprintf(numWShareRatio, k)+fmt.Sprint(wf.Gamma), Median(all))
		}
		if c := d.Compare; c != nil {
			for _, mode := range []struct {
				name   string
				curves map[string]curve
			}{{"ddim", c.DDIM}, {"single", c.Single}} {
				for model, cv := range mode.curves {
					if len(cv.R2) == 0 {
						continue
					}
					n.Set(locR2Name(mode.name, "r2_final", model, k), value(cv.R2[len(cv.R2)-1]))
					n.Set(locR2Name(mode.name, "mse_final", model, k), value(cv.MSE[len(cv.MSE)-1]))
					n.Set(locR2Name(mode.name, "r2_mean", model, k), meanOf(cv.R2))
				}
			}
		}
	}
	return n
}

// value is *v, NaN for nil (not measured).
func value(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

// meanOf is the mean of the measured values (NaN if any is not measured).
func meanOf(v []*float64) float64 {
	var s float64
	for _, x := range v {
		s += value(x)
	}
	return s / float64(len(v))
}
