package tensor

// gemmPacked computes C = alpha·A·B + beta·C for a logical M×K matrix A and
// K×N matrix B given as sources, and row-major C (leading dimension ldc),
// splitting the work over at most `threads` goroutines by blocks of C.
// beta == 0 overwrites C without reading it (NaNs in C do not propagate).
//
// PLACEHOLDER BODY written with the skeleton so that convolution can be built
// against the interface; the GEMM work replaces it with the blocked, packed,
// assembly-driven version and keeps a naive loop only as a test reference.
func gemmPacked(m, n, k int, alpha float32, a aSource, b bSource, beta float32, c []float32, ldc int, threads int) {
	if m == 0 || n == 0 {
		return
	}
	pa := make([]float32, m*k)
	pb := make([]float32, k*n)
	if k > 0 {
		a.packA(pa, 0, m, 0, k, 1) // mr = 1: row i is pa[i*k : (i+1)*k]
		b.packB(pb, 0, k, 0, n, 1) // nr = 1: column j is pb[j*k : (j+1)*k]
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				s += pa[i*k+p] * pb[j*k+p]
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}
