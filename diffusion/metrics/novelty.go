package metrics

import (
	"fmt"
	"slices"

	"github.com/harmonic-go/harmonic/internal/rng"
)

// Novelty says how far generated samples are from the images a model was
// trained on, in units of the training set's own spacing: a sample that
// copies a training image has ratio 0, one as far from its nearest
// training image as training images typically are from each other has
// ratio about 1.
type Novelty struct {
	// Nearest is each sample's Euclidean distance to its nearest training
	// image, NearestIndex that image's index.
	Nearest      []float64
	NearestIndex []int
	// Spacing is the median, over the training images of the subset, of
	// the distance from each to its nearest other training image (all of
	// the training set searched); SpacingN is the subset's size.
	Spacing  float64
	SpacingN int
	// Ratio is Nearest / Spacing, per sample.
	Ratio []float64
}

// NoveltyOptions tune SampleNovelty. The zero value gives the defaults.
type NoveltyOptions struct {
	// Subset is how many training images the spacing's median is taken
	// over (0: 1000; all of them when the set is not larger). Each is
	// compared with the whole training set.
	Subset int
	// Seed picks the subset.
	Seed uint64
}

// defaultNoveltySubset is NoveltyOptions.Subset's default: the median of
// 1000 nearest-neighbour distances has a standard error of a few percent
// of their spread, and costs 1000 rows against the training set.
const defaultNoveltySubset = 1000

// SampleNovelty measures samples (rows of d values, e.g. flattened images)
// against the training set train (rows of d values, at least 2): each
// sample's distance to its nearest training image and the ratio of that
// distance to the training set's typical nearest-neighbour spacing.
// Distances are Euclidean, from float64 GEMMs. Errors, before any work:
// d < 1, a length that is not rows of d, NaN or Inf, fewer than 2 training
// rows, no samples, a negative subset, or a spacing of 0 (more than half
// of the subset has an exact duplicate in the training set).
func SampleNovelty(samples, train []float32, d int, opt NoveltyOptions) (*Novelty, error) {
	ns, err := points("novelty: samples", samples, d)
	if err != nil {
		return nil, err
	}
	nt, err := points("novelty: training set", train, d)
	if err != nil {
		return nil, err
	}
	switch {
	case ns == 0:
		return nil, fmt.Errorf("novelty: no samples")
	case nt < 2:
		return nil, fmt.Errorf("novelty: the training set has %d images; its spacing needs at least 2", nt)
	case opt.Subset < 0:
		return nil, fmt.Errorf("novelty: subset of %d training images is negative", opt.Subset)
	}
	m := opt.Subset
	if m == 0 {
		m = defaultNoveltySubset
	}
	// The subset's rows are training rows, each searched against the
	// whole training set except itself.
	idx := make([]int, nt)
	for i := range idx {
		idx[i] = i
	}
	subset := train
	if m < nt {
		idx = rng.Derive(opt.Seed, 0x9e1c7).Perm(nt)[:m]
		slices.Sort(idx)
		subset = make([]float32, 0, m*d)
		for _, i := range idx {
			subset = append(subset, train[i*d:(i+1)*d]...)
		}
	}
	self, _ := nearest(subset, train, d, idx)
	spacing := median(self)
	if !(spacing > 0) {
		return nil, fmt.Errorf("novelty: the training set's median nearest-neighbour distance is %v (over %d images): more than half of them have an exact duplicate", spacing, len(idx))
	}
	near, nearIdx := nearest(samples, train, d, nil)
	ratio := make([]float64, ns)
	for i, v := range near {
		ratio[i] = v / spacing
	}
	return &Novelty{Nearest: near, NearestIndex: nearIdx, Spacing: spacing, SpacingN: len(idx), Ratio: ratio}, nil
}

// FractionAbove is the fraction of samples whose ratio exceeds t (t = 1:
// farther from the training set than its own typical spacing).
func (n *Novelty) FractionAbove(t float64) float64 {
	c := 0
	for _, r := range n.Ratio {
		if r > t {
			c++
		}
	}
	return float64(c) / float64(len(n.Ratio))
}

// MedianRatio is the median of Ratio.
func (n *Novelty) MedianRatio() float64 { return median(n.Ratio) }

// median of x (the mean of the middle two for an even count); x is not
// modified.
func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	h := len(s) / 2
	if len(s)%2 == 1 {
		return s[h]
	}
	return (s[h-1] + s[h]) / 2
}
