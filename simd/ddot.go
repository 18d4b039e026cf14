package simd

import "fmt"

// Ddot returns Σ x[i]·y[i] for float64 vectors, summed in one fixed order so
// that it gives the same bits at every level and on every CPU (unlike Dot64,
// whose kernels each sum in their own order): sixteen partial sums, s_l
// adding x[i]·y[i] for the i ≡ l (mod 16) in increasing i, each product
// rounded before its add (no fused multiply-add); then s_l += s_{l+8},
// s_l += s_{l+4}, s_l += s_{l+2} and s_0 + s_1. Sixteen lanes are two AVX-512
// or four AVX2 vectors, which keeps the vector kernels' adds independent. It
// panics if the lengths differ.
func Ddot(x, y []float64) float64 {
	checkLen("Ddot", "x", len(x), "y", len(y))
	var s [ddotLanes]float64
	full := len(x) / ddotLanes * ddotLanes
	if full > 0 {
		ddotBlocks(x[:full], y[:full], &s)
	}
	return ddotFinish(&s, x[full:], y[full:])
}

// DdotRows sets y[i] = Ddot(a[i*lda:i*lda+len(x)], x) for i < len(y), with
// the same bits; the AVX-512 kernel takes four rows at a time (AVX2 two),
// loading x once for them and keeping eight independent sums in flight, and
// adds the tails and the lanes itself (for rows of a few hundred values those
// scalar steps cost as much as the blocks). It panics if
// a is too short or lda < len(x).
func DdotRows(a []float64, lda int, x, y []float64) {
	n := len(x)
	if len(y) == 0 {
		return
	}
	if lda < n || len(a) < (len(y)-1)*lda+n {
		panic(fmt.Sprintf("simd.DdotRows: %d rows of %d with lda=%d need %d values, have %d", len(y), n, lda, (len(y)-1)*lda+n, len(a)))
	}
	i := 0
	var out [4]float64
	for ; i+4 <= len(y) && ddotRows4(a[i*lda:], lda, x, &out); i += 4 {
		copy(y[i:i+4], out[:])
	}
	full := n / ddotLanes * ddotLanes
	if full > 0 {
		var s [4][ddotLanes]float64
		for ; i+4 <= len(y); i += 4 {
			ddotBlocks4(a[i*lda:], lda, x[:full], &s)
			for r := range s {
				row := a[(i+r)*lda : (i+r)*lda+n]
				y[i+r] = ddotFinish(&s[r], row[full:], x[full:])
			}
		}
	}
	for ; i < len(y); i++ {
		y[i] = Ddot(a[i*lda:i*lda+n], x)
	}
}

// ddotFinish adds the tail (fewer than 16 elements) into the first lanes
// and sums the lanes in Ddot's order.
func ddotFinish(s *[ddotLanes]float64, x, y []float64) float64 {
	y = y[:len(x)]
	for i := range x {
		s[i] += float64(x[i] * y[i])
	}
	for w := ddotLanes / 2; w >= 1; w /= 2 {
		for l := 0; l < w; l++ {
			s[l] += s[l+w]
		}
	}
	return s[0]
}

const ddotLanes = 16

// ddotBlocksGeneric sets s to the partial sums of x·y, whose length is a
// positive multiple of 16. The float64 conversion forbids fusing the
// multiply into the add (the Go spec allows it otherwise).
func ddotBlocksGeneric(x, y []float64, s *[ddotLanes]float64) {
	y = y[:len(x)]
	*s = [ddotLanes]float64{}
	for i := 0; i+ddotLanes <= len(x); i += ddotLanes {
		xs, ys := (*[ddotLanes]float64)(x[i:]), (*[ddotLanes]float64)(y[i:])
		for l := range s {
			s[l] += float64(xs[l] * ys[l])
		}
	}
}
