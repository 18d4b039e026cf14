package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDataShowAndStats(t *testing.T) {
	out := filepath.Join(t.TempDir(), "disks.png")
	if err := runData([]string{"show", "disks", "--n", "6", "--cols", "3", "--out", out}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// 3 columns and 2 rows of 40×40 tiles with 1-pixel separators.
	if b := img.Bounds(); b.Dx() != 3*41+1 || b.Dy() != 2*41+1 {
		t.Fatalf("grid %v", b)
	}
	var buf bytes.Buffer
	if err := runDataStats([]string{"cmix:2", "--ntrain", "20", "--ntest", "5", "--size", "16"}, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "train          20     16x16") || !strings.Contains(buf.String(), "test            5") {
		t.Fatalf("stats output:\n%s", buf.String())
	}
	for _, bad := range [][]string{{}, {"show", "disks"}, {"stats"}, {"stats", "cmix:-2"}, {"frobnicate"}, {"fetch"}} {
		if err := runData(bad); err == nil {
			t.Errorf("data %v: no error", bad)
		}
	}
}
