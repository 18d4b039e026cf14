package tensor

import "fmt"

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, where
// op(X) is X or Xᵀ: op(A) is m×k, op(B) is k×n, C is m×n with row stride ldc.
// A is stored m×k with row stride lda (k×m when transA), B k×n with row
// stride ldb (n×k when transB). beta == 0 ignores C's old contents. It panics
// on inconsistent sizes (a programmer error) and runs on Threads() goroutines.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("tensor: Sgemm with negative size m=%d n=%d k=%d", m, n, k))
	}
	am := stridedOperand("A", a, lda, m, k, transA)
	bm := stridedOperand("B", b, ldb, k, n, transB)
	if m > 0 && n > 0 && (ldc < n || len(c) < (m-1)*ldc+n) {
		panic(fmt.Sprintf("tensor: Sgemm C is %dx%d but ldc=%d and len(c)=%d", m, n, ldc, len(c)))
	}
	gemmPacked(m, n, k, alpha, am, bm, beta, c, ldc, Threads())
}

// stridedOperand checks a row-major operand that is logically rows×cols
// (stored cols×rows when trans) and returns it as a matrix view.
func stridedOperand(name string, x []float32, ld, rows, cols int, trans bool) matrix {
	sr, sc := rows, cols // stored shape
	if trans {
		sr, sc = cols, rows
	}
	if sr > 0 && sc > 0 && (ld < sc || len(x) < (sr-1)*ld+sc) {
		panic(fmt.Sprintf("tensor: Sgemm %s is stored %dx%d but ld=%d and len=%d", name, sr, sc, ld, len(x)))
	}
	if trans {
		return matrix{data: x, rs: 1, cs: ld}
	}
	return matrix{data: x, rs: ld, cs: 1}
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C for 2-D tensors (any strides:
// transposed and sliced views are read in place).
func Gemm(transA, transB bool, alpha float32, a, b *Tensor, beta float32, c *Tensor) error {
	if a.Rank() != 2 || b.Rank() != 2 || c.Rank() != 2 {
		return fmt.Errorf("gemm: A %v, B %v and C %v must all be matrices", a.shape, b.shape, c.shape)
	}
	am, m, k := tensorOperand(a, transA)
	bm, kb, n := tensorOperand(b, transB)
	if k != kb {
		return fmt.Errorf("gemm: A %v%s times B %v%s: inner dimensions %d and %d differ",
			a.shape, tSuffix(transA), b.shape, tSuffix(transB), k, kb)
	}
	if c.shape[0] != m || c.shape[1] != n {
		return fmt.Errorf("gemm: A %v%s times B %v%s is [%d %d], but C is %v",
			a.shape, tSuffix(transA), b.shape, tSuffix(transB), m, n, c.shape)
	}
	if c.strides[1] == 1 || n <= 1 {
		ldc := c.strides[0]
		if m <= 1 {
			ldc = max(ldc, n)
		}
		gemmPacked(m, n, k, alpha, am, bm, beta, c.data[c.offset:], ldc, Threads())
		return nil
	}
	// C with a column stride: compute into a dense tile and fold it in.
	tmp := make([]float32, m*n)
	gemmPacked(m, n, k, 1, am, bm, 0, tmp, n, Threads())
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			p := c.offset + i*c.strides[0] + j*c.strides[1]
			v := alpha * tmp[i*n+j]
			if beta != 0 {
				v += beta * c.data[p]
			}
			c.data[p] = v
		}
	}
	return nil
}

// tensorOperand views a 2-D tensor (transposed if trans) as a matrix.
func tensorOperand(t *Tensor, trans bool) (matrix, int, int) {
	x := matrix{data: t.data, off: t.offset, rs: t.strides[0], cs: t.strides[1]}
	r, c := t.shape[0], t.shape[1]
	if trans {
		x.rs, x.cs = x.cs, x.rs
		r, c = c, r
	}
	return x, r, c
}

func tSuffix(trans bool) string {
	if trans {
		return "ᵀ"
	}
	return ""
}

// MatMul returns the matrix product a·b of two 2-D tensors.
func MatMul(a, b *Tensor) (*Tensor, error) {
	if a.Rank() != 2 || b.Rank() != 2 {
		return nil, fmt.Errorf("matmul: A %v and B %v must both be matrices", a.shape, b.shape)
	}
	if a.shape[1] != b.shape[0] {
		return nil, fmt.Errorf("matmul: A %v times B %v: inner dimensions %d and %d differ",
			a.shape, b.shape, a.shape[1], b.shape[0])
	}
	c := New(a.shape[0], b.shape[1])
	if err := Gemm(false, false, 1, a, b, 0, c); err != nil {
		return nil, err
	}
	return c, nil
}
