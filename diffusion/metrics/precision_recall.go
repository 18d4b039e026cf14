package metrics

import (
	"fmt"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// PrecisionRecall is the improved precision and recall of Kynkäänniemi et
// al. (NeurIPS 2019) between real and generated feature vectors. Each set's
// manifold is the union of balls around its points, each ball's radius the
// distance to the point's K-th nearest neighbour in its own set.
// Precision is the fraction of generated points inside the real manifold
// (samples look real); Recall the fraction of real points inside the
// generated manifold (the samples cover the data).
type PrecisionRecall struct {
	Precision, Recall float64
	K                 int
}

// DefaultPRK is the neighbourhood size the paper recommends, k = 3.
const DefaultPRK = 3

// ImprovedPrecisionRecall computes PrecisionRecall with neighbourhood k
// (0: DefaultPRK) for real and fake, rows of d values (classifier
// features). A point is inside a ball when its distance is at most the
// radius (≤, as in the paper's code). All distances come from float64
// GEMMs. Errors, before any work: d < 1, lengths that are not rows of d,
// NaN or Inf, k < 0, or a set with no more than k points.
func ImprovedPrecisionRecall(real, fake []float32, d, k int) (PrecisionRecall, error) {
	if k == 0 {
		k = DefaultPRK
	}
	if k < 1 {
		return PrecisionRecall{}, fmt.Errorf("precision/recall: neighbourhood k = %d must be at least 1", k)
	}
	nr, err := points("precision/recall: real features", real, d)
	if err != nil {
		return PrecisionRecall{}, err
	}
	nf, err := points("precision/recall: generated features", fake, d)
	if err != nil {
		return PrecisionRecall{}, err
	}
	if nr <= k || nf <= k {
		return PrecisionRecall{}, fmt.Errorf("precision/recall: k = %d needs more than %d points in each set, got %d real and %d generated", k, k, nr, nf)
	}
	realR := kthNeighbourSq(real, d, k)
	fakeR := kthNeighbourSq(fake, d, k)
	return PrecisionRecall{
		Precision: coveredFraction(fake, real, realR, d),
		Recall:    coveredFraction(real, fake, fakeR, d),
		K:         k,
	}, nil
}

// coveredFraction is the fraction of the rows of x within radius
// √radiusSq[j] of some row j of centres.
func coveredFraction(x, centres []float32, radiusSq []float64, d int) float64 {
	n := len(x) / d
	in := make([]bool, n)
	pairwiseSq(x, centres, d, func(i0, j0, rows, cols int, blk []float64) {
		parallel.For(rows, func(r0, r1 int) {
			for r := r0; r < r1; r++ {
				if in[i0+r] {
					continue
				}
				for c, v := range blk[r*cols : (r+1)*cols] {
					if v <= radiusSq[j0+c] {
						in[i0+r] = true
						break
					}
				}
			}
		})
	})
	count := 0
	for _, b := range in {
		if b {
			count++
		}
	}
	return float64(count) / float64(n)
}
