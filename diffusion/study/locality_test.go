package study

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// r2MSE against closed forms: a perfect prediction (r² 1, MSE 0), the
// per-image mean of y (Σ(x−y)² = (D−1)·Var(y), so r² = 1/D exactly), a
// constant shift c (MSE c², r² 1 − c²/Var), and a constant y (no r²).
func TestR2MSEClosedForms(t *testing.T) {
	y := []float32{0.1, -0.4, 0.8, 0.3, 1, 0, -1, 0.5}
	const n, d = 2, 4
	stat := func(img []float32) (mean, vr float64) {
		for _, v := range img {
			mean += float64(v)
		}
		mean /= d
		for _, v := range img {
			vr += (float64(v) - mean) * (float64(v) - mean)
		}
		return mean, vr / (d - 1)
	}
	r2, mse, err := r2MSE(y, y, n)
	if err != nil || r2 != 1 || mse != 0 {
		t.Errorf("x = y: r² %v, MSE %v, %v", r2, mse, err)
	}
	mean := make([]float32, len(y))
	const c = 0.25
	shift := make([]float32, len(y))
	var wantShift float64
	for j := range n {
		m, vr := stat(y[j*d : (j+1)*d])
		for i := range d {
			mean[j*d+i] = float32(m)
			shift[j*d+i] = y[j*d+i] + c
		}
		wantShift += (1 - c*c/vr) / n
	}
	if r2, _, _ := r2MSE(mean, y, n); math.Abs(r2-1.0/d) > 1e-6 {
		t.Errorf("x = mean(y): r² %v, want 1/D = %v", r2, 1.0/d)
	}
	if r2, mse, _ := r2MSE(shift, y, n); math.Abs(r2-wantShift) > 1e-6 || math.Abs(mse-c*c) > 1e-6 {
		t.Errorf("x = y + %v: r² %v MSE %v, want %v and %v", c, r2, mse, wantShift, c*c)
	}
	flat := []float32{2, 2, 2, 2}
	if r2, mse, err := r2MSE([]float32{1, 2, 3, 2}, flat, 1); err != nil || !math.IsNaN(r2) || math.Abs(mse-0.5) > 1e-12 {
		t.Errorf("constant y: r² %v (want NaN), MSE %v (want 0.5), %v", r2, mse, err)
	}
	for _, bad := range []struct{ x, y []float32 }{{y, y[:4]}, {y[:3], y[:3]}, {y[:2], y[:2]}} {
		if _, _, err := r2MSE(bad.x, bad.y, 2); err == nil {
			t.Errorf("%d vs %d values as 2 images: no error", len(bad.x), len(bad.y))
		}
	}
}

func TestFieldPixelsSpreadAndDistinct(t *testing.T) {
	got := fieldPixels(8, 8, 3)
	if want := []int{4*8 + 4, 6*8 + 6, 2*8 + 2}; !slices.Equal(got, want) {
		t.Errorf("fieldPixels(8, 8, 3) = %v, want %v", got, want)
	}
	if got := fieldPixels(2, 2, 5); len(got) == 0 || len(got) > 4 {
		t.Errorf("fieldPixels(2, 2, 5) = %v: want distinct pixels of the 4", got)
	}
}

// Bad presets fail when planned, naming the value, before any job exists.
func TestLocalityPresetErrors(t *testing.T) {
	for _, c := range []struct {
		edit func(*LocalityPreset)
		want string
	}{
		{func(p *LocalityPreset) { p.Samples = 0 }, "0 samples"},
		{func(p *LocalityPreset) { p.FieldSteps = []int{1000} }, "t = 1000"},
		{func(p *LocalityPreset) { p.Datasets[0].NTrain = 1 }, "at least 2 training images, got 1"},
		{func(p *LocalityPreset) { p.Datasets[0].Tau = -1 }, "τ = -1"},
		{func(p *LocalityPreset) { p.Datasets[0].Spec = "nope" }, `"nope"`},
		{func(p *LocalityPreset) { p.Datasets = nil }, "no dataset"},
		{func(p *LocalityPreset) { p.Datasets[0].WGammas = []float64{0} }, "γ = 0"},
		{func(p *LocalityPreset) { p.Datasets[0].WGammas = []float64{1e-6} }, "no DDPM step"},
	} {
		p := LocalitySmoke()
		c.edit(&p)
		if _, err := PlanLocality(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
	if _, err := LocalityPresetByName("huge"); err == nil || !strings.Contains(err.Error(), `"huge"`) {
		t.Errorf("unknown preset: %v", err)
	}
	for _, name := range []string{"smoke", "quick", "full"} {
		p, err := LocalityPresetByName(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := PlanLocality(p); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The statistics a locality-stats job caches read back bit for bit as
// those computed from the training set in memory.
func TestLocalityStatsCacheRoundTrip(t *testing.T) {
	p := LocalitySmoke()
	lp, err := planLocality(p)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	i := lp.Index(lp.stats[0])
	one := &plan.Plan{Jobs: lp.Jobs[i : i+1]}
	if err := plan.Run(context.Background(), one, out, plan.Options{Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	got, err := loadStats(plan.RunDir(out, lp.stats[0]))
	if err != nil {
		t.Fatal(err)
	}
	x, err := signedTrain(p.Datasets[0].trainConfig(p.Seed))
	if err != nil {
		t.Fatal(err)
	}
	want, err := analytic.ComputeStats(x)
	if err != nil {
		t.Fatal(err)
	}
	if got.C != want.C || got.H != want.H || got.W != want.W || got.N != want.N ||
		!slices.Equal(got.Mean, want.Mean) || !slices.Equal(got.Values, want.Values) || !slices.Equal(got.Vectors, want.Vectors) {
		t.Errorf("cached statistics differ from the computed ones (shape %d×%d×%d N=%d vs %d×%d×%d N=%d)", got.C, got.H, got.W, got.N, want.C, want.H, want.W, want.N)
	}
	// x maps the [0,1] pixels to [−1,1].
	lo, hi := slices.Min(x.Data()), slices.Max(x.Data())
	if lo < -1 || hi > 1 || hi-lo < 1 {
		t.Errorf("signed training images span [%v, %v], want most of [−1,1]", lo, hi)
	}
}

// The W steps lie below a third of the W's std (σ_t from the DDPM table),
// at most three, the largest of the list that qualify.
func TestWSteps(t *testing.T) {
	sched := schedule.DDPM()
	for _, g := range []float64{0.1, 0.5} {
		steps := wSteps(g)
		if len(steps) == 0 || len(steps) > 3 {
			t.Fatalf("γ=%g: steps %v", g, steps)
		}
		for _, s := range steps {
			if sigma := schedule.SigmaOfAlphaBar(sched.AlphaBar[s]); sigma > 2*g/math.Sqrt(3)/3 {
				t.Errorf("γ=%g: step %d has σ %v above a third of the W's std", g, s, sigma)
			}
		}
	}
	if a, b := wSteps(0.1), wSteps(0.5); a[len(a)-1] >= b[len(b)-1] {
		t.Errorf("a weaker W (γ=0.1: %v) should need smaller noise than γ=0.5 (%v)", a, b)
	}
	if s := wSteps(1e-6); len(s) != 0 {
		t.Errorf("a W far below any σ_t: steps %v", s)
	}
}

// maskShare against a hand count: energy outside the 3×3 neighbourhood of
// the output pixel, the part on the mask over the whole.
func TestMaskShare(t *testing.T) {
	const w = 4
	mask := make([]float32, 16)
	mask[3], mask[15] = 1, 1 // (0,3) and (3,3)
	f := make([]float64, 16)
	f[0] = 100 // output pixel (0,0): its own value is left out
	f[5] = 50  // (1,1): in its 3×3 neighbourhood, left out
	f[3] = 2   // on the mask
	f[15] = 1  // on the mask
	f[12] = 3  // off the mask
	want := (4.0 + 1) / (4 + 1 + 9)
	if got := maskShare(f, mask, 0, w); math.Abs(got-want) > 1e-15 {
		t.Errorf("share %v, want %v", got, want)
	}
	if got := maskShare(make([]float64, 16), mask, 0, w); !math.IsNaN(got) {
		t.Errorf("zero field: share %v, want NaN", got)
	}
	px := wPixels(mask, 5)
	if !slices.Equal(px, []int{3, 15}) {
		t.Errorf("wPixels = %v, want the mask's two pixels", px)
	}
}

// A dataset that cannot be opened fails the run before any job starts
// (nothing under runs/).
func TestRunLocalityChecksDataFirst(t *testing.T) {
	p := LocalitySmoke()
	p.Datasets[0].Spec = "npy:" + filepath.Join(t.TempDir(), "missing.npy")
	p.Datasets[0].WGammas = nil
	out := t.TempDir()
	_, err := RunLocality(context.Background(), p, out, Options{Jobs: 1})
	if err == nil || !strings.Contains(err.Error(), "missing.npy") {
		t.Fatalf("error %v, want one naming missing.npy", err)
	}
	if _, err := os.Stat(filepath.Join(out, "runs")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a job ran: %v", err)
	}
}
