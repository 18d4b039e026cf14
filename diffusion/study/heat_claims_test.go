package study

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/tensor"
)

func TestClaimPSDSlope(t *testing.T) {
	checkClaim(t, claimPSDSlope, []claimCase{
		{"photos near −2", report.Numbers{"datasets": 2, "psd_slope_d0": -3.4, "psd_slope_d1": -2.25, "photos_d1": 1}, report.Holds,
			[]string{"dataset 1: -2.250"}},
		{"photos too steep", report.Numbers{"datasets": 1, "psd_slope_d0": -2.31, "photos_d0": 1}, report.DoesNotHold, nil},
		{"photos too flat", report.Numbers{"datasets": 1, "psd_slope_d0": -1.69, "photos_d0": 1}, report.DoesNotHold, nil},
		{"no photos: the data it has, named", report.Numbers{"datasets": 1, "psd_slope_d0": -1.9}, report.Holds,
			[]string{"dataset 0: -1.900", "no photo dataset"}},
		{"photos not measured", report.Numbers{"datasets": 2, "psd_slope_d0": -2, "photos_d1": 1}, report.NotMeasured, nil},
		{"nothing", report.Numbers{}, report.NotMeasured, nil},
	})
}

func TestClaimCrossoverFalls(t *testing.T) {
	checkClaim(t, claimCrossoverFalls, []claimCase{
		{"falls", report.Numbers{"datasets": 1, "crossover_d0_s0.05": 4.3, "crossover_d0_s0.1": 3.4, "crossover_d0_s0.2": 2.2}, report.Holds,
			[]string{"σ=0.05: 4.30, σ=0.1: 3.40, σ=0.2: 2.20"}},
		{"small σ beyond Nyquist is consistent", report.Numbers{"datasets": 1, "crossover_above_d0_s0.02": 1, "crossover_d0_s0.05": 4.3, "crossover_d0_s0.1": 3.4},
			report.Holds, []string{"σ=0.02: beyond Nyquist"}},
		{"large σ beyond Nyquist is not", report.Numbers{"datasets": 1, "crossover_d0_s0.05": 4.3, "crossover_d0_s0.1": 3.4, "crossover_above_d0_s0.2": 1},
			report.DoesNotHold, nil},
		{"rises", report.Numbers{"datasets": 1, "crossover_d0_s0.05": 3, "crossover_d0_s0.1": 3.4}, report.DoesNotHold, nil},
		{"tie", report.Numbers{"datasets": 1, "crossover_d0_s0.05": 3, "crossover_d0_s0.1": 3}, report.DoesNotHold, nil},
		{"one crossover", report.Numbers{"datasets": 1, "crossover_d0_s0.05": 3, "crossover_above_d0_s0.01": 1}, report.NotMeasured,
			[]string{"fewer than 2 crossovers"}},
		{"nothing", report.Numbers{"datasets": 1}, report.NotMeasured, nil},
	})
}

func TestClaimNovelRecognisable(t *testing.T) {
	full := func(sn, tn, sc, tc float64) report.Numbers {
		return report.Numbers{"datasets": 1, "prior_on_novelty_median_d0": sn, "test_novelty_median_d0": tn,
			"prior_on_confidence_d0": sc, "test_confidence_d0": tc}
	}
	checkClaim(t, claimNovelRecognisable, []claimCase{
		{"novel and recognisable", full(0.85, 1.0, 0.93, 0.99), report.Holds,
			[]string{"median novelty ratio 0.850 vs test 1.000, confidence 0.930 vs test 0.990"}},
		// Not a fixed cut-off at 1: real test digits sit at 1.00, a sample
		// set at 0.9 is as novel as held-out data.
		{"below 1 but within the margin", full(0.9, 1.0, 0.95, 0.99), report.Holds, nil},
		{"copies", full(0.3, 1.0, 0.99, 0.99), report.DoesNotHold, nil},
		{"unrecognisable", full(1.1, 1.0, 0.6, 0.99), report.DoesNotHold, nil},
		{"too confident counts too", full(1.1, 1.0, 0.99, 0.8), report.DoesNotHold, nil},
		{"no classifier", report.Numbers{"datasets": 1, "prior_on_novelty_median_d0": 1.1, "test_novelty_median_d0": 0.9}, report.NotMeasured,
			[]string{"median novelty ratio 1.100 vs test 0.900", "confidence not measured"}},
		{"nothing", report.Numbers{"datasets": 1}, report.NotMeasured, nil},
	})
}

func TestClaimSmoothInterpolation(t *testing.T) {
	checkClaim(t, claimSmoothInterpolation, []claimCase{
		{"smooth", report.Numbers{"datasets": 2, "interp_step_ratio_d0": 1.7, "interp_step_ratio_d1": 3}, report.Holds, []string{"1.70×", "3.00×"}},
		{"a jump", report.Numbers{"datasets": 1, "interp_step_ratio_d0": 3.2}, report.DoesNotHold, nil},
		{"no strips", report.Numbers{"datasets": 1}, report.NotMeasured, nil},
	})
}

// stepRatio against hand-computed strips: evenly spaced frames give 1, one
// jump of 5 units among unit steps gives 5, a constant strip is NaN.
func TestStepRatio(t *testing.T) {
	strip := func(pos ...float32) *tensor.Tensor {
		x := tensor.New(len(pos), 1, 1, 2)
		for i, p := range pos {
			x.Data()[2*i], x.Data()[2*i+1] = p*0.6, p*0.8 // |step| = Δp
		}
		return x
	}
	for _, c := range []struct {
		name string
		x    *tensor.Tensor
		want float64
	}{{"even", strip(0, 1, 2, 3), 1}, {"jump", strip(0, 1, 2, 7, 8), 5}, {"constant", strip(1, 1, 1), math.NaN()}} {
		got := stepRatio(c.x)
		if math.IsNaN(c.want) != math.IsNaN(got) || !math.IsNaN(c.want) && math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// The presets plan (quick inside its 45 minutes by the cost model, serial
// on one thread), and bad presets are refused before any job.
func TestHeatPresets(t *testing.T) {
	for _, p := range []HeatPreset{HeatSmoke(), HeatQuick(), HeatFull()} {
		if _, err := planHeat(p); err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
	}
	q := HeatQuick()
	if k := q.Datasets[0].K; k < 20 || k > 50 {
		t.Errorf("quick K = %d, want 20..50", k)
	}
	bad := []func(*HeatPreset){
		func(p *HeatPreset) { p.Datasets[0].K = 0 },
		func(p *HeatPreset) { p.Datasets[0].SigmaMax = 0.5 },
		func(p *HeatPreset) { p.NoiseSigmas = []float64{0.2, 0.1} },
		func(p *HeatPreset) { p.Samples = 1 },
		func(p *HeatPreset) { p.StripLen = 2 },
		func(p *HeatPreset) { p.Datasets[0].NTest = 1 },
	}
	for i, f := range bad {
		p := HeatSmoke()
		f(&p)
		if _, err := planHeat(p); err == nil {
			t.Errorf("bad preset %d planned", i)
		}
	}
	if _, err := HeatPresetByName("medium"); err == nil {
		t.Error("unknown preset accepted")
	}
}

// heatNumbers names the jobs' results as the claims read them: a σ
// without a crossover becomes crossover_above, photos are flagged, the
// sample metrics carry the dataset suffix.
func TestHeatNumbers(t *testing.T) {
	x := 3.5
	res := &HeatResults{Datasets: []*HeatDataResult{{Data: HeatData{Spec: "photos"},
		PSD:    &heatPSDResult{Slope: -2.1, Sigmas: []float64{0.02, 0.1}, Crossover: []*float64{nil, &x}},
		Sample: map[string]float64{"prior_on_novelty_median": 0.9, "interp_step_ratio": 1.5}}}}
	n := heatNumbers(res)
	want := report.Numbers{"datasets": 1, "photos_d0": 1, "psd_slope_d0": -2.1, "crossover_above_d0_s0.02": 1, "crossover_d0_s0.1": 3.5,
		"prior_on_novelty_median_d0": 0.9, "interp_step_ratio_d0": 1.5}
	if len(n) != len(want) {
		t.Errorf("numbers %v, want %v", n, want)
	}
	for k, v := range want {
		if got, ok := n.Get(k); !ok || got != v {
			t.Errorf("%s = %v (%v), want %v", k, got, ok, v)
		}
	}
	if e := priorEffect(map[string]float64{"prior_on_novelty_median": 1, "prior_off_novelty_median": 0.5, "prior_on_recall": 0.3}); e != "median novelty ratio 1.000 → 0.500" {
		t.Errorf("prior effect %q", e)
	}
}
