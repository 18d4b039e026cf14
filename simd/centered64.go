package simd

// CenteredAffine64 is batch norm's input-gradient step (autograd's
// bnShape.combine): the centring and scaling in float64, then float32,
//
//	dst[i] = a·t[i] + float32(b·(float64(x[i]) − m))   (t nil: the second term)
//
// where b can be ~1/sd³, huge when a channel's variance is tiny next to ε:
// formed in float32, b·x − b·m would cancel catastrophically. Each step is
// rounded on its own (no fused multiply-add), as in the Go expression, so
// every level gives the same bits. dst may alias x or t.

var centeredAffine64Impl = centeredAffine64Generic

// CenteredAffine64 sets dst = a·t + float32(b·(x − m)), or the second term
// alone when t is nil.
func CenteredAffine64(dst, t, x []float32, a float32, b, m float64) {
	checkLen("CenteredAffine64", "dst", len(dst), "x", len(x))
	if t != nil {
		checkLen("CenteredAffine64", "t", len(t), "x", len(x))
	}
	centeredAffine64Impl(dst, t, x, a, b, m)
}

func centeredAffine64Generic(dst, t, x []float32, a float32, b, m float64) {
	dst = dst[:len(x)]
	if t == nil {
		for i, v := range x {
			dst[i] = float32(b * (float64(v) - m))
		}
		return
	}
	t = t[:len(x)]
	for i, v := range x {
		dst[i] = a*t[i] + float32(b*(float64(v)-m))
	}
}
