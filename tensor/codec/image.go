package codec

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // decoders ReadImage understands
	_ "image/png"
	"os"

	"github.com/harmonic-go/harmonic/tensor"
)

// ReadImage decodes a PNG or JPEG file into a grayscale [H, W] tensor with
// values in [0, 1]; gray = mean of R, G and B (the authors' conversion of
// CelebA), not the luma weights. Errors name the file.
func ReadImage(path string) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		return nil, formatf("image %s: cannot decode (corrupt, truncated or not PNG/JPEG): %v", path, err)
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, formatf("image %s: empty %s image %dx%d", path, format, b.Dx(), b.Dy())
	}
	t := tensor.New(b.Dy(), b.Dx())
	grayInto(t.Data(), img)
	return t, nil
}

// grayInto writes mean(R,G,B)/65535 of every pixel of img into dst.
func grayInto(dst []float32, img image.Image) {
	b := img.Bounds()
	w := b.Dx()
	switch m := img.(type) {
	case *image.YCbCr:
		// The common JPEG case: convert without the interface call per pixel.
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				yi, ci := m.YOffset(x, y), m.COffset(x, y)
				r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				dst[(y-b.Min.Y)*w+x-b.Min.X] = float32(int(r)+int(g)+int(bl)) / (3 * 255)
			}
		}
	case *image.Gray:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				dst[(y-b.Min.Y)*w+x-b.Min.X] = float32(m.GrayAt(x, y).Y) / 255
			}
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				dst[(y-b.Min.Y)*w+x-b.Min.X] = float32(r+g+bl) / (3 * 65535)
			}
		}
	}
}
