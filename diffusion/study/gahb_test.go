package study

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tiny is a preset small enough for a unit test of the report: it
// exercises every section of the study, not the science.
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

// `harmonic study --data disks` runs end to end: the disks are then both the
// sweep's data and a slope experiment (the report used to dereference a
// missing unshuffled result), and every claim gets a verdict.
func TestGAHBDisksData(t *testing.T) {
	out := t.TempDir()
	p := tiny()
	p.Data = "disks"
	var log bytes.Buffer
	if _, err := RunGAHB(context.Background(), p, out, Options{Log: &log}); err != nil {
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
