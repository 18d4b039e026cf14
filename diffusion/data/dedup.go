package data

import (
	"math"

	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor/dsp"
)

// Near-duplicate removal as the authors did for CelebA: each image is
// average-pooled to 20×20, its mean removed and the result normalized to unit
// length; of any pair whose correlation (the dot product of these vectors)
// exceeds 0.95, one is dropped. We keep images greedily in dataset order: an
// image is kept unless it is a near-duplicate of an image already kept, so
// the result is deterministic and no two kept images are near-duplicates.
//
// Memory is linear (one 400-float vector per kept image), never N². Time is
// cut by a necessary condition: for unit vectors, correlation > 0.95 means
// ‖u − v‖² < 0.1, and an orthonormal projection P can only shrink distances,
// so ‖Pu − Pv‖² ≥ 0.1 rules a pair out without the 400-term dot product. P is
// the 16 lowest non-constant 2-D DCT-II basis images, where images keep most
// of their energy; the first three coordinates also index a grid of cells of
// side √0.1, so only the 27 neighbouring cells are ever searched.
// Measured on 10^5 candidate 40×40 photo patches: 74986 kept, 6.9·10^5 full
// dot products (1.4·10^-4 of all pairs), 36 s of one core, ~120 MB of features.

const (
	dedupSide      = 20
	dedupThreshold = 0.95
	dedupProj      = 16
)

var dedupRadius2 = 2 * (1 - dedupThreshold) // ‖u−v‖² = 2 − 2ρ

// projLimit is dedupRadius2 plus a margin for float32 rounding of the
// projections: the projected test must never reject a true near-duplicate.
var projLimit = float32(dedupRadius2 + 1e-4)

// Deduper accepts images one at a time and says whether each is new.
type Deduper struct {
	basis    [][]float32 // dedupProj vectors of dedupSide² values
	feats    [][]float32 // unit feature vectors of kept images
	proj     [][dedupProj]float32
	grid     map[cellKey][]int32
	constant bool // a constant image was kept (all constants are duplicates)
	Compared int  // full dot products computed (for measuring the pruning)
}

// NewDeduper makes an empty deduper.
func NewDeduper() *Deduper {
	return &Deduper{basis: dsp.DCT2Basis(dedupSide, dedupProj), grid: map[cellKey][]int32{}}
}

// dedupFeature pools an h×w image to 20×20, removes the mean and normalizes.
// ok is false for a constant image (no direction to compare).
func dedupFeature(img []float32, h, w int) (f []float32, ok bool) {
	pooled, _ := Resize(img, h, w, dedupSide, dedupSide)
	var mean float64
	for _, v := range pooled {
		mean += float64(v)
	}
	mean /= float64(len(pooled))
	var ss float64
	for _, v := range pooled {
		d := float64(v) - mean
		ss += d * d
	}
	if ss < 1e-12 {
		return nil, false
	}
	inv := 1 / math.Sqrt(ss)
	for i, v := range pooled {
		pooled[i] = float32((float64(v) - mean) * inv)
	}
	return pooled, true
}

// Add reports whether img (h×w) is kept, i.e. not a near-duplicate of an
// image kept before; kept images are remembered.
func (d *Deduper) Add(img []float32, h, w int) bool {
	f, ok := dedupFeature(img, h, w)
	if !ok {
		if d.constant {
			return false
		}
		d.constant = true
		return true
	}
	var p [dedupProj]float32
	for k, b := range d.basis {
		p[k] = simd.Dot(b, f)
	}
	cell := dedupCell(p)
	if d.hasNeighbour(f, p, cell) {
		return false
	}
	id := int32(len(d.feats))
	d.feats = append(d.feats, f)
	d.proj = append(d.proj, p)
	d.grid[cell] = append(d.grid[cell], id)
	return true
}

// cellDims coordinates index the grid. More would visit 3× more (mostly
// empty) cells per extra coordinate and, measured on 4·10^4 photo patches,
// gain nothing: 4.4 s of CPU with 3, 4.8 s with 5. Most of the remaining
// time is projDist2 over crowded cells of smooth patches.
const cellDims = 3

type cellKey [cellDims]int32

func dedupCell(p [dedupProj]float32) cellKey {
	side := math.Sqrt(dedupRadius2) * (1 + 1e-6) // neighbours stay in adjacent cells despite rounding
	var c cellKey
	for k := range c {
		c[k] = int32(math.Floor(float64(p[k]) / side))
	}
	return c
}

func (d *Deduper) hasNeighbour(f []float32, p [dedupProj]float32, cell cellKey) bool {
	var off [cellDims]int32
	for {
		var key cellKey
		for k := range key {
			key[k] = cell[k] + off[k] - 1
		}
		for _, id := range d.grid[key] {
			if projDist2(&p, &d.proj[id], projLimit) >= projLimit {
				continue
			}
			d.Compared++
			if float64(simd.Dot(f, d.feats[id])) > dedupThreshold {
				return true
			}
		}
		// next offset in {0,1,2}^cellDims (odometer)
		k := 0
		for ; k < cellDims; k++ {
			if off[k]++; off[k] < 3 {
				break
			}
			off[k] = 0
		}
		if k == cellDims {
			return false
		}
	}
}

// projDist2 is the squared distance of two projections, given up (and
// returned as it stands, already ≥ limit) as soon as a partial sum over
// the lowest frequencies reaches limit: most pairs differ there already.
func projDist2(a, b *[dedupProj]float32, limit float32) float32 {
	var s float32
	for k := 0; k < dedupProj; k += 4 {
		t0, t1, t2, t3 := a[k]-b[k], a[k+1]-b[k+1], a[k+2]-b[k+2], a[k+3]-b[k+3]
		s += t0*t0 + t1*t1 + t2*t2 + t3*t3
		if s >= limit {
			return s
		}
	}
	return s
}

// channelMean is the mean of the c planes of img (img itself when c = 1):
// colour images are compared by their gray version, the authors' criterion.
func channelMean(img []float32, c int) []float32 {
	if c == 1 {
		return img
	}
	plane := len(img) / c
	out := make([]float32, plane)
	for k := range c {
		for j, v := range img[k*plane : (k+1)*plane] {
			out[j] += v
		}
	}
	for j := range out {
		out[j] /= float32(c)
	}
	return out
}

// Kept is the number of images kept so far.
func (d *Deduper) Kept() int { return len(d.feats) + btoi(d.constant) }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// NearDuplicateFree returns the indices of the images of s that survive
// near-duplicate removal, in order.
func NearDuplicateFree(s *Set) []int {
	d := NewDeduper()
	var keep []int
	for i := 0; i < s.N; i++ {
		if d.Add(channelMean(s.Image(i), s.Channels()), s.H, s.W) {
			keep = append(keep, i)
		}
	}
	return keep
}
