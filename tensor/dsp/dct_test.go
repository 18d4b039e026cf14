package dsp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveDCT1 is the orthonormal DCT-II of x by its O(n²) definition, written
// with its own scale factors: X[p] = c_p Σ_i x[i] cos(π(2i+1)p/2n).
func naiveDCT1(x []float64) []float64 {
	n := len(x)
	out := make([]float64, n)
	for p := range out {
		var s float64
		for i, v := range x {
			s += v * math.Cos(math.Pi*float64(2*i+1)*float64(p)/float64(2*n))
		}
		c := math.Sqrt(2 / float64(n))
		if p == 0 {
			c = 1 / math.Sqrt(float64(n))
		}
		out[p] = c * s
	}
	return out
}

// naiveDCT2 is the separable 2-D DCT-II of an n×n image: rows, then columns.
func naiveDCT2(img []float64, n int) []float64 {
	tmp := make([]float64, n*n)
	for i := 0; i < n; i++ {
		copy(tmp[i*n:], naiveDCT1(img[i*n:(i+1)*n]))
	}
	out := make([]float64, n*n)
	col := make([]float64, n)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			col[i] = tmp[i*n+j]
		}
		for p, v := range naiveDCT1(col) {
			out[p*n+j] = v
		}
	}
	return out
}

// TestDCT2BasisMatchesNaiveDCT checks that projecting a random image on each
// basis image gives the naive 2-D DCT-II coefficient of the frequency pair
// the documented order assigns it, to float32 rounding of the basis.
func TestDCT2BasisMatchesNaiveDCT(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 0))
	for _, n := range []int{1, 2, 5, 20} {
		img := make([]float64, n*n)
		for i := range img {
			img[i] = r.NormFloat64()
		}
		coef := naiveDCT2(img, n)
		k := min(16, n*n-1)
		basis := DCT2Basis(n, k)
		if len(basis) != k {
			t.Fatalf("n=%d: %d basis images, want %d", n, len(basis), k)
		}
		// The expected order: by p+q, then p, constant image skipped.
		var pairs [][2]int
		for s := 1; len(pairs) < k; s++ {
			for p := 0; p <= s; p++ {
				if q := s - p; p < n && q < n && len(pairs) < k {
					pairs = append(pairs, [2]int{p, q})
				}
			}
		}
		for b, v := range basis {
			var dot float64
			for i, x := range v {
				dot += float64(x) * img[i]
			}
			p, q := pairs[b][0], pairs[b][1]
			if want := coef[p*n+q]; math.Abs(dot-want) > 1e-6*float64(n) {
				t.Errorf("n=%d basis %d (p=%d q=%d): projection %v, naive DCT-II %v", n, b, p, q, dot, want)
			}
		}
	}
}

func TestDCT2BasisOrthonormal(t *testing.T) {
	basis := DCT2Basis(20, 16)
	for a := range basis {
		for b := range basis {
			var dot float64
			for i := range basis[a] {
				dot += float64(basis[a][i]) * float64(basis[b][i])
			}
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(dot-want) > 1e-6 {
				t.Errorf("<b%d, b%d> = %v, want %v", a, b, dot, want)
			}
		}
	}
}
