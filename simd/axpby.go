package simd

// Affine maps of vectors: ScaleTo, Axpby and AddConst. They follow the
// rounding contract in elementwise.go (each multiply and add rounded on its own).

var (
	scaleToImpl  = scaleToGeneric
	axpbyImpl    = axpbyGeneric
	addConstImpl = addConstGeneric
)

// ScaleTo computes dst = alpha*x. dst may alias x.
func ScaleTo(dst []float32, alpha float32, x []float32) {
	checkLen("ScaleTo", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	scaleToImpl(dst, alpha, x)
}

// Axpby computes y = alpha*x + beta*y. With beta == 0 the old contents of y
// are ignored (NaN or Inf there do not leak into the result), as in BLAS.
func Axpby(alpha float32, x []float32, beta float32, y []float32) {
	checkLen("Axpby", "x", len(x), "y", len(y))
	if len(x) == 0 {
		return
	}
	if beta == 0 {
		scaleToImpl(y, alpha, x)
		return
	}
	axpbyImpl(alpha, x, beta, y)
}

// AddConst computes dst = x + c (for x - c pass -c: the result is the same
// bit for bit). dst may alias x.
func AddConst(dst []float32, c float32, x []float32) {
	checkLen("AddConst", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	addConstImpl(dst, c, x)
}

func addConstGeneric(dst []float32, c float32, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v + c
	}
}

func scaleToGeneric(dst []float32, alpha float32, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = alpha * v
	}
}

func axpbyGeneric(alpha float32, x []float32, beta float32, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(alpha*v) + float32(beta*y[i])
	}
}
