package data

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// ImageFiles lists the PNG and JPEG files directly inside dir, sorted by name
// (the dataset order). An empty or missing folder is an error.
func ImageFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("image folder: %w", err)
	}
	var files []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.IsDir() && (ext == ".png" || ext == ".jpg" || ext == ".jpeg") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("image folder %s: no .png, .jpg or .jpeg files", dir)
	}
	sort.Strings(files)
	return files, nil
}

// LoadImageSquare reads one image and prepares it as the authors prepared
// CelebA: centre crop to a square, resize to size×size (area averaging down,
// bicubic up), grayscale = mean of RGB.
func LoadImageSquare(path string, size int) ([]float32, error) {
	return loadImageSquare(path, size, 1)
}

// loadImageSquare is LoadImageSquare for 1 channel (gray = mean of RGB) or
// 3 (R, G, B planes, each cropped and resized alike).
func loadImageSquare(path string, size, channels int) ([]float32, error) {
	t, err := readImage(path, channels)
	if err != nil {
		return nil, err
	}
	h, w := t.Dim(t.Rank()-2), t.Dim(t.Rank()-1)
	out := make([]float32, 0, channels*size*size)
	for k := range channels {
		sq, side := CenterCropSquare(t.Data()[k*h*w:(k+1)*h*w], h, w)
		plane, err := Resize(sq, side, side, size, size)
		if err != nil {
			return nil, fmt.Errorf("image %s: %v", path, err)
		}
		out = append(out, plane...)
	}
	return out, nil
}

// LoadFolder loads every image of dir (see ImageFiles, LoadImageSquare) into a
// grayscale set, decoding in parallel; the order is the sorted file order.
func LoadFolder(dir string, size int) (*Set, error) { return loadFolder(dir, size, 1) }

func loadFolder(dir string, size, channels int) (*Set, error) {
	files, err := ImageFiles(dir)
	if err != nil {
		return nil, err
	}
	s, err := newSetC("folder:"+dir, len(files), channels, size, size)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(files))
	parallel.ForEach(len(files), func(i int) {
		img, err := loadImageSquare(files[i], size, channels)
		if err != nil {
			errs[i] = err
			return
		}
		copy(s.Image(i), img)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// openFolder splits a folder: the last nTest images are the test set (default
// 10% up to 1000, at least 1 when there are 2 or more images), the first
// nTrain of the rest the training set. With dedup, near-duplicates are removed
// first, so a duplicate pair can never straddle train and test.
func openFolder(dir string, size, nTrain, nTest int, dedup bool, channels int) (*Dataset, error) {
	all, err := loadFolder(dir, size, channels)
	if err != nil {
		return nil, err
	}
	if dedup {
		all = all.Select(NearDuplicateFree(all))
	}
	return splitTail(all, "image folder "+dir, nTrain, nTest)
}

// splitTail holds out the last nTest images (default 10% up to 1000, at
// least 1 when there are 2 or more) and trains on the first nTrain before
// them (default: all).
func splitTail(all *Set, what string, nTrain, nTest int) (*Dataset, error) {
	if nTest == 0 {
		nTest = min(1000, all.N/10)
		if nTest == 0 && all.N >= 2 {
			nTest = 1
		}
	}
	rest := all.N - nTest
	if rest <= 0 {
		return nil, fmt.Errorf("%s: %d images leave none for training after %d test images", what, all.N, nTest)
	}
	if nTrain > rest {
		return nil, fmt.Errorf("%s: asked for %d training images, only %d remain after %d test images", what, nTrain, rest, nTest)
	}
	if nTrain == 0 {
		nTrain = rest
	}
	train, _ := all.Slice(0, nTrain)
	test, _ := all.Slice(rest, all.N)
	test.Name = all.Name + " (test)"
	return &Dataset{Train: train, Test: test}, nil
}

// readGray decodes an image file to gray [H, W] in [0, 1].
func readGray(path string) (*tensor.Tensor, error) { return codec.ReadImage(path) }

// readImage decodes an image file to gray [H, W] (channels 1) or to its
// R, G, B planes [3, H, W].
func readImage(path string, channels int) (*tensor.Tensor, error) {
	if channels == 1 {
		return readGray(path)
	}
	return codec.ReadImageRGB(path)
}
