package linalg

// Packing for laGemm: op(A) and op(B) blocks are copied into the panel
// layout of simd.DgemmMicro, zero-padded to whole tiles (the padded lanes
// only feed entries that are never stored).

// laPackA packs op(A)[i0:i0+rows, k0:k0+kc] into mr-tall micro-panels: panel
// ir/mr starts at dst[ir*kc] and holds dst[ir*kc + p*mr + r] = op(A)[i0+ir+r, k0+p].
// A is stored m×k (k×m when trans) with row stride lda.
func laPackA(dst []float64, trans bool, a []float64, lda, i0, rows, k0, kc, mr int) {
	for ir := 0; ir < rows; ir += mr {
		panel := dst[ir*kc : (ir+mr)*kc]
		h := min(mr, rows-ir)
		if h < mr {
			clear(panel)
		}
		if trans {
			// Rows of the stored Aᵀ are depth steps: copy h values per step.
			for p := 0; p < kc; p++ {
				src := a[(k0+p)*lda+i0+ir:]
				copy(panel[p*mr:p*mr+h], src[:h])
			}
			continue
		}
		for r := 0; r < h; r++ {
			src := a[(i0+ir+r)*lda+k0 : (i0+ir+r)*lda+k0+kc]
			for p, v := range src {
				panel[p*mr+r] = v
			}
		}
	}
}

// laPackB packs op(B)[k0:k0+kc, j0:j0+cols] into nr-wide micro-panels:
// panel jr/nr starts at dst[jr*kc] and holds dst[jr*kc + p*nr + q] = op(B)[k0+p, j0+jr+q].
// B is stored k×n (n×k when trans) with row stride ldb.
func laPackB(dst []float64, trans bool, b []float64, ldb, k0, kc, j0, cols, nr int) {
	for jr := 0; jr < cols; jr += nr {
		panel := dst[jr*kc : (jr+nr)*kc]
		w := min(nr, cols-jr)
		if w < nr {
			clear(panel)
		}
		if !trans {
			for p := 0; p < kc; p++ {
				src := b[(k0+p)*ldb+j0+jr:]
				copy(panel[p*nr:p*nr+w], src[:w])
			}
			continue
		}
		for q := 0; q < w; q++ {
			src := b[(j0+jr+q)*ldb+k0 : (j0+jr+q)*ldb+k0+kc]
			for p, v := range src {
				panel[p*nr+q] = v
			}
		}
	}
}
