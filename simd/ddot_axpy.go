package simd

import "fmt"

// DdotAxpy returns Ddot(a, x), with Ddot's bits, and adds s·a[i] to y[i] for
// every i (the product rounded, then added: no fused multiply-add). One
// pass over a row of a symmetric matrix stored as a single triangle serves
// both halves of a matrix–vector product: the row's dot product with x, and
// the column's (the row read as a column) contribution s·a to y. That halves
// the memory traffic of a product that streams the matrix from memory. Same
// bits at every level. y must not overlap a or x; it panics if the lengths
// differ.
func DdotAxpy(a, x, y []float64, s float64) float64 {
	checkLen("DdotAxpy", "a", len(a), "x", len(x))
	checkLen("DdotAxpy", "a", len(a), "y", len(y))
	if dot, ok := ddotAxpyWhole(a, x, y, s); ok {
		return dot
	}
	var acc [ddotLanes]float64
	full := len(a) / ddotLanes * ddotLanes
	if full > 0 {
		ddotAxpyBlocks(a[:full], x[:full], y[:full], s, &acc)
	}
	for i := full; i < len(a); i++ {
		y[i] += float64(s * a[i])
	}
	return ddotFinish(&acc, a[full:], x[full:])
}

// ddotAxpyBlocksGeneric sets acc to Ddot's partial sums of a·x and adds s·a
// to y; len(a) is a positive multiple of 16.
func ddotAxpyBlocksGeneric(a, x, y []float64, s float64, acc *[ddotLanes]float64) {
	x, y = x[:len(a)], y[:len(a)]
	*acc = [ddotLanes]float64{}
	for i := 0; i+ddotLanes <= len(a); i += ddotLanes {
		as := (*[ddotLanes]float64)(a[i:])
		xs := (*[ddotLanes]float64)(x[i:])
		ys := (*[ddotLanes]float64)(y[i:])
		for l := range acc {
			acc[l] += float64(as[l] * xs[l])
			ys[l] += float64(s * as[l])
		}
	}
}

// DdotAxpy4 is four DdotAxpy calls in turn, on rows a[r*lda:r*lda+len(x)]
// with scalars s[r] for r < 4, all adding into y, with their bits: out[r] is
// row r's dot product with x, and each y[i] gets the rows' products in row
// order. The AVX-512 kernel loads x and y and stores y once for the four
// rows, the AVX2 one once for each two (sixteen ymm registers hold two
// rows' lanes), both adding the tails and the lanes themselves. y must not overlap a or x; it panics if the lengths differ or a is
// too short.
func DdotAxpy4(a []float64, lda int, x, y []float64, s *[4]float64) (out [4]float64) {
	n := len(x)
	checkLen("DdotAxpy4", "x", n, "y", len(y))
	if lda < n || len(a) < 3*lda+n {
		panic(fmt.Sprintf("simd.DdotAxpy4: 4 rows of %d with lda=%d need %d values, have %d", n, lda, 3*lda+n, len(a)))
	}
	if n == 0 {
		return out
	}
	if ddotAxpy4Whole(a, lda, x, y, s, &out) {
		return out
	}
	for r := range out {
		out[r] = DdotAxpy(a[r*lda:r*lda+n], x, y, s[r])
	}
	return out
}

// DaxpyRows adds s[r]·a[r*lda:r*lda+len(y)] to y for r < len(s), row after
// row, each product rounded before its add:
//
//	y[i] = (…((y[i] + s[0]·a[0][i]) + s[1]·a[1][i]) + …) + s[R−1]·a[R−1][i],
//
// a transposed matrix–vector product with a fixed order. The AVX-512 and
// AVX2 kernels take four rows per pass over y. Same bits at every level. y must not
// overlap a; it panics if a is too short or lda < len(y).
func DaxpyRows(a []float64, lda int, s, y []float64) {
	n, rows := len(y), len(s)
	if rows == 0 || n == 0 {
		return
	}
	if lda < n || len(a) < (rows-1)*lda+n {
		panic(fmt.Sprintf("simd.DaxpyRows: %d rows of %d with lda=%d need %d values, have %d", rows, n, lda, (rows-1)*lda+n, len(a)))
	}
	r := 0
	for ; r+4 <= rows && daxpyRows4(a[r*lda:], lda, (*[4]float64)(s[r:r+4]), y); r += 4 {
	}
	for ; r < rows; r++ {
		row, sr := a[r*lda:r*lda+n], s[r]
		for i := range y {
			y[i] += float64(sr * row[i])
		}
	}
}
