package study

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/report"
)

// synthSweep is a sweep whose train − test gap at σ = 0.1 is gaps[i] dB.
func synthSweep(ns []int, gaps []float64) *SweepResult {
	s := &SweepResult{Ns: ns}
	for i := range ns {
		var tr, te metrics.Table
		for _, sigma := range []float64{0.05, 0.1, 0.2} {
			in := -20 * math.Log10(sigma)
			tr = append(tr, metrics.Row{Split: "train", Sigma: sigma, PSNRIn: in, PSNROut: in + 5 + gaps[i]})
			te = append(te, metrics.Row{Split: "test", Sigma: sigma, PSNRIn: in, PSNROut: in + 5})
		}
		s.Train, s.Test = append(s.Train, tr), append(s.Test, te)
	}
	return s
}

// synthJac is a Jacobian analysis of size×size images whose trace is
// traces[i] at sigmas[i], with a decaying spectrum and unit eigenvectors.
func synthJac(label string, size int, sigmas, traces []float64) *JacResult {
	d := size * size
	j := &JacResult{Label: label, D: d}
	for i, s := range sigmas {
		lv := JacLevel{Sigma: s, Trace: traces[i], Asym: 0.05, SURE: 1.02e-3 * s, MSE: 1e-3 * s, InputMSE: s * s}
		for k := range d {
			lv.Eigenvalues = append(lv.Eigenvalues, math.Exp(-float64(k)/traces[i]))
			lv.Coeffs = append(lv.Coeffs, 1/float64(k+1))
		}
		for k := range nTopVectors * d {
			lv.TopVectors = append(lv.TopVectors, float32(math.Sin(float64(k))))
		}
		j.Levels = append(j.Levels, lv)
	}
	return j
}

func synthSlope(name, data string, shuffle bool, slope, optimal float64) *SlopeResult {
	var c metrics.Table
	for _, sigma := range []float64{0.05, 0.1, 0.2} {
		in := -20 * math.Log10(sigma)
		c = append(c, metrics.Row{Split: "test", Sigma: sigma, PSNRIn: in, PSNROut: 20 + slope*(in-20)})
	}
	return &SlopeResult{Name: name, Data: data, Shuffle: shuffle, Curve: c, Slope: slope, Optimal: optimal, Paper: math.NaN(),
		SlopeLo: slope - 0.01, SlopeHi: slope + 0.01, FitLo: 0.05, FitHi: 0.2, ByRule: true}
}

// synthResults has the sweep, the two-network experiment and the Jacobians
// at the largest and smallest N, and nothing of the slope experiments.
func synthResults() *Results {
	p := tiny()
	p.Ns = []int{1, 1000}
	all := func(v bool) []bool { return []bool{v, v, v, v, v} }
	cos := func(v float64) []float64 { return []float64{v, v, v, v, v} }
	small := handNet(1, all(true), all(true), all(false), all(false), cos(0.8), cos(0.99))
	large := handNet(1000, all(true), all(true), all(false), all(false), cos(0.97), cos(0.9))
	d := p.Size * p.Size
	for _, t := range []*TwoNet{small, large} {
		t.S1, t.S2, t.NN1 = make([]float32, 5*d), make([]float32, 5*d), make([]float32, 5*d)
	}
	return &Results{Preset: p, Sweep: synthSweep(p.Ns, []float64{30, 0.2}), TwoNets: []*TwoNet{small, large},
		JacLarge: synthJac("large", p.Size, p.JacSigmas, []float64{90, 40}),
		JacSmall: synthJac("small", p.Size, p.JacSigmas, []float64{5, 4})}
}

// readClaims returns claims.json of a report directory by id.
func readClaims(t *testing.T, out string) map[string]report.Claim {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "claims.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []report.Claim
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatalf("claims.json: %v\n%s", err, b)
	}
	m := map[string]report.Claim{}
	for _, c := range list {
		m[c.ID] = c
	}
	if len(m) != 7 {
		t.Fatalf("claims.json has %d claims: %s", len(m), b)
	}
	return m
}

// A run without the shuffled and C^α parts (and without disks) writes its
// report: the missing claims are not measured, the others judged.
func TestWriteGAHBWithoutSlopes(t *testing.T) {
	out := t.TempDir()
	if err := WriteGAHB(out, synthResults()); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"A.4 C^α slopes: **not measured**", "A.5 disks: **not measured**", "A.6 shuffled pixels: **not measured**",
		"| A.4 |", "goes from 30.00 dB at N=1 to 0.20 dB at N=1000: **holds**"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	claims := readClaims(t, out)
	for id, want := range map[string]string{"A.1": report.Holds, "A.2a": report.Holds, "A.2b": report.Holds, "A.3": report.Holds,
		"A.4": report.NotMeasured, "A.5": report.NotMeasured, "A.6": report.NotMeasured} {
		if got := claims[id].Verdict; got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	if e := claims["A.1"].Evidence; math.Abs(e["train_test_gap_db_N1"]-30) > 1e-9 || len(e) != 2 {
		t.Errorf("A.1 evidence %v", e)
	}
	if h, err := os.ReadFile(filepath.Join(out, "report.html")); err != nil || !strings.Contains(string(h), "<b>not measured</b>") {
		t.Errorf("report.html does not say not measured (%v)", err)
	}
}

// A run with nothing measured still writes a report and seven claims, all
// not measured.
func TestWriteGAHBEmpty(t *testing.T) {
	out := t.TempDir()
	if err := WriteGAHB(out, &Results{Preset: tiny()}); err != nil {
		t.Fatal(err)
	}
	for id, c := range readClaims(t, out) {
		if c.Verdict != report.NotMeasured || c.Evidence == nil {
			t.Errorf("%s: %q, evidence %v", id, c.Verdict, c.Evidence)
		}
	}
}

// `harmonic study --data disks`: the sweep's data is the disks, so the
// slope experiments have no other unshuffled model than the disks one (it
// crashed the report on a nil result).
func TestWriteGAHBDisksData(t *testing.T) {
	res := synthResults()
	res.Preset.Data = "disks"
	res.Slopes = []*SlopeResult{
		synthSlope("C^α, α=2", "cmix:2", false, 0.55, 2.0/3),
		synthSlope("disks", "disks", false, 0.41, 1),
		synthSlope("shuffled disks", "disks", true, 0.3, math.NaN()),
	}
	size, sig := res.Preset.Size, res.Preset.JacSigmas
	res.JacDisks = synthJac("disks", size, sig, []float64{20, 10})
	res.JacShuf = synthJac("shuffled disks", size, sig, []float64{60, 30})
	res.JacPlain = res.JacDisks
	out := t.TempDir()
	if err := WriteGAHB(out, res); err != nil {
		t.Fatal(err)
	}
	claims := readClaims(t, out)
	if c := claims["A.6"]; c.Verdict != report.Holds || c.Evidence["slope_unshuffled"] != 0.41 || c.Evidence["slope_shuffled"] != 0.3 {
		t.Errorf("A.6 on disks: %+v", c)
	}
	if c := claims["A.5"]; c.Verdict != report.Holds || c.Evidence["slope_disks"] != 0.41 {
		t.Errorf("A.5: %+v", c)
	}
	if c := claims["A.4"]; c.Verdict != report.NotMeasured {
		t.Errorf("A.4 with one α: %+v", c)
	}
}
