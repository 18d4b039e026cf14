package study

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

func TestClaimFieldsWiener(t *testing.T) {
	checkClaim(t, claimFieldsWiener, []claimCase{
		{"every dataset matches", report.Numbers{"datasets": 2, "fields_cos_median_d0": 0.91, "fields_cos_median_d1": 0.62}, report.Holds,
			[]string{"dataset 0: 0.910", "dataset 1: 0.620"}},
		{"one dataset below", report.Numbers{"datasets": 2, "fields_cos_median_d0": 0.91, "fields_cos_median_d1": 0.59}, report.DoesNotHold, nil},
		{"both architectures match", report.Numbers{"datasets": 1, "fields_cos_median_d0": 0.91, "fields_blind_cos_median_d0": 0.75}, report.Holds,
			[]string{"dataset 0: 0.910 (bias-free UNet 0.750)"}},
		{"the bias-free UNet does not", report.Numbers{"datasets": 1, "fields_cos_median_d0": 0.91, "fields_blind_cos_median_d0": 0.3}, report.DoesNotHold, nil},
		{"one dataset not measured", report.Numbers{"datasets": 2, "fields_cos_median_d1": 0.8}, report.Holds, []string{"dataset 0: not measured"}},
		{"no fields", report.Numbers{"datasets": 2}, report.NotMeasured, nil},
		{"no datasets", report.Numbers{}, report.NotMeasured, nil},
	})
}

func TestClaimWAppears(t *testing.T) {
	checkClaim(t, claimWAppears, []claimCase{
		{"W shows", report.Numbers{"datasets": 1, "w_share_ratio_d0_g0.5": 3.5, "w_share_ratio_d0_g0.1": 2.1}, report.Holds,
			[]string{"dataset 0, γ=0.1: 2.10×, dataset 0, γ=0.5: 3.50×"}},
		{"W faint at one γ", report.Numbers{"datasets": 2, "w_share_ratio_d0_g0.5": 3.5, "w_share_ratio_d1_g0.1": 1.4}, report.DoesNotHold, nil},
		{"no W networks", report.Numbers{"datasets": 2}, report.NotMeasured, []string{"no network on W-manipulated data"}},
	})
}

func TestClaimAnalyticRanking(t *testing.T) {
	r2 := func(k int, vals map[string]float64) report.Numbers {
		n := report.Numbers{"datasets": float64(k + 1)}
		for m, v := range vals {
			n[locR2Name("ddim", "r2_final", m, k)] = v
		}
		return n
	}
	all := r2(0, map[string]float64{"locality": 0.93, "wiener": 0.8, "els": 0.7, "optimal": 0.4})
	checkClaim(t, claimAnalyticRanking, []claimCase{
		{"full ranking", all, report.Holds, []string{"locality 0.930, wiener 0.800, els 0.700, optimal 0.400"}},
		{"ELS absent, rest ordered", r2(0, map[string]float64{"locality": 0.9, "wiener": 0.8, "optimal": 0.4}), report.Holds,
			[]string{"not measured, so left out of the ranking: els"}},
		{"Wiener beats locality", r2(0, map[string]float64{"locality": 0.7, "wiener": 0.8, "optimal": 0.4}), report.DoesNotHold, []string{"els"}},
		{"optimal beats Wiener", r2(0, map[string]float64{"locality": 0.9, "wiener": 0.5, "optimal": 0.6}), report.DoesNotHold, nil},
		{"ties do not rank", r2(0, map[string]float64{"locality": 0.8, "wiener": 0.8}), report.DoesNotHold, nil},
		{"one model", r2(0, map[string]float64{"locality": 0.9}), report.NotMeasured, nil},
		{"no comparison", report.Numbers{"datasets": 1}, report.NotMeasured, nil},
	})
	// Two datasets: one out of order fails the claim.
	two := r2(1, map[string]float64{"locality": 0.5, "wiener": 0.6})
	for k, v := range all {
		two[k] = v
	}
	two["datasets"] = 2
	if got := claimAnalyticRanking(two); got.Verdict != report.DoesNotHold {
		t.Errorf("one dataset out of order: %s (%s)", got.Verdict, got.Text)
	}
}

// localityNumbers reads the jobs' results into the names the claims use:
// the median over pixels of the steps with σ ≤ b1MaxSigma only, a null
// cosine left out, the last step's r² as the final one.
func TestLocalityNumbers(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	res := &LocalityResults{Datasets: []*LocalityDataResult{{
		Fields: &fieldResult{Steps: []int{100, 300, 600}, Sigmas: []float64{0.34, 1.24, 5},
			Pixels: []int{1, 2}, Cosine: [][]*float64{{p(0.9), p(0.7)}, {p(0.5), nil}, {p(0.1), p(0.1)}},
			CosineBlind: [][]*float64{{p(0.6), p(0.4)}, {nil, nil}, {p(0.9), p(0.9)}}},
		Compare: &comparison{T: []int{900, 0}, DDIM: map[string]curve{"wiener": {R2: []*float64{p(0.2), p(0.8)}, MSE: []*float64{p(0.3), p(0.01)}}},
			Single: map[string]curve{"wiener": {R2: []*float64{p(0.4), nil}, MSE: []*float64{p(0.3), nil}}}},
	}, {}}}
	n := localityNumbers(res)
	want := map[string]float64{
		"datasets":                   2,
		"fields_cos_median_d0":       0.7, // median of 0.9, 0.7, 0.5
		"fields_blind_cos_median_d0": 0.5, // median of 0.6, 0.4 (σ = 5 left out)
		"fields_d0_cos_t100":         0.8,
		"fields_d0_cos_t300":         0.5,
		"fields_d0_cos_t600":         0.1,
		"ddim_r2_final_wiener_d0":    0.8,
		"ddim_mse_final_wiener_d0":   0.01,
		"ddim_r2_mean_wiener_d0":     0.5,
		"single_r2_mean_wiener_d0":   math.NaN(),
	}
	for k, v := range want {
		got, ok := n.Get(k)
		if math.IsNaN(v) {
			if ok {
				t.Errorf("%s = %v, want not measured", k, got)
			}
			continue
		}
		if !ok || math.Abs(got-v) > 1e-12 {
			t.Errorf("%s = %v (measured %v), want %v", k, got, ok, v)
		}
	}
	if _, ok := n.Get("single_r2_final_wiener_d0"); ok {
		t.Error("a null final r² is measured")
	}
}
