package simd

import (
	"fmt"
	"math"
)

// MaskedDistances computes squared distances restricted to a list of rows,
// the inner loop of study B's locality model: for 8 queries y_q and the
// training columns x_i (i < w = len(out)/8), over the listed rows r,
//
//	v[q,i] = Σ_r (y_q[r] − ra·x_i[r])² = yl[q] + a·xl[i] − 2·ra·Σ_r y_q[r]·x_i[r]
//
// with yl[q] = Σ_r y_q[r]², xl[i] = Σ_r x_i[r]² and a = ra² given by the
// caller (xl depends on the rows only, so it is computed once for all
// queries). It sets out[q·w+i] = v, or full[q·w+i] − v when full is not
// nil (a mask column applied as all rows minus the rows it leaves out).
// Query q of row r is yT[8r+q] (zero for unused queries); x_i[r] is
// x[r·stride+i].
//
// Expanded, the distance is a product of the queries with the training
// columns, so each training value loaded serves eight queries in float64
// multiply-adds: 16 multiply-adds per load instead of the one addition per
// load of summing precomputed residuals. In float64 the cancellation of
// the expanded form costs about 1e-16 of Σ y² + a·Σ x², far below the
// float32 residuals it replaces, at every noise level.
//
// Every level gives the same bits: the sums run over the rows in list
// order as fused multiply-adds from zero, then t = a·xl[i] (rounded),
// u = t + yl[q], v = fma(Σyx, −2·ra, u), then full − v.
//
// It panics unless len(out) is 8·w with w a multiple of 16, stride ≥ w,
// every listed row lies within x and yT, len(yl) ≥ 8, len(xl) ≥ w and
// full (if not nil) is as long as out.
func MaskedDistances(out, full, yl, xl, yT, x []float64, stride int, rows RowList, a, ra float64) {
	w := len(out) / MaskedQueries
	if len(out) != MaskedQueries*w || w%MaskedTile != 0 {
		panic(fmt.Sprintf("simd.MaskedDistances: len(out)=%d is not 8·w with w a multiple of %d", len(out), MaskedTile))
	}
	if full != nil && len(full) != len(out) {
		panic(fmt.Sprintf("simd.MaskedDistances: len(full)=%d, len(out)=%d", len(full), len(out)))
	}
	if len(yl) < MaskedQueries {
		panic(fmt.Sprintf("simd.MaskedDistances: len(yl)=%d < %d", len(yl), MaskedQueries))
	}
	if len(xl) < w {
		panic(fmt.Sprintf("simd.MaskedDistances: len(xl)=%d < w=%d", len(xl), w))
	}
	if stride < w {
		panic(fmt.Sprintf("simd.MaskedDistances: stride %d < w=%d", stride, w))
	}
	if r := int(rows.max); r >= 0 && (r*stride+w > len(x) || MaskedQueries*(r+1) > len(yT)) {
		panic(fmt.Sprintf("simd.MaskedDistances: row %d reaches past len(x)=%d (stride %d) or len(yT)=%d", r, len(x), stride, len(yT)))
	}
	if w == 0 {
		return
	}
	maskedDistancesImpl(out, full, yl, xl, yT, x, stride, rows.idx, a, ra)
}

// MaskedQueries is how many queries MaskedDistances takes; MaskedTile is
// the multiple of training columns it works in (eight queries by sixteen
// columns are sixteen AVX-512 accumulators).
const (
	MaskedQueries = 8
	MaskedTile    = 16
)

var maskedDistancesImpl = maskedDistancesGeneric

func maskedDistancesGeneric(out, full, yl, xl, yT, x []float64, stride int, rows []int32, a, ra float64) {
	w := len(out) / MaskedQueries
	c := -2 * ra
	var s [MaskedQueries][MaskedTile]float64
	for t0 := 0; t0 < w; t0 += MaskedTile {
		s = [MaskedQueries][MaskedTile]float64{}
		for _, r := range rows {
			xr := x[int(r)*stride+t0:][:MaskedTile]
			yr := yT[MaskedQueries*int(r):][:MaskedQueries]
			for q, y := range yr {
				for j, v := range xr {
					s[q][j] = math.FMA(y, v, s[q][j])
				}
			}
		}
		for q := range MaskedQueries {
			for j := range MaskedTile {
				k := q*w + t0 + j
				v := math.FMA(s[q][j], c, float64(a*xl[t0+j])+yl[q])
				if full != nil {
					v = full[k] - v
				}
				out[k] = v
			}
		}
	}
}

// SquaresOverRows sets xl[i] = Σ_r x[r·stride+i]² over the listed rows
// (fused multiply-adds in list order from zero), for i < len(xl): the xl
// of MaskedDistances. It panics if a listed row reaches past x or
// stride < len(xl).
func SquaresOverRows(xl, x []float64, stride int, rows RowList) {
	if stride < len(xl) {
		panic(fmt.Sprintf("simd.SquaresOverRows: stride %d < len(xl)=%d", stride, len(xl)))
	}
	if r := int(rows.max); r >= 0 && r*stride+len(xl) > len(x) {
		panic(fmt.Sprintf("simd.SquaresOverRows: row %d reaches past len(x)=%d (stride %d)", r, len(x), stride))
	}
	clear(xl)
	for _, r := range rows.idx {
		for i, v := range x[int(r)*stride:][:len(xl)] {
			xl[i] = math.FMA(v, v, xl[i])
		}
	}
}
