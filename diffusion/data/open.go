package data

import "fmt"

// Options tune Open. The zero value gives each source's defaults.
type Options struct {
	// NTrain is the number of training images (0: the source's default:
	// 10000 generated images or patches, every image of a file source).
	// To run the two-network study at size N ask for at least 2N.
	NTrain int
	// NTest is the number of held-out test images (0: 1000 generated,
	// the whole official test file of a digit set, 10% of a folder up to 1000).
	NTest int
	// Seed drives generators, patch positions, the permutation and the W
	// coefficients. The same seed gives bit-identical sets.
	Seed uint64
	// Shuffle applies one fixed random pixel permutation (drawn from Seed)
	// to every train and test image: the "shuffled" control.
	Shuffle bool
	// WGamma > 0 adds WGamma·c·s to every image (s = WMask, c ~ U[−1,1] per
	// image): the manipulation experiment of Lukoianov et al.
	WGamma float64
	// Dedup removes near-duplicates (correlation > 0.95 after average-pooling
	// to 20×20 and normalizing) from folder images. Photo patches are always
	// deduplicated.
	Dedup bool
	// Channels is 1 (grayscale, also meant by 0; colour files become the
	// mean of R, G, B) or 3 (RGB, for photos, folder and npy sources).
	Channels int
	// CacheDir holds fetched data ("" = CacheDir(): $HARMONIC_DATA or
	// ~/.cache/harmonic).
	CacheDir string
}

// seed salts keep the streams of different purposes independent.
const (
	saltTest    = 0x7e57_5e7
	saltPatches = 0x9a7c4e5
)

// Open loads or generates the dataset named by spec (see ParseSpec) at
// size×size pixels (0: spec's DefaultSize). The test set never shares an image
// with Train:
//   - cmix, disks: Test is drawn from a separate seed stream;
//   - mnist, fashion-mnist: Train comes from the official training file
//     (first NTrain images), Test from the official t10k file;
//   - photos: every 6th photograph (in sorted file order) is reserved for
//     Test patches, the others give Train patches;
//   - folder, npy: the last NTest images (sorted by file name, or in array
//     order) are Test, the images before them Train.
func Open(spec string, size int, opt Options) (*Dataset, error) {
	sp, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	if size == 0 {
		size = sp.DefaultSize() // 0 for npy: keep the array's size
	}
	if size < 0 || opt.NTrain < 0 || opt.NTest < 0 {
		return nil, fmt.Errorf("data: %s: size %d, %d train and %d test images: none may be negative", spec, size, opt.NTrain, opt.NTest)
	}
	switch c := max(1, opt.Channels); {
	case c != 1 && c != 3:
		return nil, fmt.Errorf("data: %s: %d channels; want 1 (grayscale) or 3 (RGB)", spec, c)
	case c == 3 && !sp.Colour():
		return nil, fmt.Errorf("data: %s holds grayscale images only; 3 channels need photos, folder:PATH or npy:PATH", spec)
	}
	if opt.Channels == 3 && opt.WGamma != 0 {
		return nil, fmt.Errorf("data: %s: the W manipulation is defined for grayscale images, not 3 channels", spec)
	}
	ds, err := openSource(sp, size, opt)
	if err != nil {
		return nil, err
	}
	ds.Spec = sp
	return ds, applyTransforms(ds, opt)
}

func openSource(sp Spec, size int, opt Options) (*Dataset, error) {
	nTrain, nTest := opt.NTrain, opt.NTest
	if sp.Synthetic() || sp.Kind == "photos" {
		if nTrain == 0 {
			nTrain = 10000
		}
		if nTest == 0 {
			nTest = 1000
		}
	}
	switch sp.Kind {
	case "cmix":
		gen := CAlpha
		if sp.AA {
			gen = CAlphaAA
		}
		train, err := gen(size, nTrain, sp.Alpha, opt.Seed)
		if err != nil {
			return nil, err
		}
		test, err := gen(size, nTest, sp.Alpha, opt.Seed^saltTest)
		return withTest(train, test, err)
	case "disks":
		train, _, err := Disks(size, nTrain, opt.Seed)
		if err != nil {
			return nil, err
		}
		test, _, err := Disks(size, nTest, opt.Seed^saltTest)
		return withTest(train, test, err)
	case "mnist", "fashion-mnist":
		return openDigits(sp.Kind, size, nTrain, nTest, opt.CacheDir)
	case "photos":
		return openPhotos(size, nTrain, nTest, opt)
	case "folder":
		return openFolder(sp.Path, size, nTrain, nTest, opt.Dedup, max(1, opt.Channels))
	case "npy":
		return openNpy(sp.Path, size, nTrain, nTest, max(1, opt.Channels))
	}
	return nil, fmt.Errorf("data: unknown source %q", sp.Kind)
}

// withTest pairs a generated train set with its test set.
func withTest(train, test *Set, err error) (*Dataset, error) {
	if err != nil {
		return nil, err
	}
	test.Name = train.Name + " (test)"
	return &Dataset{Train: train, Test: test}, nil
}

func applyTransforms(ds *Dataset, opt Options) error {
	if opt.Shuffle {
		ds.Perm = NewPermutation(ds.Train.H*ds.Train.W, opt.Seed)
		for _, s := range []*Set{ds.Train, ds.Test} {
			if err := ds.Perm.Apply(s); err != nil {
				return err
			}
		}
	}
	if opt.WGamma != 0 {
		ds.WMask = WMask(ds.Train.H, ds.Train.W)
		if _, err := ApplyW(ds.Train, ds.WMask, opt.WGamma, opt.Seed); err != nil {
			return err
		}
		if _, err := ApplyW(ds.Test, ds.WMask, opt.WGamma, opt.Seed^saltTest); err != nil {
			return err
		}
	}
	return nil
}
