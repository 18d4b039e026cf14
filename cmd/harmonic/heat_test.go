package main

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

func TestHeatBlurCommand(t *testing.T) {
	dir := t.TempDir()
	x := tensor.New(2, 3, 6, 5)
	for i, d := 0, x.Data(); i < len(d); i++ {
		d[i] = float32(i%7) / 7
	}
	in, out := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := codec.SaveNpy(in, x); err != nil {
		t.Fatal(err)
	}
	if err := runHeat([]string{"blur", "--input", in, "--t", "1.5", "--output", out}); err != nil {
		t.Fatal(err)
	}
	got, err := codec.LoadNpy(out)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := heat.Blur(x, 1.5)
	for i, v := range want.Data() {
		if got.Data()[i] != v {
			t.Fatalf("element %d: command wrote %v, heat.Blur gives %v", i, got.Data()[i], v)
		}
	}
}

// TestHeatBlurCommandErrors: each bad input is an error naming the problem,
// and no output file appears.
func TestHeatBlurCommandErrors(t *testing.T) {
	dir := t.TempDir()
	save := func(name string, x *tensor.Tensor) string {
		p := filepath.Join(dir, name)
		if err := codec.SaveNpy(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := save("good.npy", tensor.New(1, 1, 4, 4))
	nan := tensor.New(1, 1, 4, 4)
	nan.Set(float32(math.NaN()), 0, 0, 1, 2)
	nanPath := save("nan.npy", nan)
	flat := save("flat.npy", tensor.New(3, 16))
	thin := save("thin.npy", tensor.New(1, 1, 1, 16))
	junk := filepath.Join(dir, "junk.npy")
	if err := os.WriteFile(junk, []byte("not an array"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.npy")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"blur", "--input", nanPath, "--t", "1", "--output", out}, "NaN at index [0 0 1 2]"},
		{[]string{"blur", "--input", good, "--t", "-1", "--output", out}, "t = -1"},
		{[]string{"blur", "--input", flat, "--t", "1", "--output", out}, "[3 16]"},
		{[]string{"blur", "--input", thin, "--t", "1", "--output", out}, "1x16"},
		{[]string{"blur", "--input", junk, "--t", "1", "--output", out}, "junk.npy"},
		{[]string{"blur", "--input", filepath.Join(dir, "missing.npy"), "--t", "1", "--output", out}, "missing.npy"},
		{[]string{"blur", "--input", good, "--output", out}, "usage"},
		{[]string{"blur", "--input", good, "--t", "1"}, "usage"},
		{[]string{"blur", "--input", good, "--t", "1", "--output", filepath.Join(dir, "out.png")}, "out.png"},
		{[]string{"smudge", "--input", good, "--t", "1", "--output", out}, "usage"},
		{nil, "usage"},
	} {
		err := runHeat(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("heat %v: error %v, want one containing %q", c.args, err, c.want)
		}
		var ue usageError
		if isUsage := errors.As(err, &ue); isUsage != (c.want == "usage") {
			t.Errorf("heat %v: usage error %v, want %v (exit code 2 only for a bad command line)", c.args, isUsage, c.want == "usage")
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("heat %v: wrote %s despite the error", c.args, out)
		}
	}
}
