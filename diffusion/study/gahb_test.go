package study

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// tiny is a preset small enough for a unit test: it exercises every
// section of the study, not the science.
func tiny() Preset {
	p := Quick()
	p.Name, p.Size, p.Base = "tiny", 14, 4
	p.Steps, p.Batch, p.LREvery = 20, 8, 0
	p.Ns, p.SlopeN, p.Alphas = []int{1, 4}, 4, []float64{2}
	p.NTest, p.NEval = 6, 3
	p.EvalSigmas, p.SlopeSigmas = []float64{0.05, 0.1, 0.2}, []float64{0.05, 0.1}
	p.Samples, p.Sampler.MaxSteps = 3, 20
	p.JacSigmas, p.JacImages = []float64{0.1, 0.2}, 2
	p.EstimateFull = false
	return p
}

// The study runs end to end, writes its report, and a second run finds
// every model and result by its configuration instead of recomputing.
func TestGAHBRunsAndResumes(t *testing.T) {
	out := t.TempDir()
	var log bytes.Buffer
	res, err := RunGAHB(context.Background(), tiny(), out, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if res.Models != 6 { // S1, S2 at N=1 and 4; disks; shuffled (cmix:2 N=4 S1 is shared)
		t.Fatalf("%d models, want 6", res.Models)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"A.1", "A.2", "A.3", "A.4", "A.5", "A.6", "figures/psnr_sweep.png"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Fatalf("report.md lacks %q", want)
		}
	}
	h, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil || !bytes.Contains(h, []byte("data:image/png;base64,")) {
		t.Fatalf("report.html without embedded figures (%v)", err)
	}
	log.Reset()
	if _, err := RunGAHB(context.Background(), tiny(), out, &log); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "step ") || strings.Contains(log.String(), "sampling") {
		t.Fatalf("the second run recomputed something:\n%s", log.String())
	}
	// An interrupted run reports cancellation rather than writing a report.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := tiny()
	p.Steps = 25
	if _, err := RunGAHB(ctx, p, t.TempDir(), &log); err == nil {
		t.Fatal("a cancelled run succeeded")
	}
}

func TestFitSlopeAndMedian(t *testing.T) {
	if s := FitSlope([]float64{1, 2, 3}, []float64{2, 2.5, 3}); s != 0.5 {
		t.Fatalf("slope %v, want 0.5", s)
	}
	if m := Median([]float64{3, 1, 2, 10}); m != 2.5 {
		t.Fatalf("median %v, want 2.5", m)
	}
	if c := cosine([]float32{1, 2, 3}, []float32{2, 4, 6}, false); c < 0.9999999 {
		t.Fatalf("cosine of parallel vectors %v", c)
	}
	if c := cosine([]float32{1, 2, 3}, []float32{3, 2, 1}, true); c > -0.9999999 {
		t.Fatalf("centered cosine of reversed ramps %v, want -1", c)
	}
}

// TrainAll trains several models at once on the shared pool; every model
// must come out byte for byte as when trained one at a time on one thread,
// and the thread count must be left alone.
func TestTrainAllMatchesOneAtATime(t *testing.T) {
	defer tensor.SetThreads(tensor.Threads())
	p := tiny()
	train := func(threads int) string {
		tensor.SetThreads(threads)
		out := t.TempDir()
		r := NewRunner(context.Background(), out, p, io.Discard)
		specs := r.allSpecs()[:3]
		r.Plan(specs...)
		if err := r.TrainAll(specs); err != nil {
			t.Fatal(err)
		}
		if r.workers != 1 || tensor.Threads() != threads {
			t.Fatalf("TrainAll left workers %d, threads %d (want 1, %d)", r.workers, tensor.Threads(), threads)
		}
		return out
	}
	together, alone := train(2), train(1)
	r := NewRunner(context.Background(), "", p, io.Discard)
	for _, s := range r.allSpecs()[:3] {
		a, err := os.ReadFile(filepath.Join(together, "models", s.Key(), "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(alone, "models", s.Key(), "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("model %s differs between concurrent and sequential training", s.Label)
		}
	}
}

// `harmonic study --data disks` runs end to end: the disks are then both the
// sweep's data and a slope experiment (the report used to dereference a
// missing unshuffled result), and every claim gets a verdict.
func TestGAHBDisksData(t *testing.T) {
	out := t.TempDir()
	p := tiny()
	p.Data = "disks"
	var log bytes.Buffer
	if _, err := RunGAHB(context.Background(), p, out, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	claims := readClaims(t, out)
	plain, ok1 := claims["A.6"].Evidence["slope_unshuffled"]
	disks, ok2 := claims["A.5"].Evidence["slope_disks"]
	if !ok1 || !ok2 || plain != disks {
		t.Errorf("A.6's unshuffled model is not the disks model: %v vs %v", claims["A.6"].Evidence, claims["A.5"].Evidence)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(md), "\n| disks |"); n != 1 {
		t.Errorf("the slope table lists the disks %d times", n)
	}
}
