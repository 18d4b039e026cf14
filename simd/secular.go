package simd

import "math"

var secularSumsImpl = secularSumsGeneric

// SecularSums returns, over δ_j = sh_j − τ, the three sums of one side of
// the secular equation of divide and conquer: Σ z_j²/δ_j, its slope
// Σ (z_j/δ_j)², and Σ |z_j²/δ_j| (the evaluation error bound). It is the
// inner loop of every root search, one division per element.
//
// The summation order is fixed for every kernel, so the eigensolver's bits
// do not depend on the CPU: eight lanes, lane l adding the elements
// j ≡ l (mod 8) in order (a short last group adds +0 to the lanes it does
// not reach), then ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)). Each product and
// sum rounds on its own (no fused multiply-add).
func SecularSums(sh, z []float64, tau float64) (sum, slope, abs float64) {
	checkLen("SecularSums", "z", len(z), "sh", len(sh))
	if len(sh) == 0 {
		return 0, 0, 0
	}
	return secularSumsImpl(sh, z, tau)
}

func secularSumsGeneric(sh, z []float64, tau float64) (sum, slope, abs float64) {
	var s, d, a [8]float64
	z = z[:len(sh)]
	for j0 := 0; j0 < len(sh); j0 += 8 {
		for l := range 8 {
			var t, e float64 // +0 past the end, as the masked lanes
			if j := j0 + l; j < len(sh) {
				t = z[j] / float64(sh[j]-tau)
				e = float64(z[j] * t)
			}
			s[l] = float64(s[l] + e)
			d[l] = float64(d[l] + float64(t*t))
			a[l] = float64(a[l] + math.Abs(e))
		}
	}
	return lanes8Sum(&s), lanes8Sum(&d), lanes8Sum(&a)
}

// lanes8Sum adds eight lanes in the order of the AVX-512 reduction.
func lanes8Sum(v *[8]float64) float64 {
	return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]))
}
