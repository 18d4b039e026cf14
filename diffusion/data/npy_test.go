package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

func saveNpy(t *testing.T, path string, vals []float32, shape ...int) {
	t.Helper()
	x, err := tensor.FromSlice(vals, shape...)
	if err != nil {
		t.Fatal(err)
	}
	if err := codec.SaveNpy(path, x); err != nil {
		t.Fatal(err)
	}
}

func TestNpyImages(t *testing.T) {
	dir := t.TempDir()
	vals := make([]float32, 10*2*3)
	for i := range vals {
		vals[i] = float32(i%7) / 7
	}
	p := filepath.Join(dir, "a.npy")
	saveNpy(t, p, vals, 10, 1, 2, 3)
	ds, err := Open("npy:"+p, 0, Options{NTest: 2})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Train.N != 8 || ds.Test.N != 2 || ds.Train.H != 2 || ds.Train.W != 3 {
		t.Fatalf("train %d test %d %d×%d", ds.Train.N, ds.Test.N, ds.Train.H, ds.Train.W)
	}
	if ds.Test.Pixels[0] != vals[8*6] || ds.Train.Pixels[5] != vals[5] {
		t.Fatal("npy images not in array order")
	}
	// 8-bit values are scaled to [0, 1].
	b := filepath.Join(dir, "b.npy")
	saveNpy(t, b, []float32{0, 255, 51, 102}, 1, 2, 2)
	s, err := LoadNpyImages(b)
	if err != nil || s.Pixels[1] != 1 || s.Pixels[2] != 0.2 {
		t.Fatalf("8-bit npy: %v %v", s, err)
	}
	// Errors name the file: bad shape, bad range, truncated file.
	for name, c := range map[string]struct {
		vals  []float32
		shape []int
		want  string
	}{
		"rgb.npy":   {make([]float32, 12), []int{1, 3, 2, 2}, "want grayscale images"},
		"range.npy": {[]float32{-1, 0, 0, 0}, []int{1, 2, 2}, "values span"},
	} {
		p := filepath.Join(dir, name)
		saveNpy(t, p, c.vals, c.shape...)
		if _, err := LoadNpyImages(p); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v", name, err)
		}
	}
	raw, _ := os.ReadFile(p)
	tr := filepath.Join(dir, "trunc.npy")
	os.WriteFile(tr, raw[:len(raw)-5], 0o644)
	if _, err := LoadNpyImages(tr); err == nil || !strings.Contains(err.Error(), tr) {
		t.Errorf("truncated npy: %v", err)
	}
}
