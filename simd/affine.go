package simd

// CenteredAffine is the normalize-and-scale step of group norm and of its
// derivatives in one pass (each step rounded on its own, as every
// elementwise kernel here):
//
//	dst = (a·t + b·(x − m)) + c      (t nil: dst = b·(x − m) + c)
//
// Subtracting m before scaling keeps a large mean's cancellation out of the
// product. dst may alias x or t.

var (
	centeredAffineImpl  = centeredAffineGeneric
	centeredAffineXImpl = centeredAffineXGeneric
)

// CenteredAffine sets dst = (a·t + b·(x − m)) + c, or b·(x − m) + c when t
// is nil.
func CenteredAffine(dst, t, x []float32, a, b, m, c float32) {
	checkLen("CenteredAffine", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	if t == nil {
		centeredAffineXImpl(dst, x, b, -m, c)
		return
	}
	checkLen("CenteredAffine", "t", len(t), "x", len(x))
	centeredAffineImpl(dst, t, x, a, b, -m, c)
}

func centeredAffineGeneric(dst, t, x []float32, a, b, negM, c float32) {
	dst, t = dst[:len(x)], t[:len(x)]
	for i, v := range x {
		d := v + negM
		dst[i] = (float32(a*t[i]) + float32(b*d)) + c
	}
}

func centeredAffineXGeneric(dst, x []float32, b, negM, c float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		d := v + negM
		dst[i] = float32(b*d) + c
	}
}
