package simd

import "math"

// SiLU and its derivative, elementwise. Every step is a float32 operation
// rounded on its own (no fused multiply-add) in a fixed order, and the
// assembly performs the same operations, so all kernel sets give
// bit-identical results (NaN payloads aside).
//
// With e = e^−|x| (never overflows; 0 below −87, under the normal float32
// range) and xc = x clamped to [−88, 88]:
//
//	silu(x)  = x / (1 + e)            for x ≥ 0,   (xc·e) / (1 + e) otherwise;
//	silu'(x) = s·(1 + xc·(1 − s)),    s = σ(x), with σ = 1/(1+e) and 1 − σ = e/(1+e)
//	                                   for x ≥ 0 (swapped otherwise).
//
// Neither form cancels, and at ±Inf they give the limits (Inf, 0; 1, 0).

var (
	siluImpl         = siluGeneric
	siluDerivImpl    = siluDerivGeneric
	siluBackwardImpl = siluBackwardGeneric
)

// SiLU computes dst = x·sigmoid(x). dst may alias x.
func SiLU(dst, x []float32) {
	checkLen("SiLU", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	siluImpl(dst, x)
}

// SiLUDerivative computes dst = d/dx [x·sigmoid(x)]. dst may alias x.
func SiLUDerivative(dst, x []float32) {
	checkLen("SiLUDerivative", "dst", len(dst), "x", len(x))
	if len(x) == 0 {
		return
	}
	siluDerivImpl(dst, x)
}

// SiLUBackward computes dst = g·silu'(x): SiLUDerivative and a product in
// one pass, bit for bit the same as the two. dst may alias g or x.
func SiLUBackward(dst, g, x []float32) {
	checkLen("SiLUBackward", "dst", len(dst), "x", len(x))
	checkLen("SiLUBackward", "g", len(g), "x", len(x))
	if len(x) == 0 {
		return
	}
	siluBackwardImpl(dst, g, x)
}

func siluGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		e := expNeg(negAbs(v))
		num := v
		if !(v >= 0) {
			num = min(max(v, -88), 88) * e
		}
		dst[i] = num / (1 + e)
	}
}

func siluDerivGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = siluDeriv1(v)
	}
}

func siluBackwardGeneric(dst, g, x []float32) {
	dst, g = dst[:len(x)], g[:len(x)]
	for i, v := range x {
		dst[i] = g[i] * siluDeriv1(v)
	}
}

// siluDeriv1 is silu'(v), the steps every kernel set performs.
func siluDeriv1(v float32) float32 {
	e := expNeg(negAbs(v))
	inv := 1 / (1 + e)
	ei := e * inv
	s, sc := inv, ei
	if !(v >= 0) {
		s, sc = ei, inv
	}
	xc := min(max(v, -88), 88)
	return s * (1 + float32(xc*sc))
}

// negAbs is −|v| (the sign bit set).
func negAbs(v float32) float32 { return math.Float32frombits(math.Float32bits(v) | 1<<31) }

// expNeg is e^a for a ≤ 0 to about 2 ulp (Cephes' expf: a = n·ln2 + r, a
// degree-6 polynomial for e^r, times 2^n), and 0 below −87, where 2^n would
// leave the normal float32 range. Explicit conversions keep every product
// rounded on its own, whatever the compiler's target.
func expNeg(a float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2Hi = 0.693359375
		ln2Lo = -2.12194440e-4
	)
	if a < -87 {
		return 0
	}
	fx := float32(a*log2e) + 0.5
	fl := float32(math.Floor(float64(fx))) // exact: fx is a float32
	r := a - float32(fl*ln2Hi)
	r -= float32(fl * ln2Lo)
	p := float32(1.9875691500e-4*r) + 1.3981999507e-3
	p = float32(p*r) + 8.3334519073e-3
	p = float32(p*r) + 4.1665795894e-2
	p = float32(p*r) + 1.6666665459e-1
	p = float32(p*r) + 5.0000001201e-1
	p = float32(p*float32(r*r)) + r
	p++
	return p * math.Float32frombits(uint32(int32(fl)+127)<<23)
}
