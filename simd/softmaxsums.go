package simd

import (
	"fmt"
	"math"
	"slices"
)

// Kernels of a streamed softmax over masked squared distances, the inner
// loop of study B's locality model (maskeddist.go computes the distances):
// MinFloat64 and ExpSums fold a block of distances into the softmax.
// MinFloat64 gives the same value at every level; ExpSums sums its lanes
// in its own order and its exponential differs from the generic one in
// the last bits, so the levels agree to float64 rounding error.

var (
	minFloat64Impl = minFloat64Generic
	expSumsImpl    = expSumsGeneric
)

// RowList is a list of row indices for MaskedDistances and
// SquaresOverRows, checked once when made (no index is negative; the
// largest is kept), so that a sum over it costs one bounds check, not one
// per row.
type RowList struct {
	idx []int32
	max int32
}

// NewRowList returns a copy of idx as a list. It panics on a negative index.
func NewRowList(idx []int32) RowList {
	l := RowList{idx: slices.Clone(idx), max: -1}
	for _, r := range idx {
		if r < 0 {
			panic(fmt.Sprintf("simd.NewRowList: negative row %d", r))
		}
		l.max = max(l.max, r)
	}
	return l
}

// Len is the number of rows listed.
func (l RowList) Len() int { return len(l.idx) }

// Rows returns the indices (not a copy: they must not be changed).
func (l RowList) Rows() []int32 { return l.idx }

// MinFloat64 returns the smallest element of x, ignoring NaNs (+Inf for
// an empty x or one of NaNs only); the same value at every level (a tie
// of −0 and +0 may come back with either sign).
func MinFloat64(x []float64) float64 {
	if len(x) == 0 {
		return math.Inf(1)
	}
	return minFloat64Impl(x)
}

func minFloat64Generic(x []float64) float64 {
	m := math.Inf(1)
	for _, v := range x {
		if v < m {
			m = v
		}
	}
	return m
}

// MaxExpSumsCut is the largest cut ExpSums takes: every weight it adds is
// then at least e^−700, a normal float64.
const MaxExpSumsCut = 700

// ExpSums returns s = Σ_k e^(l_k) and u = Σ_k e^(l_k)·x[k] over the k
// with l_k = −dist[k]·a − m ≥ −cut: the softmax sums of one block of
// distances whose largest logit is at most m, weights below e^−cut
// dropped. e^l is a degree-8 Taylor polynomial after the reduction
// l = k·ln2 + r, |r| ≤ ln2/2: 3e-10 relative error at worst (the
// polynomial's truncation), far below the float32 data the weights
// average. It panics if the lengths differ or cut is outside
// [0, MaxExpSumsCut].
func ExpSums(dist []float64, x []float32, a, m, cut float64) (s, u float64) {
	checkLen("ExpSums", "dist", len(dist), "x", len(x))
	if !(cut >= 0 && cut <= MaxExpSumsCut) {
		panic(fmt.Sprintf("simd.ExpSums: cut %v outside [0, %d]", cut, MaxExpSumsCut))
	}
	if len(x) == 0 {
		return 0, 0
	}
	return expSumsImpl(dist, x, a, m, cut)
}

func expSumsGeneric(dist []float64, x []float32, a, m, cut float64) (s, u float64) {
	x = x[:len(dist)]
	for k, v := range dist {
		l := -v*a - m
		if l < -cut {
			continue
		}
		e := expTaylor8(l)
		s += e
		u += e * float64(x[k])
	}
	return s, u
}

// ExpNeg returns e^x for x ≤ 0 to 3e-10 relative error at worst (the
// exponential of ExpSums' generic loop), several times faster than
// math.Exp; below −MaxExpSumsCut it returns 0 instead of a denormal.
func ExpNeg(x float64) float64 {
	if x < -MaxExpSumsCut {
		return 0
	}
	return expTaylor8(x)
}

// expTaylor8 is e^x for −MaxExpSumsCut ≤ x ≤ 0 (see ExpSums).
func expTaylor8(x float64) float64 {
	const (
		log2e = 1.4426950408889634
		ln2hi = 6.93147180369123816490e-01
		ln2lo = 1.90821492927058770002e-10
	)
	k := math.Floor(x*log2e + 0.5)
	r := x - k*ln2hi - k*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040+r*(1.0/40320))))))))
	return p * math.Float64frombits(uint64(int64(k)+1023)<<52)
}
