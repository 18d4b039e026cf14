package simd

var divImpl = divGeneric

// Div computes dst = x / y elementwise (IEEE: x/0 is ±Inf, 0/0 is NaN). dst
// may alias x or y.
func Div(dst, x, y []float32) {
	checkLen("Div", "x", len(x), "y", len(y))
	checkLen("Div", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	divImpl(dst, x, y)
}

func divGeneric(dst, x, y []float32) {
	y = y[:len(x)]
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v / y[i]
	}
}
