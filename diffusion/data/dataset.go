package data

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/tensor"
)

// Set is N images of C channels of H×W pixels stored back to back as a
// contiguous [N,C,H,W] array (image i at Pixels[i*D():(i+1)*D()], channel
// planes row-major inside it). C is 1 (grayscale; 0 also means 1) or 3
// (RGB). The order is deterministic: it is the order the study's splits
// refer to. Values are in [0, 1] unless a transform (the W manipulation)
// says otherwise.
type Set struct {
	Name   string
	N      int
	C      int
	H, W   int
	Pixels []float32
}

// newSet allocates a zero grayscale set; it checks sizes because they often
// come from flags.
func newSet(name string, n, h, w int) (*Set, error) { return newSetC(name, n, 1, h, w) }

// newSetC allocates a zero set of c-channel images.
func newSetC(name string, n, c, h, w int) (*Set, error) {
	if n < 0 || c <= 0 || h <= 0 || w <= 0 {
		return nil, fmt.Errorf("data: %s: bad size %d images of %d×%d×%d", name, n, c, h, w)
	}
	return &Set{Name: name, N: n, C: c, H: h, W: w, Pixels: make([]float32, n*c*h*w)}, nil
}

// Channels is C, with 0 read as 1.
func (s *Set) Channels() int { return max(1, s.C) }

// D is the number of values of one image (C·H·W).
func (s *Set) D() int { return s.Channels() * s.H * s.W }

// Image returns image i as a slice sharing the set's buffer.
func (s *Set) Image(i int) []float32 {
	d := s.D()
	return s.Pixels[i*d : (i+1)*d : (i+1)*d]
}

// Slice returns images lo..hi-1 as a set sharing this set's buffer.
func (s *Set) Slice(lo, hi int) (*Set, error) {
	if lo < 0 || hi > s.N || lo > hi {
		return nil, fmt.Errorf("data: %s: slice [%d, %d) out of range of %d images", s.Name, lo, hi, s.N)
	}
	d := s.D()
	return &Set{Name: s.Name, N: hi - lo, C: s.C, H: s.H, W: s.W, Pixels: s.Pixels[lo*d : hi*d : hi*d]}, nil
}

// Splits returns the study's two disjoint training subsets: S1 = the first n
// images, S2 = the last n images. It is an error if they would overlap (2n > N).
func (s *Set) Splits(n int) (s1, s2 *Set, err error) {
	if n <= 0 {
		return nil, nil, fmt.Errorf("data: %s: split size must be positive, got %d", s.Name, n)
	}
	if 2*n > s.N {
		return nil, nil, fmt.Errorf("data: %s: disjoint splits of %d images need %d images, the set has %d", s.Name, n, 2*n, s.N)
	}
	s1, _ = s.Slice(0, n)
	s2, _ = s.Slice(s.N-n, s.N)
	return s1, s2, nil
}

// Tensor returns the set as a [N,C,H,W] tensor sharing the set's buffer.
func (s *Set) Tensor() *tensor.Tensor {
	t, err := tensor.FromSlice(s.Pixels, s.N, s.Channels(), s.H, s.W)
	if err != nil {
		panic(err) // Set keeps len(Pixels) == N*H*W; a mismatch is a bug here
	}
	return t
}

// Gather copies the images idx into dst (len(idx)*D() values) and returns dst;
// a nil dst is allocated. It is how a batch sampler fills a training batch.
func (s *Set) Gather(dst []float32, idx []int) []float32 {
	d := s.D()
	if dst == nil {
		dst = make([]float32, len(idx)*d)
	}
	for k, i := range idx {
		copy(dst[k*d:(k+1)*d], s.Image(i))
	}
	return dst
}

// Stats are the summary numbers `harmonic data stats` prints.
type Stats struct {
	N, C, H, W int
	Mean, Std  float64
	Min, Max   float64
}

// Stats computes mean, standard deviation (over all pixels of all images),
// minimum and maximum in float64.
func (s *Set) Stats() Stats {
	st := Stats{N: s.N, C: s.Channels(), H: s.H, W: s.W, Min: math.Inf(1), Max: math.Inf(-1)}
	if len(s.Pixels) == 0 {
		st.Min, st.Max = 0, 0
		return st
	}
	var sum float64
	for _, v := range s.Pixels {
		x := float64(v)
		sum += x
		st.Min = math.Min(st.Min, x)
		st.Max = math.Max(st.Max, x)
	}
	st.Mean = sum / float64(len(s.Pixels))
	var ss float64
	for _, v := range s.Pixels {
		d := float64(v) - st.Mean
		ss += d * d
	}
	st.Std = math.Sqrt(ss / float64(len(s.Pixels)))
	return st
}

// MeanImage is the per-pixel mean over the set (the sampler's initial mean).
func (s *Set) MeanImage() []float32 {
	d := s.D()
	acc := make([]float64, d)
	for i := 0; i < s.N; i++ {
		for j, v := range s.Image(i) {
			acc[j] += float64(v)
		}
	}
	out := make([]float32, d)
	for j := range acc {
		if s.N > 0 {
			out[j] = float32(acc[j] / float64(s.N))
		}
	}
	return out
}

// Dataset is what Open returns: a training set in a fixed order (S1/S2 come
// from Train.Splits) and a held-out test set that never shares an image with
// Train (how it is held out depends on the source; see Open).
type Dataset struct {
	Spec  Spec
	Train *Set
	Test  *Set
	Perm  Permutation // the pixel permutation applied (Options.Shuffle), else nil
	WMask []float32   // the W mask added (Options.WGamma), else nil
	// TrainLabels and TestLabels are the class of each image of Train and
	// Test, in order, for sources that ship labels (mnist, fashion-mnist:
	// the digit or garment class 0..9); nil otherwise.
	TrainLabels, TestLabels []int
}

// Select returns a new set holding the images idx, in that order.
func (s *Set) Select(idx []int) *Set {
	return &Set{Name: s.Name, N: len(idx), C: s.C, H: s.H, W: s.W, Pixels: s.Gather(nil, idx)}
}
