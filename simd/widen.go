package simd

import "fmt"

// Widening float32 data into float64 arrays, for statistics computed in
// float64 over float32 images (study B's covariance: the column sums of its
// mean and the centred panels its Gram product packs). Every value is
// converted exactly and each result rounds once, so all kernel levels give
// the same bits.

var (
	addWidenedImpl     = addWidenedGeneric
	centredPanel64Impl = centredPanel64Generic
)

// AddWidened adds src to dst in float64: dst[i] += float64(src[i]).
func AddWidened(dst []float64, src []float32) {
	checkLen("AddWidened", "dst", len(dst), "src", len(src))
	addWidenedImpl(dst, src)
}

// CentredPanel64 copies a column panel of a float32 matrix into float64,
// centred: dst[p·w+q] = float64(src[p·ld+q]) − mean[q] for p < rows and
// q < w = len(mean). It is the packing of a Gram product's operand: the
// panel's rows are its depth steps.
func CentredPanel64(dst []float64, src []float32, ld, rows int, mean []float64) {
	w := len(mean)
	if rows < 0 || ld < w || len(dst) < rows*w || (rows > 0 && len(src) < (rows-1)*ld+w) {
		panic(fmt.Sprintf("simd.CentredPanel64: %d rows of width %d with ld=%d, len(src)=%d, len(dst)=%d",
			rows, w, ld, len(src), len(dst)))
	}
	if rows == 0 || w == 0 {
		return
	}
	centredPanel64Impl(dst, src, ld, rows, mean)
}

func addWidenedGeneric(dst []float64, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += float64(v)
	}
}

func centredPanel64Generic(dst []float64, src []float32, ld, rows int, mean []float64) {
	w := len(mean)
	for p := range rows {
		d, s := dst[p*w:(p+1)*w], src[p*ld:p*ld+w]
		for q, m := range mean {
			d[q] = float64(s[q]) - m
		}
	}
}
