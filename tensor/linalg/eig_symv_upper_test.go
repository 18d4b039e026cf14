package linalg

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// TestEigSymvUpperMatchesNaive compares the upper-triangle product with a
// float64 loop over the full symmetric block, with NaN in the lower
// triangle (so reading it would show), for block sizes on both sides of the
// chunking and fan-out thresholds, and requires the same bits at 1 and 3
// workers.
func TestEigSymvUpperMatchesNaive(t *testing.T) {
	defer parallel.SetWorkers(parallel.Workers())
	r := laTestRNG(41)
	for _, m := range []int{1, 2, 17, 63, 64, 130, 200, 517} {
		n, k0 := m+3, 2
		a := make([]float64, n*n)
		full := make([]float64, m*m)
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				if j < i {
					a[(k0+i)*n+k0+j] = math.NaN()
					continue
				}
				x := r.NormFloat64()
				a[(k0+i)*n+k0+j] = x
				full[i*m+j], full[j*m+i] = x, x
			}
		}
		v := make([]float64, m)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		var got [2][]float64
		for w, workers := range []int{1, 3} {
			parallel.SetWorkers(workers)
			var s eigSymv
			got[w] = make([]float64, m)
			s.upperProduct(a, n, k0, v, got[w])
		}
		for i := 0; i < m; i++ {
			want, mag := 0.0, 0.0
			for j := 0; j < m; j++ {
				want += full[i*m+j] * v[j]
				mag += math.Abs(full[i*m+j] * v[j])
			}
			if d := math.Abs(got[0][i] - want); !(d <= 4*laEps*float64(m)*mag) {
				t.Fatalf("m=%d: p[%d] = %v, want %v (|diff| %.1e)", m, i, got[0][i], want, d)
			}
			if math.Float64bits(got[0][i]) != math.Float64bits(got[1][i]) {
				t.Fatalf("m=%d: p[%d] differs between 1 and 3 workers", m, i)
			}
		}
	}
}

// TestEigSymvChunkBounds: the chunks cover the rows in order, and (past
// the smallest sizes) none holds more than a fair share of the triangle
// plus one row.
func TestEigSymvChunkBounds(t *testing.T) {
	var s eigSymv
	for _, m := range []int{1, 63, 64, 200, 1600} {
		chunks := s.chunkBounds(m)
		b := s.bounds
		if len(b) != chunks+1 || b[0] != 0 || b[chunks] != m {
			t.Fatalf("m=%d: bounds %v for %d chunks", m, b, chunks)
		}
		total := m * (m + 1) / 2
		for c := 0; c < chunks; c++ {
			area := 0
			for r := b[c]; r < b[c+1]; r++ {
				area += m - r
			}
			if b[c+1] <= b[c] || area > total/chunks+m {
				t.Fatalf("m=%d: chunk %d rows %d..%d holds %d of %d", m, c, b[c], b[c+1], area, total)
			}
		}
	}
}
