package data

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeDigitCache writes a fake mnist cache: 3 train and 2 test images of
// 2×2 pixels, and, when given, the labels files (test labels gzipped, as
// Fashion-MNIST ships them).
func writeDigitCache(t *testing.T, trainLabels, testLabels []byte) string {
	t.Helper()
	cache := t.TempDir()
	dir := DatasetDir(cache, "mnist")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		fetchedMarker:             []byte("test"),
		"train-images-idx3-ubyte": makeIDX(0x08, []int{3, 2, 2}, make([]byte, 12)),
		"t10k-images-idx3-ubyte":  makeIDX(0x08, []int{2, 2, 2}, make([]byte, 8)),
	}
	if trainLabels != nil {
		files["train-labels-idx1-ubyte"] = makeIDX(0x08, []int{len(trainLabels)}, trainLabels)
	}
	if testLabels != nil {
		files["t10k-labels-idx1-ubyte.gz"] = gz(makeIDX(0x08, []int{len(testLabels)}, testLabels))
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return cache
}

func TestDigitLabels(t *testing.T) {
	cache := writeDigitCache(t, []byte{7, 0, 9}, []byte{3, 1})
	ds, err := Open("mnist", 0, Options{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ds.TrainLabels, []int{7, 0, 9}) || !slices.Equal(ds.TestLabels, []int{3, 1}) {
		t.Errorf("labels %v and %v", ds.TrainLabels, ds.TestLabels)
	}
	// The first NTrain images keep their own labels.
	ds, err = Open("mnist", 0, Options{CacheDir: cache, NTrain: 2, NTest: 1})
	if err != nil || !slices.Equal(ds.TrainLabels, []int{7, 0}) || !slices.Equal(ds.TestLabels, []int{3}) {
		t.Errorf("2 train, 1 test: labels %v and %v, %v", ds.TrainLabels, ds.TestLabels, err)
	}
	// A cache without labels files still opens, with no labels.
	ds, err = Open("mnist", 0, Options{CacheDir: writeDigitCache(t, nil, nil)})
	if err != nil || ds.TrainLabels != nil || ds.TestLabels != nil {
		t.Errorf("no labels files: %v, %v, %v", ds.TrainLabels, ds.TestLabels, err)
	}
	for _, c := range []struct {
		train []byte
		want  string
	}{
		{[]byte{1, 2}, "has 2 labels for 3 images"},
		{[]byte{1, 12, 3}, "label 12 of image 1"},
	} {
		_, err := Open("mnist", 0, Options{CacheDir: writeDigitCache(t, c.train, []byte{0, 0})})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("train labels %v: %v, want %q", c.train, err, c.want)
		}
	}
	if _, err := IDXLabels(&IDX{Type: 0x08, Dims: []int{2, 2}, Data: make([]float32, 4)}, "x", 0); err == nil {
		t.Error("a 2-D array was read as labels")
	}
}
