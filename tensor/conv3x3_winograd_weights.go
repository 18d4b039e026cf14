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

// weightPanels writes the A panels [lo, hi) of every plane of U: for each
// panel and input channel, the panel's MR kernels go through the variant's
// transform together (simd.WinogradWeights43 runs eight of them per
// instruction), each filling one MR-float run of every plane.
func (p winoPlan) weightPanels(u, w []float32, flip bool, lo, hi int) {
	g, mr := p.g, p.micro.MR
	var k [9][16]float32
	for pa := lo; pa < hi; pa++ {
		for c := 0; c < g.ci; c++ {
			for r := range k[0][:mr] { // MR ≤ 16 for every GEMM kernel
				o := pa*mr + r
				switch {
				case o >= g.co:
					for t := range k {
						k[t][r] = 0
					}
				case flip:
					src := (*[9]float32)(w[(c*g.co+o)*9:])
					for t := range k {
						k[t][r] = src[8-t]
					}
				default:
					src := (*[9]float32)(w[(o*g.ci+c)*9:])
					for t := range k {
						k[t][r] = src[t]
					}
				}
			}
			p.alg.weights(u[pa*g.ci*mr+c*mr:], p.uXi, &k, mr)
		}
	}
}

// winogradWeights23 is G k Gᵀ for F(2×2,3×3), G = [1 0 0; ½ ½ ½; ½ −½ ½;
// 0 0 1], as 16 values ξ = 4r+s per kernel, in the layout of
// simd.WinogradWeights43 (every step is exact or rounds once in float32).
func winogradWeights23(dst []float32, stride int, k *[9][16]float32, n int) {
	for j := 0; j < n; j++ {
		var t [4][3]float32 // G k
		for s := range 3 {
			k0, k1, k2 := k[s][j], k[3+s][j], k[6+s][j]
			t[0][s] = k0
			t[1][s] = 0.5 * (k0 + k1 + k2)
			t[2][s] = 0.5 * (k0 - k1 + k2)
			t[3][s] = k2
		}
		for r := range 4 { // (G k) Gᵀ
			k0, k1, k2 := t[r][0], t[r][1], t[r][2]
			o := 4 * r * stride
			dst[o+j], dst[o+stride+j], dst[o+2*stride+j], dst[o+3*stride+j] = k0, 0.5*(k0+k1+k2), 0.5*(k0-k1+k2), k2
		}
	}
}
