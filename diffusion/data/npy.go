package data

import (
	"fmt"

	"github.com/harmonic-go/harmonic/tensor/codec"
)

// LoadNpyImages reads a .npy array of grayscale images, shape [N, H, W] or
// [N, 1, H, W] (any dtype codec.LoadNpy converts). Values are expected in
// [0, 1]; an array whose values reach above 1 but not above 255 is taken as
// 8-bit and divided by 255. Anything else is an error naming the file.
func LoadNpyImages(path string) (*Set, error) { return loadNpyImages(path, 1) }

// loadNpyImages reads grayscale images (channels 1) as LoadNpyImages does,
// or RGB images [N, 3, H, W] (channels 3).
func loadNpyImages(path string, channels int) (*Set, error) {
	t, err := codec.LoadNpy(path)
	if err != nil {
		return nil, err
	}
	sh := t.Shape()
	var n, h, w int
	switch {
	case channels == 1 && len(sh) == 3:
		n, h, w = sh[0], sh[1], sh[2]
	case len(sh) == 4 && sh[1] == channels:
		n, h, w = sh[0], sh[2], sh[3]
	case channels == 1 && len(sh) == 4 && sh[1] == 3:
		return nil, fmt.Errorf("npy %s: want grayscale images [N H W] or [N 1 H W], got RGB images %v (read them with 3 channels, --channels 3)", path, sh)
	case channels == 1:
		return nil, fmt.Errorf("npy %s: want grayscale images [N H W] or [N 1 H W], got shape %v", path, sh)
	default:
		return nil, fmt.Errorf("npy %s: want RGB images [N 3 H W], got shape %v", path, sh)
	}
	if h == 0 || w == 0 {
		return nil, fmt.Errorf("npy %s: empty images %d×%d", path, h, w)
	}
	s, err := newSetC("npy:"+path, n, channels, h, w)
	if err != nil {
		return nil, err
	}
	copy(s.Pixels, t.Contiguous().Data())
	lo, hi := float32(0), float32(0)
	for _, v := range s.Pixels {
		if v != v {
			return nil, fmt.Errorf("npy %s: contains NaN", path)
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	switch {
	case lo < 0 || hi > 255:
		return nil, fmt.Errorf("npy %s: values span [%g, %g]; want [0, 1] (or 8-bit [0, 255])", path, lo, hi)
	case hi > 1:
		for i := range s.Pixels {
			s.Pixels[i] /= 255
		}
	}
	return s, nil
}

// openNpy splits like a folder: the last nTest images are the test set.
func openNpy(path string, size, nTrain, nTest, channels int) (*Dataset, error) {
	all, err := loadNpyImages(path, channels)
	if err != nil {
		return nil, err
	}
	if size != 0 && (all.H != size || all.W != size) {
		if all, err = all.Resized(size); err != nil {
			return nil, err
		}
	}
	return splitTail(all, "npy file "+path, nTrain, nTest)
}
