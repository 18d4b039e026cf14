package linalg

import "github.com/harmonic-go/harmonic/internal/parallel"

// laGemm is a float64 matrix product for the O(n³) parts of the symmetric
// eigensolvers: C += alpha·op(A)·op(B), row-major, with op(X) = X or Xᵀ.
// tensor.Sgemm is float32 and must not be used for these numerics.
//
// Structure (BLIS, scalar): B is packed once per kc-deep slab into nr-wide
// column panels, A into mr-tall row panels, and a 3×2 register tile
// accumulates over the slab. Measured in L1 on this machine's Zen 4 core,
// 3×2 runs at 5–7 GFLOP/s against about 4.3 for 4×2, 2×4 and 3×3: Go's
// scheduler issues all loads and products of a k step before the adds, and
// only the 3×2 tile's 6 accumulators, 5 operands and 6 products fit in the
// 15 usable float registers without spilling. Threads split the rows of C (independent
// outputs), and every entry of C sums its k terms in the same order for any
// split, so results do not depend on parallel.Workers().

const (
	laGemmMR = 3
	laGemmNR = 2
	laGemmKC = 256 // 256·(3+2)·8 B = 10 KB of panels: stays in L1
	laGemmNC = 512 // packed B slab 256×512·8 B = 1 MB: L2
)

// laGemm computes C[m×n] += alpha·op(A)·op(B) where op(A) is m×k and op(B)
// is k×n; lda, ldb, ldc are row strides of the stored matrices.
func laGemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m == 0 || n == 0 || k == 0 || alpha == 0 {
		return
	}
	bp := make([]float64, laGemmKC*((min(n, laGemmNC)+laGemmNR-1)/laGemmNR*laGemmNR))
	for j0 := 0; j0 < n; j0 += laGemmNC {
		nc := min(laGemmNC, n-j0)
		for k0 := 0; k0 < k; k0 += laGemmKC {
			kc := min(laGemmKC, k-k0)
			laGemmPackB(bp, transB, b, ldb, k0, kc, j0, nc)
			blocks := (m + laGemmMR - 1) / laGemmMR
			body := func(lo, hi int) {
				ap := make([]float64, kc*laGemmMR)
				for blk := lo; blk < hi; blk++ {
					i0 := blk * laGemmMR
					mr := min(laGemmMR, m-i0)
					laGemmPackA(ap, transA, a, lda, i0, mr, k0, kc)
					for jj := 0; jj < nc; jj += laGemmNR {
						nr := min(laGemmNR, nc-jj)
						laGemmMicro(kc, alpha, ap, bp[jj*kc:], c[i0*ldc+j0+jj:], ldc, mr, nr)
					}
				}
			}
			if m*nc*kc < 1<<16 {
				body(0, blocks)
			} else {
				parallel.For(blocks, body)
			}
		}
	}
}

// laGemmPackB packs op(B)[k0:k0+kc, j0:j0+nc] into nr-wide panels, each
// kc×nr row-major, zero-padding the last panel.
func laGemmPackB(bp []float64, trans bool, b []float64, ldb, k0, kc, j0, nc int) {
	for jj := 0; jj < nc; jj += laGemmNR {
		panel := bp[jj*kc : jj*kc+kc*laGemmNR]
		for p := 0; p < kc; p++ {
			for q := 0; q < laGemmNR; q++ {
				v := 0.0
				if j := jj + q; j < nc {
					if trans {
						v = b[(j0+j)*ldb+k0+p]
					} else {
						v = b[(k0+p)*ldb+j0+j]
					}
				}
				panel[p*laGemmNR+q] = v
			}
		}
	}
}

// laGemmPackA packs op(A)[i0:i0+mr, k0:k0+kc] as kc×MR (k-major),
// zero-padding rows beyond mr.
func laGemmPackA(ap []float64, trans bool, a []float64, lda, i0, mr, k0, kc int) {
	for p := 0; p < kc; p++ {
		for r := 0; r < laGemmMR; r++ {
			v := 0.0
			if r < mr {
				if trans {
					v = a[(k0+p)*lda+i0+r]
				} else {
					v = a[(i0+r)*lda+k0+p]
				}
			}
			ap[p*laGemmMR+r] = v
		}
	}
}

// laGemmMicro adds alpha·(packed A panel)·(packed B panel) to the mr×nr
// corner of c.
func laGemmMicro(kc int, alpha float64, ap, bp, c []float64, ldc, mr, nr int) {
	var c00, c01, c10, c11, c20, c21 float64
	ap = ap[:kc*laGemmMR]
	bp = bp[:kc*laGemmNR]
	for p := 0; p < kc; p++ {
		a := ap[p*laGemmMR : p*laGemmMR+3 : p*laGemmMR+3]
		b := bp[p*laGemmNR : p*laGemmNR+2 : p*laGemmNR+2]
		b0, b1 := b[0], b[1]
		c00 += a[0] * b0
		c01 += a[0] * b1
		c10 += a[1] * b0
		c11 += a[1] * b1
		c20 += a[2] * b0
		c21 += a[2] * b1
	}
	acc := [laGemmMR][laGemmNR]float64{{c00, c01}, {c10, c11}, {c20, c21}}
	for r := 0; r < mr; r++ {
		row := c[r*ldc : r*ldc+nr]
		for q := range row {
			row[q] += alpha * acc[r][q]
		}
	}
}
