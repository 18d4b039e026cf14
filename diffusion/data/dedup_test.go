package data

import (
	"testing"

	"github.com/harmonic-go/harmonic/internal/rng"
)

// bruteKeep is the definition: keep image i unless some kept j < i has
// correlation > 0.95 with it, computed with float64 on all 400 coordinates.
func bruteKeep(s *Set) []int {
	var keep []int
	var feats [][]float64
	constant := false
	for i := 0; i < s.N; i++ {
		f32, ok := dedupFeature(s.Image(i), s.H, s.W)
		if !ok {
			if !constant {
				keep = append(keep, i)
				constant = true
			}
			continue
		}
		f := make([]float64, len(f32))
		for k, v := range f32 {
			f[k] = float64(v)
		}
		dup := false
		for _, g := range feats {
			var d float64
			for k := range f {
				d += f[k] * g[k]
			}
			if d > dedupThreshold {
				dup = true
				break
			}
		}
		if !dup {
			keep = append(keep, i)
			feats = append(feats, f)
		}
	}
	return keep
}

func TestDedupMatchesBruteForce(t *testing.T) {
	// Smooth random images (disks and C^α) plus planted near-duplicates:
	// copies with a little noise and an affine change of contrast, which
	// correlation ignores.
	d, _, _ := Disks(40, 150, 5)
	c, _ := CAlpha(40, 150, 1, 6)
	s, _ := newSet("mix", 400, 40, 40)
	copy(s.Pixels, d.Pixels)
	copy(s.Pixels[150*1600:], c.Pixels)
	r := rng.New(8)
	for i := 300; i < 400; i++ {
		src := s.Image(r.Intn(300))
		dst := s.Image(i)
		noise := 0.02 * float64(i%5)
		for k := range dst {
			dst[k] = float32(0.5*float64(src[k]) + 0.2 + noise*r.NormalCos())
		}
	}
	// Two constant images: the second is a duplicate of the first.
	for k := range s.Image(10) {
		s.Image(10)[k] = 0.3
		s.Image(20)[k] = 0.7
	}
	want := bruteKeep(s)
	got := NearDuplicateFree(s)
	if len(got) != len(want) {
		t.Fatalf("kept %d images, brute force keeps %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("kept %v..., brute force %v...", got[i], want[i])
		}
	}
	dropped := s.N - len(got)
	t.Logf("kept %d of %d (dropped %d)", len(got), s.N, dropped)
	if dropped < 50 {
		t.Fatalf("only %d of the 100 planted near-duplicates dropped", dropped)
	}
}
