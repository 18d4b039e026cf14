package dsp

import "math"

// DCTScale is the orthonormal DCT-II factor of frequency p on n points:
// √(1/n) for p = 0, √(2/n) otherwise, so that the basis vectors
// DCTScale(p, n)·cos(π(2i+1)p / 2n), i = 0..n−1, are orthonormal.
func DCTScale(p, n int) float64 {
	if p == 0 {
		return math.Sqrt(1 / float64(n))
	}
	return math.Sqrt(2 / float64(n))
}

// DCT2Basis returns the k orthonormal 2-D DCT-II basis images of an n×n grid
// (row-major, n² values each) with the lowest frequencies, ordered by p+q
// then p (p the row frequency), skipping the constant image. Each value is
// computed in float64 and rounded once to float32. The dot product of an
// image with basis image (p, q) is its orthonormal 2-D DCT-II coefficient.
func DCT2Basis(n, k int) [][]float32 {
	var out [][]float32
	for s := 1; len(out) < k; s++ {
		for p := 0; p <= s && len(out) < k; p++ {
			q := s - p
			if p >= n || q >= n {
				continue
			}
			v := make([]float32, n*n)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					v[i*n+j] = float32(DCTScale(p, n) * DCTScale(q, n) *
						math.Cos(math.Pi*float64((2*i+1)*p)/float64(2*n)) *
						math.Cos(math.Pi*float64((2*j+1)*q)/float64(2*n)))
				}
			}
			out = append(out, v)
		}
	}
	return out
}
