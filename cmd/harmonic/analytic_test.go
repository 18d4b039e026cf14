package main

import (
	"context"
	"io"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

func writeNpy(t *testing.T, path string, x *tensor.Tensor) string {
	t.Helper()
	if err := codec.SaveNpy(path, x); err != nil {
		t.Fatal(err)
	}
	return path
}

func randomImages(rng *rand.Rand, lo, hi float64, shape ...int) *tensor.Tensor {
	x := tensor.New(shape...)
	for i := range x.Data() {
		x.Data()[i] = float32(lo + (hi-lo)*rng.Float64())
	}
	return x
}

func TestAnalyticPredictMethods(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(1))
	train := writeNpy(t, filepath.Join(dir, "train.npy"), randomImages(rng, 0, 1, 30, 1, 4, 4))
	in := writeNpy(t, filepath.Join(dir, "xt.npy"), randomImages(rng, -1, 1, 3, 1, 4, 4))
	for _, m := range []string{"wiener", "optimal", "locality", "nearest", "els", "scfdm", "els-3"} {
		out := filepath.Join(dir, m+".npy")
		args := []string{"--method", m, "--train", train, "--input", in, "--alphabar", "0.4", "--output", out}
		if m == "els-3" {
			args[1] = "els"
			args = append(args, "--patch", "3")
		}
		if err := runAnalyticPredict(args, io.Discard); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		x0, err := codec.LoadNpy(out)
		if err != nil {
			t.Fatal(err)
		}
		if s := x0.Shape(); len(s) != 4 || s[0] != 3 || s[1] != 1 || s[2] != 4 || s[3] != 4 {
			t.Fatalf("%s: output shape %v, want [3 1 4 4]", m, s)
		}
		for _, v := range x0.Data() {
			if math.IsNaN(float64(v)) || (v < -1.0001 || v > 1.0001) && m != "wiener" {
				t.Fatalf("%s: output value %v outside [-1,1]", m, v)
			}
		}
	}
	// A data spec instead of a file.
	in8 := writeNpy(t, filepath.Join(dir, "xt8.npy"), randomImages(rng, -1, 1, 2, 1, 16, 16))
	if err := runAnalyticPredict([]string{"--method", "optimal", "--train", "disks", "--n", "20", "--size", "16", "--input", in8, "--alphabar", "0.5", "--output", filepath.Join(dir, "spec.npy")}, io.Discard); err != nil {
		t.Fatalf("data spec: %v", err)
	}
}

func TestAnalyticPredictBadInput(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(2))
	train := writeNpy(t, filepath.Join(dir, "train.npy"), randomImages(rng, 0, 1, 10, 1, 4, 4))
	one := writeNpy(t, filepath.Join(dir, "one.npy"), randomImages(rng, 0, 1, 1, 1, 4, 4))
	in := writeNpy(t, filepath.Join(dir, "xt.npy"), randomImages(rng, -1, 1, 2, 1, 4, 4))
	wrong := writeNpy(t, filepath.Join(dir, "wrong.npy"), randomImages(rng, -1, 1, 2, 1, 5, 4))
	nanX := randomImages(rng, -1, 1, 2, 1, 4, 4)
	nanX.Data()[3] = float32(math.Inf(1))
	bad := writeNpy(t, filepath.Join(dir, "inf.npy"), nanX)
	out := filepath.Join(dir, "out.npy")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--method", "optimal", "--train", train, "--input", wrong, "--alphabar", "0.5"}, "[2 1 5 4]"},
		{[]string{"--method", "optimal", "--train", train, "--input", in, "--alphabar", "0"}, "--alphabar 0"},
		{[]string{"--method", "optimal", "--train", train, "--input", in, "--alphabar", "1.2"}, "--alphabar 1.2"},
		{[]string{"--method", "locality", "--train", train, "--input", in, "--alphabar", "0.5", "--tau", "-0.01"}, "--tau -0.01"},
		{[]string{"--method", "optimal", "--train", train, "--input", in, "--alphabar", "0.5", "--patch", "5"}, "--patch 5"},
		{[]string{"--method", "wiener", "--train", train, "--input", bad, "--alphabar", "0.5"}, "+Inf"},
		{[]string{"--method", "wiener", "--train", one, "--input", in, "--alphabar", "0.5"}, "1 image"},
		{[]string{"--method", "locality", "--train", one, "--input", in, "--alphabar", "0.5"}, "at least 2"},
		{[]string{"--method", "magic", "--train", train, "--input", in, "--alphabar", "0.5"}, `"magic"`},
		{[]string{"--method", "els", "--train", train, "--input", in, "--alphabar", "0.5", "--patch", "5"}, "--patch 5 is larger than the 4x4"},
		{[]string{"--method", "els", "--train", train, "--input", in, "--alphabar", "0.5", "--patch", "2"}, "--patch 2 is even"},
		{[]string{"--method", "els", "--train", train, "--input", wrong, "--alphabar", "0.5", "--patch", "3"}, "[2 1 5 4]"},
		{[]string{"--method", "scfdm", "--train", train, "--input", in, "--alphabar", "0.5", "--smoothing", "-0.5"}, "--smoothing -0.5"},
		{[]string{"--method", "scfdm", "--train", train, "--input", in, "--alphabar", "0.5", "--noise-draws", "0"}, "--noise-draws 0"},
		{[]string{"--method", "optimal", "--train", train, "--input", in, "--alphabar", "0.5", "--smoothing", "0.3"}, "--smoothing 0.3 is for --method scfdm"},
		{[]string{"--method", "scfdm", "--train", train, "--input", bad, "--alphabar", "0.5"}, "+Inf"},
	}
	for _, c := range cases {
		err := runAnalyticPredict(append(c.args, "--output", out), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one naming %q", c.args, err, c.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Fatalf("%v: an output file was written", c.args)
		}
	}
}

// The command's els and scfdm are the library's models on the [−1,1] images.
func TestAnalyticPredictELSSCFDMMatchLibrary(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(5))
	u := randomImages(rng, 0, 1, 6, 2, 5, 5)
	train := writeNpy(t, filepath.Join(dir, "train.npy"), u)
	xt := randomImages(rng, -1, 1, 2, 2, 5, 5)
	in := writeNpy(t, filepath.Join(dir, "xt.npy"), xt)
	signed := u.Clone()
	for i, v := range signed.Data() {
		signed.Data()[i] = 2*v - 1
	}
	els, err := analytic.NewELS(signed, 3)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := analytic.NewSCFDM(signed, 4, 0.2, 9)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		args []string
		p    analytic.Predictor
	}{
		"els":   {[]string{"--method", "els", "--patch", "3"}, els},
		"scfdm": {[]string{"--method", "scfdm", "--smoothing", "0.2", "--noise-draws", "4", "--noise-seed", "9"}, sc},
	} {
		out := filepath.Join(dir, name+".npy")
		if err := runAnalyticPredict(append(c.args, "--train", train, "--input", in, "--alphabar", "0.3", "--output", out), io.Discard); err != nil {
			t.Fatal(err)
		}
		got, err := codec.LoadNpy(out)
		if err != nil {
			t.Fatal(err)
		}
		want, err := c.p.PredictVP(context.Background(), xt, 0.3)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range want.Data() {
			if got.Data()[i] != v {
				t.Fatalf("%s value %d: command %v, library %v", name, i, got.Data()[i], v)
			}
		}
	}
}
