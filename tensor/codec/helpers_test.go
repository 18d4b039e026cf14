package codec

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// arange returns a contiguous tensor holding 0, 1, 2, ... in the given shape.
func arange(shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	d := t.Data()
	for i := range d {
		d[i] = float32(i)
	}
	return t
}

// randTensor returns a tensor of the given shape with normal values. If
// strided, the result is a non-contiguous view (a slice of a larger tensor,
// permuted) holding the same logical shape, so writers are tested on views.
func randTensor(r *tensor.RNG, strided bool, shape ...int) *tensor.Tensor {
	if !strided || len(shape) == 0 {
		t := tensor.New(shape...)
		r.FillNormal(t.Data(), 0, 1)
		return t
	}
	rev := make([]int, len(shape))
	perm := make([]int, len(shape))
	for i := range shape {
		rev[i] = shape[len(shape)-1-i]
		perm[i] = len(shape) - 1 - i
	}
	rev[len(rev)-1] += 2
	big := tensor.New(rev...)
	r.FillNormal(big.Data(), 0, 1)
	s, _ := big.Slice(len(rev)-1, 1, rev[len(rev)-1]-1)
	p, _ := s.Permute(perm...)
	return p
}

// allIndices lists every index tuple of shape in row-major order.
func allIndices(shape []int) [][]int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	out := make([][]int, 0, n)
	idx := make([]int, len(shape))
	for i := 0; i < n; i++ {
		out = append(out, slices.Clone(idx))
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

func wantErr(t *testing.T, err error, substrs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error containing %q, got nil", substrs)
	}
	for _, s := range substrs {
		if !strings.Contains(err.Error(), s) {
			t.Fatalf("error %q does not contain %q", err, s)
		}
	}
}

// writePNGFixture writes dir/a.png, the 3×2 NRGBA image the image readers are
// checked on: red at (0,0), cyan at (1,0), (30,60,90) at (2,1), the other
// pixels transparent black. It returns the file's path.
func writePNGFixture(t *testing.T, dir string) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	img.Set(1, 0, color.NRGBA{0, 255, 255, 255})
	img.Set(2, 1, color.NRGBA{30, 60, 90, 255})
	return writeImage(t, filepath.Join(dir, "a.png"), func(f *os.File) error { return png.Encode(f, img) })
}

// writeFlatJPEG writes dir/b.jpg, a 16×16 JPEG (quality 95) of the opaque
// colour (r, g, b), and returns its path.
func writeFlatJPEG(t *testing.T, dir string, r, g, b uint8) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = r, g, b, 255
	}
	return writeImage(t, filepath.Join(dir, "b.jpg"), func(f *os.File) error {
		return jpeg.Encode(f, img, &jpeg.Options{Quality: 95})
	})
}

// writeImage creates path, lets encode fill it and closes it, failing t on
// any error; it returns path.
func writeImage(t *testing.T, path string, encode func(*os.File) error) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := encode(f); err != nil {
		f.Close()
		t.Fatalf("encode %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// readPNG decodes the PNG file at path, failing t on any error.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}
