package report

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// Small RGB images are enlarged with their channels kept: a red and a
// blue 4×4 image make a grid of one red and one blue 64×64 tile.
func TestImageGridKeepsColour(t *testing.T) {
	x := tensor.New(2, 3, 4, 4)
	for i := 0; i < 16; i++ {
		x.Data()[i] = 1       // image 0, R
		x.Data()[48+32+i] = 1 // image 1, B
	}
	path := filepath.Join(t.TempDir(), "g.png")
	if err := ImageGrid(path, x, 2, 0, 1, false); err != nil {
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
	if b := img.Bounds(); b.Dx() != 2*65+1 || b.Dy() != 65+1 {
		t.Fatalf("grid of %v, want two 64×64 tiles with separators", b)
	}
	for _, c := range []struct {
		x, y       int
		r, g, blue uint32
	}{{1, 1, 0xffff, 0, 0}, {64, 64, 0xffff, 0, 0}, {66, 1, 0, 0, 0xffff}, {129, 64, 0, 0, 0xffff}} {
		r, g, b, _ := img.At(c.x, c.y).RGBA()
		if r != c.r || g != c.g || b != c.blue {
			t.Errorf("pixel (%d,%d) = %x %x %x, want %x %x %x", c.x, c.y, r, g, b, c.r, c.g, c.blue)
		}
	}
}
