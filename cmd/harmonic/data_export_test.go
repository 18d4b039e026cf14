package main

import (
	"bytes"
	"flag"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// trainData opens the data `harmonic train` trains on for its flags, by
// the path runTrain takes (setupRun builds the trainer on ds.Train).
func trainData(t *testing.T, args ...string) (*tensor.Tensor, *tensor.Tensor) {
	t.Helper()
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var cfg train.Config
	trainFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	tr, ds, err := setupRun(fs, cfg, filepath.Join(t.TempDir(), "run"), false)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Cfg.Size != ds.Train.H {
		t.Fatalf("trainer configured for %d, data %d", tr.Cfg.Size, ds.Train.H)
	}
	return ds.Train.Tensor(), ds.Test.Tensor()
}

func exportNpy(t *testing.T, args ...string) *tensor.Tensor {
	t.Helper()
	out := filepath.Join(t.TempDir(), "x.npy")
	var log bytes.Buffer
	if err := runDataExport(append(args, "--out", out), &log); err != nil {
		t.Fatal(err)
	}
	x, err := codec.LoadNpy(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), out) {
		t.Errorf("export log %q does not name the file", log.String())
	}
	return x
}

// Export writes exactly the arrays train's loader yields for the same
// flags: generated images with a seed and the pixel shuffle, the default
// size train picks, and the test split.
func TestDataExportEqualsTrainData(t *testing.T) {
	for _, c := range []struct {
		export, train []string
	}{
		{[]string{"cmix:2", "--n", "7", "--ntest", "4", "--size", "16", "--seed", "5", "--shuffle"},
			[]string{"--data", "cmix:2", "--n", "7", "--ntest", "4", "--size", "16", "--data-seed", "5", "--shuffle"}},
		{[]string{"disks", "--n", "3", "--ntest", "2"}, // --size 0: train's 20×20 for its default 1-level UNet
			[]string{"--data", "disks", "--n", "3", "--ntest", "2"}},
	} {
		wantTrain, wantTest := trainData(t, c.train...)
		gotTrain := exportNpy(t, c.export...)
		gotTest := exportNpy(t, append(c.export, "--split", "test")...)
		for _, p := range []struct {
			name      string
			got, want *tensor.Tensor
		}{{"train", gotTrain, wantTrain}, {"test", gotTest, wantTest}} {
			if !slices.Equal(p.got.Shape(), p.want.Shape()) || !slices.Equal(p.got.Data(), p.want.Data()) {
				t.Errorf("%v %s: export %v differs from train's data %v", c.export, p.name, p.got.Shape(), p.want.Shape())
			}
		}
		if gotTrain.Dim(1) != 1 || gotTrain.Rank() != 4 {
			t.Errorf("%v: shape %v, want [N 1 H W]", c.export, gotTrain.Shape())
		}
	}
}

func TestDataExportErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.npy")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cmix:2"}, "--out FILE.npy is required"},
		{[]string{"cmix:2", "--out", filepath.Join(dir, "x.png")}, "name it *.npy"},
		{[]string{"cmix:2", "--out", out, "--split", "val"}, `--split "val"`},
		{[]string{"cmix:2", "--out", out, "--n", "0"}, "--n 0"},
		{[]string{"cmix:2", "--out", out, "--ntest", "-1"}, "--ntest -1"},
		{[]string{"cmix:2", "--out", out, "--size", "-4"}, "--size -4"},
		{[]string{"cmix:2", "--out", out, "--channels", "2"}, "--channels 2"},
		{[]string{"cmix:-1", "--out", out}, "α must be a positive number"},
		{[]string{"mnist", "--out", out, "--channels", "3"}, "mnist holds grayscale images only"},
		{[]string{"cmix:2", "--out", out, "--bogus"}, "bogus"},
		{[]string{"--out", out}, "missing dataset name"},
		{[]string{"npy:" + filepath.Join(dir, "absent.npy"), "--out", out}, "absent.npy"},
	} {
		var log bytes.Buffer
		if err := runDataExport(c.args, &log); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("export %v: error %v, want it to say %q", c.args, err, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("export %v failed but left %s", c.args, out)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed exports left %d files (temporaries?) in %s", len(entries), dir)
	}
}

// numpyPython is a python3 that imports numpy, or "" (the test skips).
func numpyPython() string {
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			return p
		}
	}
	return ""
}

// numpy reads the exported file as float32 [N,C,H,W] in [0,1] with the
// values harmonic wrote.
func TestDataExportNumpyReads(t *testing.T) {
	py := numpyPython()
	if py == "" {
		t.Skip("no python3 with numpy")
	}
	out := filepath.Join(t.TempDir(), "x.npy")
	var log bytes.Buffer
	if err := runDataExport([]string{"disks", "--n", "5", "--size", "16", "--out", out}, &log); err != nil {
		t.Fatal(err)
	}
	x, err := codec.LoadNpy(out)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, v := range x.Data() {
		sum += float64(v)
	}
	script := `import sys, numpy as np
a = np.load(sys.argv[1])
print(a.shape, a.dtype, a.min() >= 0, a.max() <= 1, repr(float(a.astype(np.float64).sum())))`
	got, err := exec.Command(py, "-c", script, out).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy: %v\n%s", err, got)
	}
	fields := strings.Fields(strings.ReplaceAll(string(got), ",", " "))
	want := []string{"(5", "1", "16", "16)", "float32", "True", "True"}
	if len(fields) != 8 || !slices.Equal(fields[:7], want) {
		t.Fatalf("numpy says %q, want shape (5, 1, 16, 16) float32 in [0, 1]", got)
	}
	// float64 sums of the same float32 values in another order agree to ~1e-12.
	if s, err := strconv.ParseFloat(fields[7], 64); err != nil || math.Abs(s-sum) > 1e-9*sum {
		t.Errorf("numpy sum %s, harmonic's %v", fields[7], sum)
	}
}
