package simd

import (
	"fmt"
	"math"
	"slices"
)

// Kernels of a streamed softmax over masked squared distances, the inner
// loop of study B's locality model: for every output pixel m, the distance
// of a query to each training image over the pixels a mask keeps, then the
// softmax-weighted sums of pixel m. SquaredResiduals writes the per-pixel
// squared residuals, SumRowsGrouped adds the rows a mask column lists,
// MinFloat64 and ExpSums fold a block of distances into the softmax.
//
// SquaredResiduals and SumRowsGrouped give the same bits at every level (the same operations in the same order, no fused
// multiply-add); ExpSums sums its lanes in its own order and its exponential
// differs from the generic one in the last bits, so the levels agree to
// float64 rounding error.

var (
	squaredResidualsImpl = squaredResidualsGeneric
	sumRowsGroupedImpl   = sumRowsGroupedGeneric
	minFloat64Impl       = minFloat64Generic
	expSumsImpl          = expSumsGeneric
)

// RowSumGroup is how many rows SumRowsGrouped adds in float32 before the
// partial sum joins the float64 total: the float32 error stays that of a
// 16-term sum while the adds run at float32 vector width.
const RowSumGroup = 16

// rowSumChunk is how many columns SumRowsGrouped keeps in flight (four
// AVX-512 registers of float32 partials, eight of float64 totals).
const rowSumChunk = 64

// SquaredResiduals sets dst[k] = float32((y − a·float64(x[k]))²), each
// product and difference rounded in float64. It panics if the lengths differ.
func SquaredResiduals(dst, x []float32, y, a float64) {
	checkLen("SquaredResiduals", "dst", len(dst), "x", len(x))
	if len(x) > 0 {
		squaredResidualsImpl(dst, x, y, a)
	}
}

func squaredResidualsGeneric(dst, x []float32, y, a float64) {
	dst = dst[:len(x)]
	for k, v := range x {
		e := y - a*float64(v)
		dst[k] = float32(e * e)
	}
}

// RowList is a list of row indices for SumRowsGrouped, checked once when
// made (no index is negative; the largest is kept), so that a sum over it
// costs one bounds check, not one per row.
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

// SumRowsGrouped sets acc[k] = Σ_{r ∈ rows} x[r·stride + k] for k <
// len(acc), or, when tot is not nil, acc[k] = tot[k] − that sum (the rows
// not listed, when tot holds the sum of all). Consecutive groups of
// RowSumGroup listed rows are summed in float32 in list order from zero,
// and each group's sum is added to acc in float64. It panics if a listed
// row reaches past x, stride < len(acc), or tot is shorter than acc.
func SumRowsGrouped(acc, tot []float64, x []float32, stride int, rows RowList) {
	n := len(acc)
	if tot != nil && len(tot) < n {
		panic(fmt.Sprintf("simd.SumRowsGrouped: len(tot)=%d < len(acc)=%d", len(tot), n))
	}
	if n == 0 {
		return
	}
	if stride < n {
		panic(fmt.Sprintf("simd.SumRowsGrouped: stride %d < len(acc)=%d", stride, n))
	}
	if rows.max >= 0 && int(rows.max)*stride+n > len(x) {
		panic(fmt.Sprintf("simd.SumRowsGrouped: row %d of stride %d reaches past len(x)=%d", rows.max, stride, len(x)))
	}
	sumRowsGroupedImpl(acc, tot, x, stride, rows.idx)
}

func sumRowsGroupedGeneric(acc, tot []float64, x []float32, stride int, rows []int32) {
	var part [rowSumChunk]float32
	for k0 := 0; k0 < len(acc); k0 += rowSumChunk {
		sumRowsChunkGeneric(acc[k0:min(k0+rowSumChunk, len(acc))], part[:], x[k0:], stride, rows)
	}
	if tot != nil {
		for k, v := range acc {
			acc[k] = tot[k] - v
		}
	}
}

// sumRowsChunkGeneric is SumRowsGrouped of at most rowSumChunk columns
// (without tot), with part as scratch.
func sumRowsChunkGeneric(acc []float64, part []float32, x []float32, stride int, rows []int32) {
	clear(acc)
	p := part[:len(acc)]
	for g := 0; g < len(rows); g += RowSumGroup {
		clear(p)
		for _, r := range rows[g:min(g+RowSumGroup, len(rows))] {
			for k, v := range x[int(r)*stride:][:len(p)] {
				p[k] += v
			}
		}
		for k, v := range p {
			acc[k] += float64(v)
		}
	}
}

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
// l = k·ln2 + r, |r| ≤ ln2/2: 2e-10 relative error at worst (the
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
