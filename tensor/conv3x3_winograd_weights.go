package tensor

import "github.com/harmonic-go/harmonic/internal/parallel"

// Weight transforms of the Winograd convolutions (conv3x3_winograd.go):
// U = G k Gᵀ for every 3×3 kernel k, packed as GEMM A micro-panels.

// weights returns U for w: the A micro-panels of U_ξ for ξ < planes,
// [planes][coPad/MR][ci][MR], from w [co,ci,3,3] (with flip, from the
// flipped, transposed weights of the input gradient, w'[o,c] = w[c,o]
// rotated 180°). Panel by panel, channel by channel: each kernel's values
// complete one MR-float run in every plane, so the writes stream.
func (p winoPlan) weights(w []float32, flip bool) []float32 {
	u := getBuf(p.alg.planes * p.uXi) // callers putBuf it
	parallel.For(p.coPad/p.micro.MR, func(lo, hi int) { p.weightPanels(u, w, flip, lo, hi) })
	return u
}

// weightPanels writes the A panels [lo, hi) of every plane of U.
func (p winoPlan) weightPanels(u, w []float32, flip bool, lo, hi int) {
	g, mr := p.g, p.micro.MR
	tr := make([]float32, p.alg.planes)
	var k [9]float32
	for pa := lo; pa < hi; pa++ {
		for c := 0; c < g.ci; c++ {
			base := pa*g.ci*mr + c*mr
			for r := 0; r < mr; r++ {
				o := pa*mr + r
				switch {
				case o >= g.co:
					clear(k[:])
				case flip:
					src := w[(c*g.co+o)*9:][:9]
					for t := range k {
						k[t] = src[8-t]
					}
				default:
					copy(k[:], w[(o*g.ci+c)*9:][:9])
				}
				p.alg.kernel(k, tr)
				for xi, v := range tr {
					u[xi*p.uXi+base+r] = v
				}
			}
		}
	}
}

// winogradKernel23 is G k Gᵀ of a 3×3 kernel, G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
// as 16 values ξ = 4r+s.
func winogradKernel23(k [9]float32, u []float32) {
	var t [4][3]float32 // G k
	for s := range 3 {
		k0, k1, k2 := k[s], k[3+s], k[6+s]
		t[0][s] = k0
		t[1][s] = 0.5 * (k0 + k1 + k2)
		t[2][s] = 0.5 * (k0 - k1 + k2)
		t[3][s] = k2
	}
	for r := range 4 { // (G k) Gᵀ
		k0, k1, k2 := t[r][0], t[r][1], t[r][2]
		u[4*r], u[4*r+1], u[4*r+2], u[4*r+3] = k0, 0.5*(k0+k1+k2), 0.5*(k0-k1+k2), k2
	}
}

// g43 applies F(4×4,3×3)'s G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙;
// 1⁄24 −1⁄12 ⅙; 0 0 1] to (k0, k1, k2), sharing the sums its rows have in
// common.
func g43(k0, k1, k2 float64) (v0, v1, v2, v3, v4, v5 float64) {
	const sixth, twelfth, twentyFourth = 1.0 / 6, 1.0 / 12, 1.0 / 24 // multiply, not divide
	a, b, c := k0+k2, k0*twentyFourth+k2*sixth, k1*twelfth
	return k0 * 0.25, -(a + k1) * sixth, -(a - k1) * sixth, b + c, b - c, k2
}

// winogradKernel43 is G k Gᵀ for F(4×4,3×3) as 36 values ξ = 6r+s, formed in
// float64 and rounded once (the sixths are not exact in binary).
func winogradKernel43(k [9]float32, u []float32) {
	u = u[:36]
	var t [3][6]float64 // columns of G k, by kernel column
	for s := range 3 {
		c := &t[s]
		c[0], c[1], c[2], c[3], c[4], c[5] = g43(float64(k[s]), float64(k[3+s]), float64(k[6+s]))
	}
	for r := range 6 { // (G k) Gᵀ
		v0, v1, v2, v3, v4, v5 := g43(t[0][r], t[1][r], t[2][r])
		row := u[6*r : 6*r+6]
		row[0], row[1], row[2], row[3], row[4], row[5] = float32(v0), float32(v1), float32(v2), float32(v3), float32(v4), float32(v5)
	}
}
