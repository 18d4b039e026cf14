package report

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// Each field lands in its cell scaled by its own maximum: the largest
// positive value is pure red, a value of −half the maximum is half-faded
// blue, zero is white; colour fields show their planes side by side.
func TestFieldPanel(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fields.png")
	const c, h, w = 2, 2, 2 // 64/2: every value a 32×32 block
	a := []float64{4, 0, -2, 0 /* plane 1 */, 0, 0, 0, 1}
	b := []float64{0, 0, 0, 0, 0, 0, 0, 0}
	if err := FieldPanel(path, [][][]float64{{a, b}}, c, h, w, []string{"NET"}, []string{"T=900", "T=0"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// Geometry as FieldPanel lays it out: label column, then 32-pixel blocks.
	left := 4 + TextWidth("NET", 1) + 6
	top := 4 + 7 + 6
	at := func(x, y int) color.RGBA {
		r, g, bl, al := img.At(x, y).RGBA()
		return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(al >> 8)}
	}
	cellW := c*w*32 + 2
	checks := []struct {
		x, y int
		want color.RGBA
	}{
		{left + 16, top + 16, color.RGBA{255, 0, 0, 255}},     // a[0] = max
		{left + 48, top + 16, color.RGBA{255, 255, 255, 255}}, // a[1] = 0
		{left + 16, top + 48, color.RGBA{128, 128, 255, 255}}, // a[2] = −max/2
	}
	for _, ch := range checks {
		if got := at(ch.x, ch.y); got != ch.want {
			t.Fatalf("pixel (%d,%d) = %v, want %v", ch.x, ch.y, got, ch.want)
		}
	}
	// Plane 1's last value is +1 = max/4: a quarter-saturated red.
	if got := at(left+64+2+48, top+48); got != (color.RGBA{255, 191, 191, 255}) {
		t.Fatalf("plane 1 pixel = %v, want a quarter red", got)
	}
	// The zero field of the second column is white.
	if got := at(left+cellW+6+16, top+16); got != (color.RGBA{255, 255, 255, 255}) {
		t.Fatalf("zero field pixel = %v", got)
	}
	for name, fn := range map[string]func() error{
		"short field": func() error { return FieldPanel(path+"2", [][][]float64{{a[:3]}}, c, h, w, nil, nil) },
		"no fields":   func() error { return FieldPanel(path+"2", nil, c, h, w, nil, nil) },
		"row labels":  func() error { return FieldPanel(path+"2", [][][]float64{{a}}, c, h, w, []string{"a", "b"}, nil) },
		"col labels":  func() error { return FieldPanel(path+"2", [][][]float64{{a}}, c, h, w, nil, []string{"a", "b"}) },
	} {
		if fn() == nil {
			t.Fatalf("%s accepted", name)
		}
	}
	if _, err := os.Stat(path + "2"); err == nil {
		t.Fatal("a rejected panel wrote a file")
	}
}

// An RGB grid stays in colour when small images are enlarged: a pure red
// 4×4 image becomes a 64×64 red tile.
func TestImageGridRGBEnlarged(t *testing.T) {
	img := tensor.New(1, 3, 4, 4)
	for q := range 16 {
		img.Data()[q] = 1 // the R plane
	}
	path := filepath.Join(t.TempDir(), "rgb.png")
	if err := ImageGrid(path, img, 1, 0, 1, false); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := p.Bounds(); b.Dx() != 66 || b.Dy() != 66 {
		t.Fatalf("grid of %v, want one 64×64 tile with separators (66×66)", b)
	}
	r, g, b, _ := p.At(40, 40).RGBA()
	if r>>8 != 255 || g != 0 || b != 0 {
		t.Fatalf("tile pixel (%d,%d,%d), want red", r>>8, g>>8, b>>8)
	}
}
