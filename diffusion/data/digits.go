package data

import (
	"fmt"
	"os"
	"path/filepath"
)

// openDigits loads MNIST or Fashion-MNIST from the cache: the first nTrain
// images of the official training file (0: all 60000) and the first nTest of
// the official test file (0: all 10000), resized if size is not 28.
func openDigits(name string, size, nTrain, nTest int, cache string) (*Dataset, error) {
	if !Fetched(cache, name) {
		return nil, fmt.Errorf("data: %s is not in %s: run `harmonic data fetch %s` first", name, DatasetDir(cache, name), name)
	}
	dir := DatasetDir(cache, name)
	train, err := loadDigitFile(dir, "train-images-idx3-ubyte", name, nTrain, size)
	if err != nil {
		return nil, err
	}
	test, err := loadDigitFile(dir, "t10k-images-idx3-ubyte", name+" (test)", nTest, size)
	if err != nil {
		return nil, err
	}
	ds := &Dataset{Train: train, Test: test}
	if ds.TrainLabels, err = loadDigitLabels(dir, "train-labels-idx1-ubyte", train.N); err != nil {
		return nil, err
	}
	if ds.TestLabels, err = loadDigitLabels(dir, "t10k-labels-idx1-ubyte", test.N); err != nil {
		return nil, err
	}
	return ds, nil
}

// loadDigitLabels reads the first n labels of base or base.gz in dir; a
// cache without the file gives nil labels (the images alone are usable),
// a file with fewer than n labels or a value above 9 is an error.
func loadDigitLabels(dir, base string, n int) ([]int, error) {
	path := filepath.Join(dir, base)
	if _, err := os.Stat(path); err != nil {
		path += ".gz"
		if _, err := os.Stat(path); err != nil {
			return nil, nil
		}
	}
	x, err := LoadIDX(path)
	if err != nil {
		return nil, err
	}
	labels, err := IDXLabels(x, path, n)
	if err != nil {
		return nil, err
	}
	if len(labels) < n {
		return nil, fmt.Errorf("data: %s has %d labels for %d images", path, len(labels), n)
	}
	for i, l := range labels {
		if l > 9 {
			return nil, fmt.Errorf("data: %s: label %d of image %d is not a class 0..9", path, l, i)
		}
	}
	return labels, nil
}

// loadDigitFile finds base or base.gz in dir.
func loadDigitFile(dir, base, name string, limit, size int) (*Set, error) {
	path := filepath.Join(dir, base)
	if _, err := os.Stat(path); err != nil {
		path += ".gz"
	}
	x, err := LoadIDX(path)
	if err != nil {
		return nil, err
	}
	s, err := IDXImages(x, name, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if limit > s.N {
		return nil, fmt.Errorf("data: %s has %d images, %d were asked for", path, s.N, limit)
	}
	if limit > 0 {
		s, _ = s.Slice(0, limit)
	}
	return s.Resized(size)
}

// Resized returns the set resampled to size×size (itself if already so).
func (s *Set) Resized(size int) (*Set, error) {
	if s.H == size && s.W == size {
		return s, nil
	}
	c := s.Channels()
	out, err := newSetC(s.Name, s.N, c, size, size)
	if err != nil {
		return nil, err
	}
	in, plane := s.H*s.W, size*size
	for i := 0; i < s.N; i++ {
		src, dst := s.Image(i), out.Image(i)
		for k := range c { // each channel plane on its own
			img, err := Resize(src[k*in:(k+1)*in], s.H, s.W, size, size)
			if err != nil {
				return nil, err
			}
			copy(dst[k*plane:(k+1)*plane], img)
		}
	}
	return out, nil
}
