package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Independent reference helpers for the eigensolver tests: plain float64
// loops, with randomness from math/rand/v2 so test data does not share code
// with the solvers' own generator.

func laTestRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

// laTestOrthogonal returns a random n×n orthogonal matrix (row-major) from a
// QR of a Gaussian matrix, done by modified Gram–Schmidt applied twice
// (independent of the Householder code under test). Rows are orthonormal.
func laTestOrthogonal(n int, r *rand.Rand) []float64 {
	q := make([]float64, n*n)
	for i := range q {
		q[i] = r.NormFloat64()
	}
	for i := 0; i < n; i++ {
		qi := q[i*n : (i+1)*n]
		for pass := 0; pass < 2; pass++ {
			for j := 0; j < i; j++ {
				qj := q[j*n : (j+1)*n]
				s := 0.0
				for t := range qi {
					s += qi[t] * qj[t]
				}
				for t := range qi {
					qi[t] -= s * qj[t]
				}
			}
		}
		nrm := 0.0
		for _, v := range qi {
			nrm += v * v
		}
		nrm = math.Sqrt(nrm)
		for t := range qi {
			qi[t] /= nrm
		}
	}
	return q
}

// laTestSpectral returns A = Σ_k λ_k q_k q_kᵀ with q_k the rows of q.
func laTestSpectral(q, lambda []float64, n int) []float64 {
	a := make([]float64, n*n)
	for k, l := range lambda {
		qk := q[k*n : (k+1)*n]
		for i := 0; i < n; i++ {
			li := l * qk[i]
			row := a[i*n : (i+1)*n]
			for j := range row {
				row[j] += li * qk[j]
			}
		}
	}
	// Symmetrize exactly so that A is symmetric to the last bit.
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			m := (a[i*n+j] + a[j*n+i]) / 2
			a[i*n+j], a[j*n+i] = m, m
		}
	}
	return a
}

// laTestFrobenius is ‖a‖_F.
func laTestFrobenius(a []float64) float64 {
	s := 0.0
	for _, v := range a {
		s += v * v
	}
	return math.Sqrt(s)
}

// laTestCheckDecomposition returns ‖AV − VΛ‖_F/‖A‖_F and ‖VᵀV − I‖_F for
// the m eigenpairs (vectors as rows) of the n×n matrix a.
func laTestCheckDecomposition(a []float64, n int, values, vecs []float64) (resid, orth float64) {
	m := len(values)
	r := 0.0
	for k := 0; k < m; k++ {
		v := vecs[k*n : (k+1)*n]
		for i := 0; i < n; i++ {
			s := 0.0
			for j := 0; j < n; j++ {
				s += a[i*n+j] * v[j]
			}
			d := s - values[k]*v[i]
			r += d * d
		}
	}
	o := 0.0
	for k := 0; k < m; k++ {
		for l := 0; l < m; l++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += vecs[k*n+i] * vecs[l*n+i]
			}
			if k == l {
				s -= 1
			}
			o += s * s
		}
	}
	na := laTestFrobenius(a)
	if na == 0 {
		na = 1
	}
	return math.Sqrt(r) / na, math.Sqrt(o)
}

// laTestMaxRelDiff is max_k |x_k − y_k| / scale.
func laTestMaxRelDiff(x, y []float64, scale float64) float64 {
	m := 0.0
	for k := range x {
		if d := math.Abs(x[k]-y[k]) / scale; d > m || math.IsNaN(d) {
			m = d
		}
	}
	return m
}

func laTestSorted(x []float64) []float64 {
	s := append([]float64(nil), x...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func TestLaNormScaling(t *testing.T) {
	for _, s := range []float64{1, 1e-300, 1e300} {
		x := []float64{3 * s, 4 * s}
		if got := laNorm(x); math.Abs(got-5*s) > 1e-15*5*s {
			t.Errorf("laNorm(%v) = %v, want %v", x, got, 5*s)
		}
	}
	if got := laNorm(nil); got != 0 {
		t.Errorf("laNorm(nil) = %v", got)
	}
}
