package study

import (
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// claimCase is one set of synthetic numbers and the verdict it must give.
type claimCase struct {
	name    string
	numbers report.Numbers
	want    string
	text    []string // substrings the claim's sentence must contain
}

func checkClaim(t *testing.T, judge func(report.Numbers) judged, cases []claimCase) {
	t.Helper()
	for _, c := range cases {
		got := judge(c.numbers)
		if got.Verdict != c.want {
			t.Errorf("%s: %s: verdict %q, want %q (%s)", got.ID, c.name, got.Verdict, c.want, got.Text)
		}
		if !strings.Contains(got.Text, "**"+c.want+"**") {
			t.Errorf("%s: %s: the sentence does not state the verdict: %s", got.ID, c.name, got.Text)
		}
		for _, s := range c.text {
			if !strings.Contains(got.Text, s) {
				t.Errorf("%s: %s: sentence lacks %q: %s", got.ID, c.name, s, got.Text)
			}
		}
		for k, v := range got.Evidence {
			if w, ok := c.numbers[k]; !ok || w != v {
				t.Errorf("%s: %s: evidence %s = %v is not a given number", got.ID, c.name, k, v)
			}
		}
		if got.Statement == "" || got.Evidence == nil {
			t.Errorf("%s: %s: no statement or nil evidence", got.ID, c.name)
		}
	}
}

func TestClaimGap(t *testing.T) {
	checkClaim(t, claimGap, []claimCase{
		{"closes", report.Numbers{"train_test_gap_db_N1": 30.36, "train_test_gap_db_N10": 12.5, "train_test_gap_db_N1000": 0.23}, report.Holds,
			[]string{"goes from 30.36 dB at N=1 to 0.23 dB at N=1000"}},
		{"shrinks but open", report.Numbers{"train_test_gap_db_N1": 30, "train_test_gap_db_N1000": 1.5}, report.DoesNotHold,
			[]string{"the curves have not met"}},
		{"grows", report.Numbers{"train_test_gap_db_N1": 0.5, "train_test_gap_db_N1000": 0.8}, report.DoesNotHold, nil},
		{"one N", report.Numbers{"train_test_gap_db_N1": 30}, report.NotMeasured, nil},
		{"no sweep", report.Numbers{}, report.NotMeasured, nil},
	})
}

// twoNetNumbers are the A.2 numbers of one N: every model has converged
// chains out of 32, with the given median cosines.
func twoNetNumbers(n report.Numbers, N string, converged, pairs, nearest, pair float64) {
	p := "twonet_N" + N
	n[p+"_samples"] = 32
	n[p+"_converged_s1"], n[p+"_converged_s2"], n[p+"_pairs_converged"] = converged, converged, pairs
	n[p+"_diverged_s1"], n[p+"_diverged_s2"] = 32-converged, 32-converged
	n[p+"_nearest_cos_s1"], n[p+"_nearest_cos_s2"], n[p+"_nearest_centered_cos_s1"] = nearest, nearest-0.01, nearest-0.2
	n[p+"_pair_cos"], n[p+"_pair_centered_cos"] = pair, pair-0.1
}

func twoNetSet(small1, small10, large [4]float64) report.Numbers {
	n := report.Numbers{}
	twoNetNumbers(n, "1", small1[0], small1[1], small1[2], small1[3])
	twoNetNumbers(n, "10", small10[0], small10[1], small10[2], small10[3])
	twoNetNumbers(n, "1000", large[0], large[1], large[2], large[3])
	return n
}

func TestClaimMemorization(t *testing.T) {
	memorizing := [4]float64{32, 32, 0.999, 0.85}
	large := [4]float64{32, 32, 0.97, 0.977}
	checkClaim(t, claimMemorization, []claimCase{
		{"copies", twoNetSet(memorizing, [4]float64{32, 32, 0.97, 0.86}, large), report.Holds,
			[]string{"N=1: 0.989 (centered 0.799; converged S1 32/32, S2 32/32)", "N=10: 0.960"}},
		{"N=10 generalizes", twoNetSet(memorizing, [4]float64{32, 32, 0.93, 0.86}, large), report.DoesNotHold, nil},
		{"too few converged", twoNetSet(memorizing, [4]float64{3, 3, 0.99, 0.86}, large), report.NotMeasured,
			[]string{"fewer than 4 converged chains"}},
		{"only large N", func() report.Numbers { n := report.Numbers{}; twoNetNumbers(n, "1000", 32, 32, 0.97, 0.977); return n }(), report.NotMeasured, nil},
		{"no experiment", report.Numbers{}, report.NotMeasured, nil},
	})
}

func TestClaimOneScore(t *testing.T) {
	small := [4]float64{32, 32, 0.999, 0.859}
	checkClaim(t, claimOneScore, []claimCase{
		{"same samples", twoNetSet(small, [4]float64{32, 32, 0.96, 0.8}, [4]float64{32, 32, 0.971, 0.977}), report.Holds,
			[]string{"0.977 at N=1000 over the 32/32 pairs", "vs at most 0.859 at N≤10", "vs 0.971 to the nearest"}},
		{"closer to training images", twoNetSet(small, [4]float64{32, 32, 0.96, 0.8}, [4]float64{32, 32, 0.99, 0.977}), report.DoesNotHold, nil},
		{"no closer than at small N", twoNetSet(small, [4]float64{32, 32, 0.96, 0.8}, [4]float64{32, 32, 0.5, 0.85}), report.DoesNotHold, nil},
		{"3 pairs converged", twoNetSet(small, [4]float64{32, 32, 0.96, 0.8}, [4]float64{32, 3, 0.9, 0.99}), report.NotMeasured, nil},
		{"small N pairs diverged", twoNetSet([4]float64{32, 2, 0.99, 0.9}, [4]float64{32, 3, 0.96, 0.8}, [4]float64{32, 32, 0.9, 0.99}), report.NotMeasured, nil},
		{"no experiment", report.Numbers{}, report.NotMeasured, nil},
	})
}

func TestClaimShrinkage(t *testing.T) {
	jac := func(traces ...float64) report.Numbers {
		n := report.Numbers{"jac_large_n": 1000, "jac_images": 8}
		for i, s := range []string{"0.02", "0.05", "0.1", "0.2", "0.4"}[:len(traces)] {
			n["jac_large_trace_sigma_"+s] = traces[i]
			n["jac_large_sure_rel_err_sigma_"+s] = 0.01 * float64(i+1)
			n["jac_large_asym_sigma_"+s] = 0.1 + 0.01*float64(i)
		}
		return n
	}
	checkClaim(t, claimShrinkage, []claimCase{
		{"falls", jac(96.5, 60, 40, 25, 17), report.Holds,
			[]string{"96.50 at σ=0.02 to 17.00 at σ=0.4, N=1000", "within 5% at every σ (averages over 8 images)", "between 0.100 and 0.140"}},
		{"rises once", jac(96.5, 60, 61, 25, 17), report.DoesNotHold, nil},
		{"one σ", jac(96.5), report.NotMeasured, nil},
		{"no Jacobian", report.Numbers{}, report.NotMeasured, nil},
	})
}

func TestClaimCAlpha(t *testing.T) {
	// slopes at α = 1, 2, 3, 5 with bootstrap intervals of half-width w.
	slopes := func(w float64, s ...float64) report.Numbers {
		n := report.Numbers{}
		for i, a := range []string{"1", "2", "3", "5"}[:len(s)] {
			n["slope_alpha_"+a] = s[i]
			n["slope_lo_alpha_"+a], n["slope_hi_alpha_"+a] = s[i]-w, s[i]+w
		}
		n["slope_optimal_alpha_1"], n["slope_paper_alpha_1"] = 0.5, 0.46
		return n
	}
	// The README's quick-preset slopes: a rise from α=1 to 2, then flat.
	readme := slopes(0.02, 0.479, 0.549, 0.537, 0.527)
	noInterval := slopes(0.01, 0.4, 0.5, 0.6)
	delete(noInterval, "slope_hi_alpha_2")
	checkClaim(t, claimCAlpha, []claimCase{
		{"rises, intervals ordered", slopes(0.02, 0.456, 0.505, 0.56, 0.62), report.Holds,
			[]string{"α=1: 0.456 [0.436, 0.476] (optimal 0.50, paper 0.46)", "α=5: 0.620 [0.600, 0.640] (optimal n/a, paper n/a)"}},
		// The previous build's slopes rise, but α=3 and α=5 lie within
		// each other's intervals: not an increase the data shows.
		{"rises, intervals overlap", slopes(0.02, 0.456, 0.505, 0.527, 0.533), report.DoesNotHold, []string{"successive intervals ordered: **does not hold**"}},
		{"flat after α=2", readme, report.DoesNotHold, []string{"α=2: 0.549 [0.529, 0.569]"}},
		{"an interval missing", noInterval, report.NotMeasured, []string{"α=2: 0.500 [0.490, n/a]"}},
		{"one α", slopes(0.01, 0.5), report.NotMeasured, nil},
		{"no C^α model", report.Numbers{"slope_disks": 0.4}, report.NotMeasured, nil},
	})
	got := claimCAlpha(readme).Evidence
	want := []string{"slope_alpha_1", "slope_alpha_2", "slope_alpha_3", "slope_alpha_5", "slope_hi_alpha_1", "slope_hi_alpha_2", "slope_hi_alpha_3", "slope_hi_alpha_5",
		"slope_lo_alpha_1", "slope_lo_alpha_2", "slope_lo_alpha_3", "slope_lo_alpha_5"}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, want) {
		t.Fatalf("A.4 evidence keys %v", keys)
	}
	// α sorts as a number, not as text: 10 comes after 5.
	n := slopes(0.01, 0.4, 0.5, 0.6, 0.7)
	n["slope_alpha_10"], n["slope_lo_alpha_10"], n["slope_hi_alpha_10"] = 0.65, 0.64, 0.66
	if v := claimCAlpha(n).Verdict; v != report.DoesNotHold {
		t.Fatalf("a slope at α=10 below α=5's: %s", v)
	}
	delete(n, "slope_alpha_10")
	if v := claimCAlpha(n).Verdict; v != report.Holds {
		t.Fatalf("ordered intervals: %s", v)
	}
	// The area-coverage contour is reported beside, by the same criterion,
	// and leaves the verdict to the authors' contour.
	n["slope_aa_alpha_1"], n["slope_aa_lo_alpha_1"], n["slope_aa_hi_alpha_1"] = 0.48, 0.47, 0.49
	n["slope_aa_alpha_2"], n["slope_aa_lo_alpha_2"], n["slope_aa_hi_alpha_2"] = 0.47, 0.46, 0.48
	c := claimCAlpha(n)
	if c.Verdict != report.Holds || !strings.Contains(c.Text, "on the area-coverage contour α=1: 0.480 [0.470, 0.490], α=2: 0.470 [0.460, 0.480], intervals ordered: does not hold") {
		t.Errorf("with the area-coverage contour: %s: %s", c.Verdict, c.Text)
	}
	if _, ok := c.Evidence["slope_aa_lo_alpha_2"]; !ok {
		t.Errorf("evidence %v lacks the area-coverage intervals", c.Evidence)
	}
}

func TestClaimDisks(t *testing.T) {
	disks := func(slope, tail float64) report.Numbers {
		return report.Numbers{"slope_disks": slope, "jac_disks_trace_sigma_0.02": 22.7, "jac_disks_tail_mass_sigma_0.02": tail,
			"jac_disks_trace_sigma_0.1": 10, "jac_disks_tail_mass_sigma_0.1": 0.01}
	}
	checkClaim(t, claimDisks, []claimCase{
		{"suboptimal", disks(0.411, 0.6), report.Holds,
			[]string{"slope 0.41 vs optimal 1 (falls short: **holds**)", "at σ=0.02, tr∇f = 22.70", "60% of Σλ"}},
		{"optimal slope", disks(0.97, 0.6), report.DoesNotHold, []string{"(falls short: **does not hold**)"}},
		{"tangent space only", disks(0.4, 0.1), report.DoesNotHold, []string{"tangent space: **does not hold**"}},
		{"no Jacobian, slope short", report.Numbers{"slope_disks": 0.4}, report.NotMeasured, []string{"tangent space: **not measured**"}},
		{"no Jacobian, slope optimal", report.Numbers{"slope_disks": 0.99}, report.DoesNotHold, nil},
		{"no disks model", report.Numbers{"slope_alpha_1": 0.4}, report.NotMeasured, nil},
	})
}

func TestClaimShuffled(t *testing.T) {
	shuffled := func(shuf, plain, trShuf, trPlain float64) report.Numbers {
		return report.Numbers{"slope_shuffled": shuf, "slope_unshuffled": plain,
			"psnr_out_shuffled_sigma_0.05": 23.95, "psnr_out_unshuffled_sigma_0.05": 29.03,
			"jac_shuffled_trace_sigma_0.05": 300, "jac_shuffled_trace_sigma_0.1": trShuf, "jac_shuffled_trace_sigma_0.2": 50,
			"jac_unshuffled_trace_sigma_0.05": 100, "jac_unshuffled_trace_sigma_0.1": trPlain, "jac_unshuffled_trace_sigma_0.2": 30}
	}
	checkClaim(t, claimShuffled, []claimCase{
		{"worse", shuffled(0.5, 0.549, 163.5, 69.2), report.Holds,
			[]string{"slope 0.50 vs 0.55 unshuffled (**holds**; output PSNR at σ=0.05 23.95 vs 29.03 dB)", "tr∇f at σ=0.1 163.50 vs 69.20"}},
		// The README's quick-preset numbers: the decay holds, the slope does not.
		{"larger slope", shuffled(0.588, 0.549, 163.5, 69.2), report.DoesNotHold, []string{"slower eigenvalue decay: **holds**"}},
		{"faster decay", shuffled(0.5, 0.549, 60, 69.2), report.DoesNotHold, nil},
		{"no unshuffled model", report.Numbers{"slope_shuffled": 0.5, "jac_shuffled_trace_sigma_0.1": 100}, report.NotMeasured, nil},
		{"no shuffled model", report.Numbers{"slope_unshuffled": 0.5}, report.NotMeasured, nil},
	})
}

// gahbClaims lists every claim once, in the report's order, and each id's
// verdict is one of the three.
func TestClaimIDs(t *testing.T) {
	var ids []string
	for _, c := range gahbClaims(report.Numbers{}) {
		ids = append(ids, c.ID)
		if c.Verdict != report.NotMeasured {
			t.Errorf("%s without numbers: %s", c.ID, c.Verdict)
		}
	}
	if want := []string{"A.1", "A.2a", "A.2b", "A.3", "A.4", "A.5", "A.6"}; !slices.Equal(ids, want) {
		t.Fatalf("claims %v, want %v", ids, want)
	}
}

// The slope numbers: the authors' contour under slope_alpha_*, the
// area-coverage contour under slope_aa_alpha_*, each with its interval.
func TestSlopeNumbersAAContour(t *testing.T) {
	res := &Results{Preset: Smoke()}
	res.Slopes = []*SlopeResult{
		synthSlope("C^α, α=2", "cmix:2", false, 0.55, 2.0/3),
		synthSlope("C^α, α=2, area-coverage contour", "cmix:2:aa", false, 0.6, 2.0/3),
	}
	n := gahbNumbers(res)
	for name, want := range map[string]float64{"slope_alpha_2": 0.55, "slope_lo_alpha_2": 0.54, "slope_hi_alpha_2": 0.56,
		"slope_aa_alpha_2": 0.6, "slope_aa_lo_alpha_2": 0.59, "slope_aa_hi_alpha_2": 0.61} {
		if got, ok := n.Get(name); !ok || math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
		}
	}
	if _, ok := n.Get("slope_alpha_2:aa"); ok {
		t.Error("the area-coverage slope is also filed as an α of the authors' contour")
	}
}
