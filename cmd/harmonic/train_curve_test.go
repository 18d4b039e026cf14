package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
)

// readCurve returns eps_curve.csv's steps and values.
func readCurve(t *testing.T, dir string) ([]int, []float64) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, epsCurveFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "step,eps_mse" {
		t.Fatalf("header %q", lines[0])
	}
	var steps []int
	var mses []float64
	for _, l := range lines[1:] {
		s, m, _ := strings.Cut(l, ",")
		n, err1 := strconv.Atoi(s)
		v, err2 := strconv.ParseFloat(m, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("row %q", l)
		}
		steps, mses = append(steps, n), append(mses, v)
	}
	return steps, mses
}

// --eval-every scores the untrained network, then every k steps and the
// last; each point is the held-out ε-MSE EvalEpsMSE gives for the model
// file of that step; a resumed run keeps the points up to its checkpoint.
func TestTrainEvalEveryCurve(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	if err := runTrain(tinyTC(out, "--steps", "4", "--eval-every", "2")); err != nil {
		t.Fatal(err)
	}
	steps, mses := readCurve(t, out)
	if want := []int{0, 2, 4}; !slices.Equal(steps, want) {
		t.Fatalf("curve steps %v, want %v", steps, want)
	}
	// The last point is the saved model's ε-MSE on the same 4 test images.
	m, _, err := nn.LoadAny(out)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := train.Config{Data: "cmix:2", Size: 16, NTrain: 40, NTest: 4, Seed: 1}.OpenData()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := train.EvalEpsMSE(context.Background(), m.(nn.Conditioned), ds.Test, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mses[2], rows[0].MSE; strconv.FormatFloat(got, 'g', 6, 64) != strconv.FormatFloat(want, 'g', 6, 64) {
		t.Errorf("curve point at step 4 = %v, EvalEpsMSE of the model file = %v", got, want)
	}
	if err := runTrain(tinyTC(out, "--steps", "6", "--eval-every", "2", "--resume")); err != nil {
		t.Fatal(err)
	}
	steps2, mses2 := readCurve(t, out)
	if want := []int{0, 2, 4, 6}; !slices.Equal(steps2, want) {
		t.Fatalf("resumed curve steps %v, want %v", steps2, want)
	}
	if mses2[2] != mses[2] {
		t.Errorf("resuming changed the point at step 4: %v, was %v", mses2[2], mses[2])
	}
	if err := runTrain(tinyTC(filepath.Join(dir, "heat"), "--objective", "heat", "--eval-every", "2")); err == nil ||
		!strings.Contains(err.Error(), `objective is "heat"`) {
		t.Errorf("--eval-every on a heat run: error %v", err)
	}
	if err := runTrain(tinyTC(filepath.Join(dir, "neg"), "--eval-every", "-1")); err == nil || !strings.Contains(err.Error(), "--eval-every -1") {
		t.Errorf("--eval-every -1: error %v", err)
	}
}
