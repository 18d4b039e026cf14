package data

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/rng"
)

// Permutation is a fixed random reordering of the d pixels of an image: the
// "shuffled pixels" control of Kadkhodaie et al. Pixel j of a shuffled image
// is pixel Perm[j] of the original. One permutation is applied to every image
// of a dataset (train and test alike), so it destroys locality but keeps the
// dataset's statistics otherwise intact.
type Permutation []int

// NewPermutation draws a uniform permutation of d pixels from seed.
func NewPermutation(d int, seed uint64) Permutation {
	return Permutation(rng.New(seed ^ 0x53485546464c45).Perm(d))
}

// Apply shuffles every image of s in place; every channel of a colour
// image moves the same way, so a pixel keeps its colour.
func (p Permutation) Apply(s *Set) error {
	if len(p) != s.H*s.W {
		return fmt.Errorf("data: permutation of %d pixels cannot shuffle %s images of %d×%d", len(p), s.Name, s.H, s.W)
	}
	tmp := make([]float32, len(p))
	for i := 0; i < s.N; i++ {
		img := s.Image(i)
		for k := range s.Channels() {
			plane := img[k*len(p) : (k+1)*len(p)]
			for j, src := range p {
				tmp[j] = plane[src]
			}
			copy(plane, tmp)
		}
	}
	return nil
}

// Inverse returns q with q[p[j]] = j, to unshuffle samples for display.
func (p Permutation) Inverse() Permutation {
	q := make(Permutation, len(p))
	for j, src := range p {
		q[src] = j
	}
	return q
}

// WMask is the binary "W"-shaped mask s of Lukoianov et al.'s manipulation
// experiment, h×w row-major with values 0 or 1. The W is four strokes of
// width about w/12 through (m, top), (w/2 − q, bottom), (w/2, middle),
// (w/2 + q, bottom), (w − m, top); it is exactly left–right symmetric because
// only the left half is rasterized and mirrored.
func WMask(h, w int) []float32 {
	mask := make([]float32, h*w)
	fw, fh := float64(w), float64(h)
	margin := fw / 8
	top, bottom := fh*0.2, fh*0.8
	half := math.Max(0.75, fw/24) // half stroke width, at least 1.5 px wide
	p0 := [2]float64{margin, top}
	p1 := [2]float64{margin + (fw/2-margin)/2, bottom}
	p2 := [2]float64{fw / 2, top + (bottom-top)*0.35}
	for i := 0; i < h; i++ {
		y := float64(i) + 0.5
		for j := 0; j < w; j++ {
			x := float64(j) + 0.5
			x = math.Min(x, fw-x) // mirror onto the left half
			d := math.Min(segmentDist(x, y, p0, p1), segmentDist(x, y, p1, p2))
			if d <= half {
				mask[i*w+j] = 1
			}
		}
	}
	return mask
}

func segmentDist(x, y float64, a, b [2]float64) float64 {
	vx, vy := b[0]-a[0], b[1]-a[1]
	t := ((x-a[0])*vx + (y-a[1])*vy) / (vx*vx + vy*vy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-a[0]-t*vx, y-a[1]-t*vy)
}

// ApplyW adds γ·c_i·mask to every image i of s, c_i ~ U[−1, 1] drawn from
// seed (one per image: grayscale has one channel). Values may leave [0, 1];
// that is the experiment (the network must learn the W's variance), so they
// are not clipped. It returns the coefficients c_i.
func ApplyW(s *Set, mask []float32, gamma float64, seed uint64) ([]float64, error) {
	if s.Channels() != 1 {
		return nil, fmt.Errorf("data: the W manipulation is defined for grayscale images; %s has %d channels", s.Name, s.Channels())
	}
	if len(mask) != s.D() {
		return nil, fmt.Errorf("data: W mask of %d pixels does not fit %s images of %d×%d", len(mask), s.Name, s.H, s.W)
	}
	c := make([]float64, s.N)
	for i := range c {
		c[i] = rng.Derive(seed^0x574d41534b, uint64(i)).Uniform(-1, 1)
		g := float32(gamma * c[i])
		img := s.Image(i)
		for j, m := range mask {
			img[j] += g * m
		}
	}
	return c, nil
}
