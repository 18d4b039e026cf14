package data

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/internal/rng"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// Photo is one photograph in [0, 1]: grayscale h×w row-major, or with C = 3
// its R, G, B planes one after the other (C = 0 also means grayscale).
type Photo struct {
	Name string
	C    int
	H, W int
	Pix  []float32
}

func (p *Photo) channels() int { return max(1, p.C) }

// PhotoShortSide is the height or width (whichever is smaller) photographs
// are area-downsampled to before patches are cut. Wallpapers are 2–20
// megapixels; at full resolution a 40×40 patch would be nearly flat, while at
// this scale it holds edges and texture like the paper's 40×40 crops of
// natural images, and 36 photos still offer millions of positions.
const PhotoShortSide = 256

// LoadPhotos reads the images of dir (sorted) in grayscale, downsampled so
// the shorter side is at most shortSide (0 keeps full resolution).
func LoadPhotos(dir string, shortSide int) ([]Photo, error) { return loadPhotos(dir, shortSide, 1) }

// loadPhotos is LoadPhotos with 1 (gray) or 3 (RGB) channels.
func loadPhotos(dir string, shortSide, channels int) ([]Photo, error) {
	files, err := ImageFiles(dir)
	if err != nil {
		return nil, err
	}
	photos := make([]Photo, len(files))
	errs := make([]error, len(files))
	parallel.ForEach(len(files), func(i int) {
		photos[i], errs[i] = loadPhoto(files[i], shortSide, channels)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return photos, nil
}

// loadPhoto keeps a downsampled copy of each photo as .npy in a hidden
// folder beside it (.gray256 [H, W], .rgb256 [3, H, W]): decoding dozens of
// multi-megapixel JPEGs costs seconds on every Open, reading the copies
// milliseconds. The copy is only a cache (rebuilt if missing or
// unreadable), so a failure to write it is ignored.
func loadPhoto(path string, shortSide, channels int) (Photo, error) {
	kind, rank := "gray", 2
	if channels != 1 {
		kind, rank = "rgb", 3
	}
	cache := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s%d", kind, shortSide), filepath.Base(path)+".npy")
	if t, err := codec.LoadNpy(cache); err == nil && t.Rank() == rank && (rank == 2 || t.Dim(0) == channels) {
		return Photo{Name: filepath.Base(path), C: channels, H: t.Dim(rank - 2), W: t.Dim(rank - 1), Pix: t.Data()}, nil
	}
	p, err := decodePhoto(path, shortSide, channels)
	if err == nil && os.MkdirAll(filepath.Dir(cache), 0o755) == nil {
		shape := []int{p.H, p.W}
		if rank == 3 {
			shape = []int{channels, p.H, p.W}
		}
		if t, terr := tensor.FromSlice(p.Pix, shape...); terr == nil {
			_ = codec.SaveNpy(cache, t)
		}
	}
	return p, err
}

func decodePhoto(path string, shortSide, channels int) (Photo, error) {
	img, err := readImage(path, channels)
	if err != nil {
		return Photo{}, err
	}
	h, w := img.Dim(img.Rank()-2), img.Dim(img.Rank()-1)
	p := Photo{Name: filepath.Base(path), C: channels, H: h, W: w, Pix: img.Data()}
	if s := min(h, w); shortSide > 0 && s > shortSide {
		oh, ow := h*shortSide/s, w*shortSide/s
		pix := make([]float32, 0, channels*oh*ow)
		for k := range channels {
			plane, err := Resize(img.Data()[k*h*w:(k+1)*h*w], h, w, oh, ow)
			if err != nil {
				return Photo{}, fmt.Errorf("image %s: %v", path, err)
			}
			pix = append(pix, plane...)
		}
		p.Pix, p.H, p.W = pix, oh, ow
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
	c := photos[0].channels()
	for _, p := range photos {
		if p.H < size || p.W < size {
			return nil, fmt.Errorf("patches: image %s is %d×%d, smaller than the %d×%d crop", p.Name, p.H, p.W, size, size)
		}
		if p.channels() != c {
			return nil, fmt.Errorf("patches: image %s has %d channels, %s has %d", p.Name, p.channels(), photos[0].Name, c)
		}
	}
	s, err := newSetC("photos", count, c, size, size)
	if err != nil {
		return nil, err
	}
	r := rng.New(seed ^ saltPatches)
	seen := map[[3]int32]bool{}
	got := 0
	for draws := 0; got < count; draws++ {
		if draws >= 50*count+1000 {
			return nil, fmt.Errorf("patches: found only %d distinct non-duplicate %d×%d patches of the %d wanted in %d draws", got, size, size, count, draws)
		}
		k := r.Intn(len(photos))
		p := &photos[k]
		y, x := r.Intn(p.H-size+1), r.Intn(p.W-size+1)
		key := [3]int32{int32(k), int32(y), int32(x)}
		if seen[key] {
			continue
		}
		seen[key] = true
		dst := s.Image(got)
		for ch := range c {
			src, out := p.Pix[ch*p.H*p.W:(ch+1)*p.H*p.W], dst[ch*size*size:(ch+1)*size*size]
			for i := 0; i < size; i++ {
				copy(out[i*size:(i+1)*size], src[(y+i)*p.W+x:(y+i)*p.W+x+size])
			}
		}
		if dd != nil && !dd.Add(channelMean(dst, c), size, size) {
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
	photos, err := loadPhotos(DatasetDir(opt.CacheDir, "photos"), PhotoShortSide, max(1, opt.Channels))
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
