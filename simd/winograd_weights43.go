package simd

import "fmt"

// WinogradWeights43 transforms n ≤ 16 3×3 kernels for F(4×4,3×3): U = G k Gᵀ
// with G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙; 1⁄24 −1⁄12 ⅙; 0 0 1],
// formed in float64 and rounded once to float32 (the sixths are not exact
// in binary). Tap t (row-major 3×3) of kernel j is k[t][j]; value ξ = 6r+s
// of kernel j goes to dst[ξ·stride + j], so the n kernels of a GEMM A
// micro-panel fill one run of each of the 36 planes. Every level computes
// the same operations in the same order (no fused multiply-add), so the
// bits are the same for finite inputs.
func WinogradWeights43(dst []float32, stride int, k *[9][16]float32, n int) {
	if n < 0 || n > 16 || stride < n || (n > 0 && len(dst) < 35*stride+n) {
		panic(fmt.Sprintf("simd: WinogradWeights43: n=%d stride=%d len(dst)=%d", n, stride, len(dst)))
	}
	if n == 0 {
		return
	}
	winogradWeights43Impl(dst, stride, k, n)
}

var winogradWeights43Impl = winogradWeights43Generic

// g43 applies G to (k0, k1, k2), sharing the sums its rows have in common.
func g43(k0, k1, k2 float64) (v0, v1, v2, v3, v4, v5 float64) {
	const sixth, twelfth, twentyFourth = 1.0 / 6, 1.0 / 12, 1.0 / 24 // multiply, not divide
	a, b, c := k0+k2, k0*twentyFourth+k2*sixth, k1*twelfth
	return k0 * 0.25, -(a + k1) * sixth, -(a - k1) * sixth, b + c, b - c, k2
}

func winogradWeights43Generic(dst []float32, stride int, k *[9][16]float32, n int) {
	for j := 0; j < n; j++ {
		var t [3][6]float64 // columns of G k, by kernel column
		for s := range 3 {
			c := &t[s]
			c[0], c[1], c[2], c[3], c[4], c[5] = g43(float64(k[s][j]), float64(k[3+s][j]), float64(k[6+s][j]))
		}
		for r := range 6 { // (G k) Gᵀ
			v0, v1, v2, v3, v4, v5 := g43(t[0][r], t[1][r], t[2][r])
			o := 6 * r * stride
			dst[o+j], dst[o+stride+j], dst[o+2*stride+j] = float32(v0), float32(v1), float32(v2)
			dst[o+3*stride+j], dst[o+4*stride+j], dst[o+5*stride+j] = float32(v3), float32(v4), float32(v5)
		}
	}
}
