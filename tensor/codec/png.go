package codec

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"math"

	"github.com/harmonic-go/harmonic/internal/atomicfile"
	"github.com/harmonic-go/harmonic/tensor"
)

// WritePNGGrid writes images ([B,1,H,W] or [B,H,W]) as one 8-bit grayscale
// PNG, or RGB images [B,3,H,W] as one 8-bit RGB PNG: cols tiles per row,
// 1-pixel white separators between tiles and around the grid. Values map linearly from [lo, hi] to [0, 255] and are clipped;
// lo == hi means "use the images' own minimum and maximum". The file is
// written to a temporary name and renamed, so a reader never sees half a PNG.
func WritePNGGrid(path string, images *tensor.Tensor, cols int, lo, hi float32) error {
	b, c, h, w, err := gridShape(images)
	if err != nil {
		return fmt.Errorf("png grid %s: %v", path, err)
	}
	if cols <= 0 {
		return fmt.Errorf("png grid %s: cols must be positive, got %d", path, cols)
	}
	src := gridValues(images, b*c, h, w)
	if lo == hi {
		lo, hi = minMax(src)
		if lo == hi {
			hi = lo + 1
		}
	}
	cols = min(cols, b)
	rows := (b + cols - 1) / cols
	if c == 3 {
		return writePNGAtomic(path, rgbGrid(src, b, h, w, cols, rows, lo, hi))
	}
	img := image.NewGray(image.Rect(0, 0, cols*(w+1)+1, rows*(h+1)+1))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	scale := 255 / float64(hi-lo)
	for k := 0; k < b; k++ {
		y0, x0 := (k/cols)*(h+1)+1, (k%cols)*(w+1)+1
		tile := src[k*h*w : (k+1)*h*w]
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				v := math.Round((float64(tile[i*w+j]) - float64(lo)) * scale)
				img.Pix[(y0+i)*img.Stride+x0+j] = uint8(math.Max(0, math.Min(255, v)))
			}
		}
	}
	return writePNGAtomic(path, img)
}

// rgbGrid lays out b RGB images (planes R, G, B of h×w each) like the
// grayscale grid, in an opaque RGBA image.
func rgbGrid(src []float32, b, h, w, cols, rows int, lo, hi float32) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, cols*(w+1)+1, rows*(h+1)+1))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	scale := 255 / float64(hi-lo)
	plane := h * w
	for k := 0; k < b; k++ {
		y0, x0 := (k/cols)*(h+1)+1, (k%cols)*(w+1)+1
		tile := src[k*3*plane : (k+1)*3*plane]
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				o := (y0+i)*img.Stride + 4*(x0+j)
				for ch := range 3 {
					v := math.Round((float64(tile[ch*plane+i*w+j]) - float64(lo)) * scale)
					img.Pix[o+ch] = uint8(math.Max(0, math.Min(255, v)))
				}
			}
		}
	}
	return img
}

func gridShape(t *tensor.Tensor) (b, c, h, w int, err error) {
	s := t.Shape()
	switch {
	case len(s) == 4 && (s[1] == 1 || s[1] == 3):
		return s[0], s[1], s[2], s[3], nil
	case len(s) == 3:
		return s[0], 1, s[1], s[2], nil
	}
	return 0, 0, 0, 0, fmt.Errorf("want images [B 1 H W], [B 3 H W] or [B H W], got shape %v", s)
}

// gridValues copies the images out of a possibly strided view, so slices
// and transposes can be shown as they are.
func gridValues(t *tensor.Tensor, b, h, w int) []float32 {
	out := make([]float32, b*h*w)
	copy(out, t.Contiguous().Data())
	return out
}

func minMax(v []float32) (lo, hi float32) {
	if len(v) == 0 {
		return 0, 1
	}
	lo, hi = v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

func writePNGAtomic(path string, img image.Image) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
		return fmt.Errorf("png %w", err)
	}
	return nil
}
