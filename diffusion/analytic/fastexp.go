package analytic

import "math"

// expNegNear returns e^x for −700 ≤ x ≤ 0 to about 1e-8 relative error,
// cheaper than simd.ExpNeg for the ELS inner loop (billions of weights): no
// range check or math.Floor call (k is rounded by a conversion, exact
// enough for x ≤ 0) and a degree-7 polynomial (|r| ≤ ln2/2 gives a
// truncation error below r⁸/8! ≈ 5e-9).
func expNegNear(x float64) float64 {
	const (
		log2e = 1.4426950408889634
		ln2hi = 6.93147180369123816490e-01
		ln2lo = 1.90821492927058770002e-10
	)
	k := float64(int64(x*log2e - 0.5))
	r := x - k*ln2hi - k*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	return p * math.Float64frombits(uint64(int64(k)+1023)<<52)
}
