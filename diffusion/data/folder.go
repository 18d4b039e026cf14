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
	t, err := readGray(path)
	if err != nil {
		return nil, err
	}
	sq, side := CenterCropSquare(t.Data(), t.Dim(0), t.Dim(1))
	out, err := Resize(sq, side, side, size, size)
	if err != nil {
		return nil, fmt.Errorf("image %s: %v", path, err)
	}
	return out, nil
}

// LoadFolder loads every image of dir (see ImageFiles, LoadImageSquare) into a
// set, decoding in parallel; the order is the sorted file order.
func LoadFolder(dir string, size int) (*Set, error) {
	files, err := ImageFiles(dir)
	if err != nil {
		return nil, err
	}
	s, err := newSet("folder:"+dir, len(files), size, size)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(files))
	parallel.ForEach(len(files), func(i int) {
		img, err := LoadImageSquare(files[i], size)
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
func openFolder(dir string, size, nTrain, nTest int, dedup bool) (*Dataset, error) {
	all, err := LoadFolder(dir, size)
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
