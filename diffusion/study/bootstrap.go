package study

import (
	"fmt"
	"math"
	"sort"

	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/internal/rng"
)

// Bootstrap interval of a PSNR slope over images: the evaluation images are
// resampled with replacement, the curve's means recomputed at the σs of the
// fit range (the range is the one chosen on all images, held fixed) and the
// slope refitted; the interval is the percentile interval of the B refits.
const (
	bootstrapB     = 500
	bootstrapLevel = 0.95 // 2.5–97.5 %
)

// SlopeInterval is the percentile bootstrap interval of the slope fitted on
// the σ rows idx of per, from b resamples drawn from seed. The same seed gives
// the same interval.
func SlopeInterval(per *metrics.PerImage, idx []int, b int, level float64, seed uint64) (lo, hi float64, err error) {
	if per == nil || len(idx) < 2 {
		return 0, 0, fmt.Errorf("slope interval: needs per-image PSNRs at ≥ 2 σs")
	}
	if b < 10 || !(level > 0 && level < 1) {
		return 0, 0, fmt.Errorf("slope interval: %d resamples at level %v (want ≥ 10 and a level in (0,1))", b, level)
	}
	n := -1
	for _, k := range idx {
		if k < 0 || k >= len(per.In) || len(per.Out) != len(per.In) {
			return 0, 0, fmt.Errorf("slope interval: σ row %d of %d", k, len(per.In))
		}
		if n >= 0 && (len(per.In[k]) != n || len(per.Out[k]) != n) {
			return 0, 0, fmt.Errorf("slope interval: σ row %d has %d images, others %d", k, len(per.In[k]), n)
		}
		n = len(per.In[k])
	}
	if n < 2 {
		return 0, 0, fmt.Errorf("slope interval: %d images (need ≥ 2)", n)
	}
	r := rng.New(seed)
	pick := make([]int, n)
	x, y := make([]float64, len(idx)), make([]float64, len(idx))
	fits := make([]float64, b)
	for t := range fits {
		for i := range pick {
			pick[i] = r.Intn(n)
		}
		for j, k := range idx {
			var si, so float64
			for _, i := range pick {
				si += per.In[k][i]
				so += per.Out[k][i]
			}
			x[j], y[j] = si/float64(n), so/float64(n)
		}
		fits[t] = FitSlope(x, y)
	}
	sort.Float64s(fits)
	q := (1 - level) / 2
	return quantile(fits, q), quantile(fits, 1-q), nil
}

// quantile of sorted s at p, linear between order statistics.
func quantile(s []float64, p float64) float64 {
	h := p * float64(len(s)-1)
	i := int(math.Floor(h))
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[i] + (h-float64(i))*(s[i+1]-s[i])
}
