package analytic

import "github.com/harmonic-go/harmonic/internal/parallel"

// gramChunk is how many images one pass of addGram holds transposed
// (d×gramChunk float64s: 25 MB for d = 784).
const gramChunk = 4096

// addGram adds AᵀA to the d×d upper triangle of g for a [k,d] row-major
// (k ≤ gramChunk) in float64. The covariance needs float64 products: a
// float32 GEMM's absolute error on the entries of a low-variance pixel is
// a relative error of 1e-4 in its Wiener gain, enough to move the locality
// threshold (relative to the largest normalized entry) across entries.
// at is scratch of d·k values. Columns are dotted four by four, so each
// loaded value serves four products; rows of g split over the workers.
func addGram(g, a, at []float64, k, d int) {
	for i := range k {
		for j := range d {
			at[j*k+i] = a[i*d+j]
		}
	}
	blocks := (d + 3) / 4
	parallel.ForEach(blocks, func(bp int) {
		p0 := bp * 4
		for q0 := p0; q0 < d; q0 += 4 {
			gramBlock(g, at, k, d, p0, q0)
		}
	})
}

// gramBlock adds the dot products of columns p0..p0+3 with q0..q0+3
// (clipped at d) to g.
func gramBlock(g, at []float64, k, d, p0, q0 int) {
	if p0+4 > d || q0+4 > d {
		for p := p0; p < min(p0+4, d); p++ {
			for q := max(q0, p); q < min(q0+4, d); q++ {
				var s float64
				x, y := at[p*k:(p+1)*k], at[q*k:(q+1)*k]
				for i := range x {
					s += x[i] * y[i]
				}
				g[p*d+q] += s
			}
		}
		return
	}
	x0, x1, x2, x3 := at[p0*k:(p0+1)*k], at[(p0+1)*k:(p0+2)*k], at[(p0+2)*k:(p0+3)*k], at[(p0+3)*k:(p0+4)*k]
	y0, y1, y2, y3 := at[q0*k:(q0+1)*k], at[(q0+1)*k:(q0+2)*k], at[(q0+2)*k:(q0+3)*k], at[(q0+3)*k:(q0+4)*k]
	var s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33 float64
	for i := range x0 {
		a0, a1, a2, a3 := x0[i], x1[i], x2[i], x3[i]
		b0, b1, b2, b3 := y0[i], y1[i], y2[i], y3[i]
		s00 += a0 * b0
		s01 += a0 * b1
		s02 += a0 * b2
		s03 += a0 * b3
		s10 += a1 * b0
		s11 += a1 * b1
		s12 += a1 * b2
		s13 += a1 * b3
		s20 += a2 * b0
		s21 += a2 * b1
		s22 += a2 * b2
		s23 += a2 * b3
		s30 += a3 * b0
		s31 += a3 * b1
		s32 += a3 * b2
		s33 += a3 * b3
	}
	s := [4][4]float64{{s00, s01, s02, s03}, {s10, s11, s12, s13}, {s20, s21, s22, s23}, {s30, s31, s32, s33}}
	for r := range 4 {
		for c := range 4 {
			// On the diagonal block only the upper triangle is kept.
			if q0+c >= p0+r {
				g[(p0+r)*d+q0+c] += s[r][c]
			}
		}
	}
}
