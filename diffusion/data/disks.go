package data

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/internal/rng"
)

// DiskParams are the 5 coordinates of one image on the disk manifold, in
// pixel units with the image spanning [0, n]×[0, n] (pixel (i, j) covers
// [j, j+1]×[i, i+1], its centre at (j+½, i+½)).
type DiskParams struct {
	CX, CY, R float64 // centre (x = column, y = row) and radius
	FG, BG    float64 // intensities inside and outside
}

// drawDiskParams samples radius ~ U(3, n/2−3), centre ~ U(r, n−r) in each
// coordinate, foreground and background ~ U(0, 1), as in docs/study.md.
func drawDiskParams(n int, r *rng.Xoshiro256) DiskParams {
	rad := r.Uniform(3, float64(n)/2-3)
	return DiskParams{
		R:  rad,
		CX: r.Uniform(rad, float64(n)-rad),
		CY: r.Uniform(rad, float64(n)-rad),
		FG: r.Float64(),
		BG: r.Float64(),
	}
}

// Disks generates count n×n anti-aliased disk images and their parameters.
// Image i depends only on (seed, i).
func Disks(n, count int, seed uint64) (*Set, []DiskParams, error) {
	if n < 14 {
		// radius ~ U(3, n/2−3) needs n/2−3 > 3 with room for a visible disk.
		return nil, nil, fmt.Errorf("data: disks: image size %d is too small (need at least 14)", n)
	}
	s, err := newSet("disks", count, n, n)
	if err != nil {
		return nil, nil, err
	}
	params := make([]DiskParams, count)
	parallel.ForEach(count, func(i int) {
		params[i] = drawDiskParams(n, rng.Derive(seed, uint64(i)))
		renderDisk(s.Image(i), n, params[i])
	})
	return s, params, nil
}

// renderDisk anti-aliases with the analytic edge: the coverage of a pixel is
// its signed distance to the circle, clamped to a one-pixel ramp. This is the
// standard linear approximation of the exact area fraction and makes the image
// a smooth (Lipschitz) function of all 5 parameters, which the optimal
// denoiser analysis assumes.
func renderDisk(dst []float32, n int, p DiskParams) {
	for i := 0; i < n; i++ {
		dy := float64(i) + 0.5 - p.CY
		for j := 0; j < n; j++ {
			dx := float64(j) + 0.5 - p.CX
			cov := diskCoverage(math.Hypot(dx, dy), p.R)
			dst[i*n+j] = float32(p.BG + (p.FG-p.BG)*cov)
		}
	}
}

func diskCoverage(dist, radius float64) float64 {
	return math.Min(1, math.Max(0, radius-dist+0.5))
}
