package codec

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // decoders ReadImage understands
	_ "image/png"
	"io"
	"os"

	"github.com/harmonic-go/harmonic/tensor"
)

// ReadImage decodes a PNG or JPEG file into a grayscale [H, W] tensor with
// values in [0, 1]; gray = mean of R, G and B (the authors' conversion of
// CelebA), not the luma weights. Errors name the file.
func ReadImage(path string) (*tensor.Tensor, error) {
	img, err := decodeImage(path)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	t := tensor.New(b.Dy(), b.Dx())
	grayInto(t.Data(), img)
	return t, nil
}

// ReadImageRGB decodes a PNG or JPEG file into a [3, H, W] tensor: the R, G
// and B planes with values in [0, 1] (a grayscale file gives three equal
// planes). Their mean is ReadImage's gray up to float32 rounding.
func ReadImageRGB(path string) (*tensor.Tensor, error) {
	img, err := decodeImage(path)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	t := tensor.New(3, b.Dy(), b.Dx())
	rgbInto(t.Data(), img)
	return t, nil
}

func decodeImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	defer f.Close()
	return decodeImageFrom(f, path)
}

// maxImagePixels bounds the size an image header may declare (8192×8192):
// the decoders allocate the whole image from the header alone, so a
// corrupt or hostile file of a few bytes could otherwise ask for gigabytes.
const maxImagePixels = 1 << 26

// decodeImageFrom decodes a PNG or JPEG from r; name is for errors.
func decodeImageFrom(r io.ReadSeeker, name string) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		return nil, formatf("image %s: cannot decode (corrupt, truncated or not PNG/JPEG): %v", name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, formatf("image %s: empty %s image %dx%d", name, format, cfg.Width, cfg.Height)
	}
	if cfg.Width > maxImagePixels/cfg.Height {
		return nil, formatf("image %s: %s header declares %dx%d pixels, more than the %d accepted", name, format, cfg.Width, cfg.Height, maxImagePixels)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("image %s: %w", name, err)
	}
	img, format, err := image.Decode(r)
	if err != nil {
		return nil, formatf("image %s: cannot decode (corrupt, truncated or not PNG/JPEG): %v", name, err)
	}
	if b := img.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, formatf("image %s: empty %s image %dx%d", name, format, b.Dx(), b.Dy())
	}
	return img, nil
}

// rgbInto writes the R, G, B planes of img (values /255 or /65535) into
// dst, plane after plane.
func rgbInto(dst []float32, img image.Image) {
	b := img.Bounds()
	w, plane := b.Dx(), b.Dx()*b.Dy()
	r, g, bl := dst[:plane], dst[plane:2*plane], dst[2*plane:3*plane]
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			i := (y-b.Min.Y)*w + x - b.Min.X
			switch m := img.(type) {
			case *image.YCbCr: // the common JPEG case, 8 bits a channel
				yi, ci := m.YOffset(x, y), m.COffset(x, y)
				cr, cg, cb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				r[i], g[i], bl[i] = float32(cr)/255, float32(cg)/255, float32(cb)/255
			case *image.Gray:
				v := float32(m.GrayAt(x, y).Y) / 255
				r[i], g[i], bl[i] = v, v, v
			default:
				cr, cg, cb, _ := img.At(x, y).RGBA()
				r[i], g[i], bl[i] = float32(cr)/65535, float32(cg)/65535, float32(cb)/65535
			}
		}
	}
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
