package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// A 3-channel .npy dataset goes through export, show and train with
// --channels 3: export writes [N,3,H,W] as stored, show an RGB PNG, train
// a network with 3 channels whose checkpoint says so.
func TestColourExportShowTrain(t *testing.T) {
	dir := t.TempDir()
	const n, h, w = 10, 8, 8
	x := tensor.New(n, 3, h, w)
	tensor.NewRNG(4).FillUniform(x.Data(), 0, 1)
	src := filepath.Join(dir, "rgb.npy")
	if err := codec.SaveNpy(src, x); err != nil {
		t.Fatal(err)
	}
	spec := "npy:" + src
	got := exportNpy(t, spec, "--channels", "3", "--n", "8", "--ntest", "2")
	if !slices.Equal(got.Shape(), []int{8, 3, h, w}) || !slices.Equal(got.Data(), x.Data()[:8*3*h*w]) {
		t.Fatalf("colour export %v differs from the first 8 stored images", got.Shape())
	}
	test := exportNpy(t, spec, "--channels", "3", "--n", "8", "--ntest", "2", "--split", "test")
	if !slices.Equal(test.Data(), x.Data()[8*3*h*w:]) {
		t.Fatal("colour test split is not the last 2 images")
	}

	grid := filepath.Join(dir, "grid.png")
	if err := runDataShow([]string{spec, "--channels", "3", "--n", "4", "--out", grid}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(grid)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.(*image.Gray); ok {
		t.Error("colour grid written as a grayscale PNG")
	}

	out := filepath.Join(dir, "run")
	args := []string{"--data", spec, "--channels", "3", "--size", "8", "--n", "8", "--ntest", "2", "--base", "2",
		"--batch", "2", "--steps", "2", "--out", out, "--quiet", "--eval-sigma", "0.1"}
	if _, err := captureStdout(t, func() error { return runTrain(args) }); err != nil {
		t.Fatal(err)
	}
	net, cfg, err := nn.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Channels != 3 {
		t.Errorf("checkpoint config %+v, want 3 channels", cfg)
	}
	if _, err := nn.Denoise(net, x); err != nil {
		t.Errorf("the colour network does not denoise the colour images: %v", err)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--data", "mnist", "--channels", "3", "--out", filepath.Join(dir, "m")}, "mnist holds grayscale images only"},
		{[]string{"--data", "disks", "--channels", "2", "--out", filepath.Join(dir, "d")}, "2 image channels"},
	} {
		if err := runTrain(bad.args); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("train %v: %v, want it to say %q", bad.args, err, bad.want)
		}
	}
	var log bytes.Buffer
	if err := runDataStats([]string{spec, "--channels", "3", "--ntest", "2"}, &log); err != nil || !strings.Contains(log.String(), "3x8x8") {
		t.Errorf("colour stats %q, %v", log.String(), err)
	}
}
