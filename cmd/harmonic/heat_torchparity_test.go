//go:build torchparity

package main

// Parity of `harmonic heat blur` with the NumPy/SciPy reference
// analytic_reference.py (scipy's dctn/idctn, in float64):
//
//	go test -tags torchparity -run HeatParity -v ./cmd/harmonic/
//
// Needs /usr/bin/python3 with numpy and scipy (Debian: apt-get install -y
// python3-numpy python3-scipy). HARMONIC_PYTHON overrides the interpreter and
// HARMONIC_ANALYTIC_REFERENCE the script's path (default:
// ../shared/tools/analytic_reference.py from the module root).

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

func TestHeatParity(t *testing.T) {
	python, script := analyticReference(t)
	sched, err := heat.NewSchedule(100, 20)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 9))
	dir := t.TempDir()
	for _, shape := range [][]int{{3, 1, 28, 28}, {2, 3, 32, 32}, {1, 3, 64, 64}, {2, 2, 20, 36}} {
		x := tensor.New(shape...)
		var maxX float64
		for i, d := 0, x.Data(); i < len(d); i++ {
			d[i] = r.Float32()
			maxX = math.Max(maxX, math.Abs(float64(d[i])))
		}
		in := filepath.Join(dir, "x.npy")
		if err := codec.SaveNpy(in, x); err != nil {
			t.Fatal(err)
		}
		for _, level := range []int{0, 1, 30, 70, 100} {
			tm := sched.Time(level)
			ts := fmt.Sprint(tm) // shortest repr: Python parses the same float64
			ours, ref := filepath.Join(dir, "ours.npy"), filepath.Join(dir, "ref.npy")
			if err := runHeat([]string{"blur", "--input", in, "--t", ts, "--output", ours}); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(python, script, "heat", "--input", in, "--t", ts, "--output", ref)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s heat: %v\n%s", script, err, out)
			}
			a, err := codec.LoadNpy(ours)
			if err != nil {
				t.Fatal(err)
			}
			b, err := codec.LoadNpy(ref)
			if err != nil {
				t.Fatal(err)
			}
			var worst float64
			for i, v := range b.Data() {
				worst = math.Max(worst, math.Abs(float64(a.Data()[i])-float64(v)))
			}
			t.Logf("%v level %d (t=%s): max |ours − scipy| = %.3g (max |x| %.3g)", shape, level, ts, worst, maxX)
			if worst > 1e-5*maxX {
				t.Errorf("%v level %d (t=%s): max abs difference %g from the reference exceeds 1e-5·max|x| = %g", shape, level, ts, worst, 1e-5*maxX)
			}
		}
	}
}
