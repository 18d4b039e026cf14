package codec

import (
	"bytes"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// pngDeclaring is a valid 1×1 PNG whose header (with a correct CRC) claims
// w×h pixels.
func pngDeclaring(tb testing.TB, w, h uint32) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		tb.Fatal(err)
	}
	b := buf.Bytes()
	// Signature (8), IHDR length (4), "IHDR" at 12, width at 16, height at 20,
	// 5 more header bytes, CRC of "IHDR"+data at 29.
	for i, v := range []uint32{w, h} {
		b[16+4*i], b[17+4*i], b[18+4*i], b[19+4*i] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	c := crc32.ChecksumIEEE(b[12:29])
	b[29], b[30], b[31], b[32] = byte(c>>24), byte(c>>16), byte(c>>8), byte(c)
	return b
}

// A header declaring 8200×8200 pixels (just over the limit, and small
// enough for the decoders of 32-bit platforms) is refused from the header
// alone, naming the size; 2×2 declared over 1×1 of data fails as truncated.
func TestDecodeImageRefusesHugeHeader(t *testing.T) {
	_, err := decodeImageFrom(bytes.NewReader(pngDeclaring(t, 8200, 8200)), "big.png")
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "8200x8200") {
		t.Fatalf("error %v, want ErrFormat naming 8200x8200", err)
	}
	if _, err := decodeImageFrom(bytes.NewReader(pngDeclaring(t, 2, 2)), "small.png"); !errors.Is(err, ErrFormat) {
		t.Fatalf("2x2 header over 1x1 data: error %v", err)
	}
}

// FuzzDecodeImage feeds arbitrary bytes to the PNG/JPEG decoding behind
// ReadImage and ReadImageRGB. It must never panic nor accept a header that
// declares more than maxImagePixels; every error wraps ErrFormat (in-memory
// input cannot fail to read); an accepted image converts to values in
// [0, 1].
func FuzzDecodeImage(f *testing.F) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(37 * i)
	}
	var p, j bytes.Buffer
	if err := png.Encode(&p, img); err != nil {
		f.Fatal(err)
	}
	if err := jpeg.Encode(&j, img, nil); err != nil {
		f.Fatal(err)
	}
	g := image.NewGray16(image.Rect(0, 0, 2, 2))
	g.SetGray16(1, 1, color.Gray16{Y: 65535})
	var p16 bytes.Buffer
	if err := png.Encode(&p16, g); err != nil {
		f.Fatal(err)
	}
	f.Add(p.Bytes())
	f.Add(j.Bytes())
	f.Add(p16.Bytes())
	f.Add(p.Bytes()[:20]) // truncated after the header
	f.Add(pngDeclaring(f, 8200, 8200))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := decodeImageFrom(bytes.NewReader(in), "fuzz")
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %q does not wrap codec.ErrFormat", err)
			}
			return
		}
		b := m.Bounds()
		if b.Dx() <= 0 || b.Dy() <= 0 || b.Dx()*b.Dy() > maxImagePixels {
			t.Fatalf("accepted a %dx%d image", b.Dx(), b.Dy())
		}
		gray, rgb := make([]float32, b.Dx()*b.Dy()), make([]float32, 3*b.Dx()*b.Dy())
		grayInto(gray, m)
		rgbInto(rgb, m)
		for _, v := range append(gray, rgb...) {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("pixel value %v outside [0, 1]", v)
			}
		}
	})
}
