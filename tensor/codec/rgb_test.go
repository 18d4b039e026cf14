package codec

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

func TestReadImageRGBPlanes(t *testing.T) {
	dir := t.TempDir()
	img := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	img.Set(1, 0, color.NRGBA{0, 255, 255, 255})
	img.Set(2, 1, color.NRGBA{30, 60, 90, 255})
	p := filepath.Join(dir, "a.png")
	f, _ := os.Create(p)
	png.Encode(f, img)
	f.Close()
	x, err := ReadImageRGB(p)
	if err != nil {
		t.Fatal(err)
	}
	if x.Rank() != 3 || x.Dim(0) != 3 || x.Dim(1) != 2 || x.Dim(2) != 3 {
		t.Fatalf("shape %v, want [3 2 3]", x.Shape())
	}
	want := [3][6]float64{
		{1, 0, 0, 0, 0, 30.0 / 255},
		{0, 1, 0, 0, 0, 60.0 / 255},
		{0, 1, 0, 0, 0, 90.0 / 255},
	}
	g, _ := ReadImage(p)
	for c := range 3 {
		for i, w := range want[c] {
			if v := float64(x.Data()[c*6+i]); math.Abs(v-w) > 1e-6 {
				t.Fatalf("channel %d pixel %d = %v, want %v", c, i, v, w)
			}
		}
	}
	for i := range 6 { // ReadImage's gray is the mean of the planes
		mean := (float64(x.Data()[i]) + float64(x.Data()[6+i]) + float64(x.Data()[12+i])) / 3
		if math.Abs(float64(g.Data()[i])-mean) > 1e-6 {
			t.Fatalf("pixel %d: gray %v, mean of planes %v", i, g.Data()[i], mean)
		}
	}
	// JPEG (the YCbCr path): a flat colour decodes to about that colour.
	rgba := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := 0; i < len(rgba.Pix); i += 4 {
		rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2], rgba.Pix[i+3] = 200, 100, 40, 255
	}
	jp := filepath.Join(dir, "b.jpg")
	f, _ = os.Create(jp)
	jpeg.Encode(f, rgba, &jpeg.Options{Quality: 95})
	f.Close()
	j, err := ReadImageRGB(jp)
	if err != nil {
		t.Fatal(err)
	}
	for c, w := range []float64{200, 100, 40} {
		for _, v := range j.Data()[c*256 : (c+1)*256] {
			if math.Abs(float64(v)-w/255) > 3.0/255 {
				t.Fatalf("jpeg channel %d: %v, want about %v", c, v, w/255)
			}
		}
	}
}

// An RGB grid is laid out like the grayscale one, each tile's pixel in
// colour, separators white.
func TestWritePNGGridRGB(t *testing.T) {
	const b, h, w = 3, 2, 2
	x := tensor.New(b, 3, h, w)
	for k := range b {
		for c := range 3 {
			for j := range h * w {
				x.Data()[(k*3+c)*h*w+j] = float32(k*3+c) / 8 // channel c of image k
			}
		}
	}
	path := filepath.Join(t.TempDir(), "rgb.png")
	if err := WritePNGGrid(path, x, 2, 0, 1); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if bd := img.Bounds(); bd.Dx() != 2*(w+1)+1 || bd.Dy() != 2*(h+1)+1 {
		t.Fatalf("grid %v", bd)
	}
	for k := range b {
		y0, x0 := (k/2)*(h+1)+1, (k%2)*(w+1)+1
		r, g, bl, _ := img.At(x0+1, y0+1).RGBA()
		for c, got := range []uint32{r >> 8, g >> 8, bl >> 8} {
			want := uint32(math.Round(float64(k*3+c) / 8 * 255))
			if got != want {
				t.Errorf("image %d channel %d: %d, want %d", k, c, got, want)
			}
		}
	}
	if r, g, bl, _ := img.At(0, 0).RGBA(); r>>8 != 255 || g>>8 != 255 || bl>>8 != 255 {
		t.Error("separator not white")
	}
}
