package codec

import (
	"errors"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

func TestWritePNGGridLayoutAndValues(t *testing.T) {
	// 3 images of 2×3, 2 per row: grid 2·(3+1)+1 = 9 wide, 2·(2+1)+1 = 7 high.
	data := make([]float32, 3*2*3)
	for i := range data {
		data[i] = float32(i) / float32(len(data)-1)
	}
	x, _ := tensor.FromSlice(data, 3, 1, 2, 3)
	path := filepath.Join(t.TempDir(), "g.png")
	if err := WritePNGGrid(path, x, 2, 0, 1); err != nil {
		t.Fatal(err)
	}
	img := readPNG(t, path)
	if b := img.Bounds(); b.Dx() != 9 || b.Dy() != 7 {
		t.Fatalf("grid is %v, want 9×7", b)
	}
	gray := func(x, y int) uint8 { return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y }
	for k := 0; k < 3; k++ {
		y0, x0 := (k/2)*3+1, (k%2)*4+1
		for i := 0; i < 2; i++ {
			for j := 0; j < 3; j++ {
				want := uint8(math.Round(float64(data[k*6+i*3+j]) * 255))
				if got := gray(x0+j, y0+i); got != want {
					t.Fatalf("image %d (%d,%d) = %d want %d", k, i, j, got, want)
				}
			}
		}
	}
	for x := 0; x < 9; x++ {
		if gray(x, 0) != 255 || gray(x, 3) != 255 {
			t.Fatalf("separator row not white at x=%d", x)
		}
	}
	// [B,H,W] input and auto range; bad shapes and cols are errors.
	y, _ := tensor.FromSlice([]float32{-1, 1}, 1, 1, 2)
	if err := WritePNGGrid(path, y, 4, 0, 0); err != nil {
		t.Fatal(err)
	}
	z, _ := tensor.FromSlice(make([]float32, 8), 2, 2, 1, 2)
	if err := WritePNGGrid(path, z, 1, 0, 1); err == nil || !strings.Contains(err.Error(), "[2 2 1 2]") {
		t.Fatalf("2-channel images: %v", err)
	}
	if err := WritePNGGrid(path, x, 0, 0, 1); err == nil {
		t.Fatal("cols 0 accepted")
	}
}

func TestReadImageGrayIsMeanOfRGB(t *testing.T) {
	dir := t.TempDir()
	p := writePNGFixture(t, dir)
	g, err := ReadImage(p)
	if err != nil {
		t.Fatal(err)
	}
	if g.Dim(0) != 2 || g.Dim(1) != 3 {
		t.Fatalf("shape %v", g.Shape())
	}
	d := g.Data()
	for i, want := range []float64{1.0 / 3, 2.0 / 3, 0, 0, 0, 60.0 / 255} {
		if math.Abs(float64(d[i])-want) > 1e-6 {
			t.Fatalf("pixel %d = %v want %v", i, d[i], want)
		}
	}
	// JPEG (YCbCr fast path): a flat grey decodes to about that grey.
	jp := writeFlatJPEG(t, dir, 100, 100, 100)
	j, err := ReadImage(jp)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range j.Data() {
		if math.Abs(float64(v)-100.0/255) > 2.0/255 {
			t.Fatalf("jpeg grey %v, want %v", v, 100.0/255)
		}
	}
	// Corrupt and truncated files: errors naming the file.
	bad := filepath.Join(dir, "bad.png")
	os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\nnot really"), 0o644)
	if _, err := ReadImage(bad); err == nil || !strings.Contains(err.Error(), bad) || !errors.Is(err, ErrFormat) {
		t.Fatalf("corrupt png: %v (want the path and ErrFormat)", err)
	}
	raw, _ := os.ReadFile(jp)
	os.WriteFile(bad, raw[:len(raw)/2], 0o644)
	if _, err := ReadImage(bad); err == nil || !strings.Contains(err.Error(), bad) || !errors.Is(err, ErrFormat) {
		t.Fatalf("truncated jpeg: %v (want the path and ErrFormat)", err)
	}
	if _, err := ReadImage(filepath.Join(dir, "missing.png")); err == nil {
		t.Fatal("missing file accepted")
	}
}
