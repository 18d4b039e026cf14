package data

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// Photo is one grayscale photograph, h×w row-major in [0, 1].
type Photo struct {
	Name string
	H, W int
	Pix  []float32
}

// PhotoShortSide is the height or width (whichever is smaller) photographs
// are area-downsampled to before patches are cut. Wallpapers are 2–20
// megapixels; at full resolution a 40×40 patch would be nearly flat, while at
// this scale it holds edges and texture like the paper's 40×40 crops of
// natural images, and 36 photos still offer millions of positions.
const PhotoShortSide = 256

// LoadPhotos reads the images of dir (sorted), downsampled so the shorter
// side is at most shortSide (0 keeps full resolution).
func LoadPhotos(dir string, shortSide int) ([]Photo, error) {
	files, err := ImageFiles(dir)
	if err != nil {
		return nil, err
	}
	photos := make([]Photo, len(files))
	errs := make([]error, len(files))
	parallel.ForEach(len(files), func(i int) {
		photos[i], errs[i] = loadPhoto(files[i], shortSide)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return photos, nil
}

// loadPhoto keeps a grayscale downsampled copy of each photo as .npy in a
// hidden folder beside it: decoding dozens of multi-megapixel JPEGs costs
// seconds on every Open, reading the copies milliseconds. The copy is only a
// cache (rebuilt if missing or unreadable), so a failure to write it is ignored.
func loadPhoto(path string, shortSide int) (Photo, error) {
	cache := filepath.Join(filepath.Dir(path), fmt.Sprintf(".gray%d", shortSide), filepath.Base(path)+".npy")
	if t, err := codec.LoadNpy(cache); err == nil && t.Rank() == 2 {
		return Photo{Name: filepath.Base(path), H: t.Dim(0), W: t.Dim(1), Pix: t.Data()}, nil
	}
	p, err := decodePhoto(path, shortSide)
	if err == nil && os.MkdirAll(filepath.Dir(cache), 0o755) == nil {
		if t, terr := tensor.FromSlice(p.Pix, p.H, p.W); terr == nil {
			_ = codec.SaveNpy(cache, t)
		}
	}
	return p, err
}

func decodePhoto(path string, shortSide int) (Photo, error) {
	img, err := readGray(path)
	if err != nil {
		return Photo{}, err
	}
	h, w := img.Dim(0), img.Dim(1)
	p := Photo{Name: filepath.Base(path), H: h, W: w, Pix: img.Data()}
	if s := min(h, w); shortSide > 0 && s > shortSide {
		oh, ow := h*shortSide/s, w*shortSide/s
		if p.Pix, err = Resize(p.Pix, h, w, oh, ow); err != nil {
			return Photo{}, fmt.Errorf("image %s: %v", path, err)
		}
		p.H, p.W = oh, ow
	}
	return p, nil
}

// Patches cuts count distinct size×size patches from photos at positions
// drawn from seed (a photo uniformly, then a position uniformly in it). With
// a Deduper, near-duplicates of patches it already holds are skipped (so one
// Deduper shared by train and test keeps them apart). Positions never repeat;
// if the photos cannot supply count patches within 50·count draws, it is an
// error saying how many were found.
func Patches(photos []Photo, size, count int, seed uint64, dd *Deduper) (*Set, error) {
	if len(photos) == 0 {
		return nil, fmt.Errorf("patches: no photographs")
	}
	for _, p := range photos {
		if p.H < size || p.W < size {
			return nil, fmt.Errorf("patches: image %s is %d×%d, smaller than the %d×%d crop", p.Name, p.H, p.W, size, size)
		}
	}
	s, err := newSet("photos", count, size, size)
	if err != nil {
		return nil, err
	}
	r := newRNG(seed ^ saltPatches)
	seen := map[[3]int32]bool{}
	got := 0
	for draws := 0; got < count; draws++ {
		if draws >= 50*count+1000 {
			return nil, fmt.Errorf("patches: found only %d distinct non-duplicate %d×%d patches of the %d wanted in %d draws", got, size, size, count, draws)
		}
		k := r.intn(len(photos))
		p := &photos[k]
		y, x := r.intn(p.H-size+1), r.intn(p.W-size+1)
		key := [3]int32{int32(k), int32(y), int32(x)}
		if seen[key] {
			continue
		}
		seen[key] = true
		dst := s.Image(got)
		for i := 0; i < size; i++ {
			copy(dst[i*size:(i+1)*size], p.Pix[(y+i)*p.W+x:(y+i)*p.W+x+size])
		}
		if dd != nil && !dd.Add(dst, size, size) {
			continue
		}
		got++
	}
	return s, nil
}

// openPhotos: every 6th photo (sorted order, index 5, 11, ...) is held out
// for the test patches; one Deduper covers train then test patches.
func openPhotos(size, nTrain, nTest int, opt Options) (*Dataset, error) {
	if !Fetched(opt.CacheDir, "photos") {
		return nil, fmt.Errorf("data: photos are not in %s: run `harmonic data fetch photos` first", DatasetDir(opt.CacheDir, "photos"))
	}
	photos, err := LoadPhotos(DatasetDir(opt.CacheDir, "photos"), PhotoShortSide)
	if err != nil {
		return nil, err
	}
	var trainPh, testPh []Photo
	for i, p := range photos {
		if i%6 == 5 {
			testPh = append(testPh, p)
		} else {
			trainPh = append(trainPh, p)
		}
	}
	if len(testPh) == 0 {
		return nil, fmt.Errorf("data: photos: %d photographs are too few to hold some out for testing", len(photos))
	}
	dd := NewDeduper()
	train, err := Patches(trainPh, size, nTrain, opt.Seed, dd)
	if err != nil {
		return nil, err
	}
	test, err := Patches(testPh, size, nTest, opt.Seed^saltTest, dd)
	if err != nil {
		return nil, err
	}
	test.Name = "photos (test)"
	return &Dataset{Train: train, Test: test}, nil
}
