package linalg

// Packing for laGemm: op(A) and op(B) blocks are copied into the panel
// layout of simd.DgemmMicro, zero-padded to whole tiles (the padded lanes
// only feed entries that are never stored). A panel of width w (mr for A,
// nr for B) holds, for each depth step p, w consecutive values.
//
// Two source orientations occur. When the stored rows run along the panel
// width (Aᵀ, B), each stored row is split into the panels (packAlong);
// when they run along the depth (A, Bᵀ), w stored rows are interleaved into
// one panel (packAcross). Both have fixed-size fast paths for the widths of
// the AVX2 kernel (6 and 8): generic copies measured about twice as slow.

// laPackA packs op(A)[i0:i0+rows, k0:k0+kc] into mr-tall micro-panels: panel
// ir/mr starts at dst[ir*kc] and holds dst[ir*kc + p*mr + r] = op(A)[i0+ir+r, k0+p].
// A is stored m×k (k×m when trans) with row stride lda.
func laPackA(dst []float64, trans bool, a []float64, lda, i0, rows, k0, kc, mr int) {
	if trans {
		packAlong(dst, a, lda, k0, kc, i0, rows, mr)
	} else {
		packAcross(dst, a, lda, i0, rows, k0, kc, mr)
	}
}

// laPackB packs op(B)[k0:k0+kc, j0:j0+cols] into nr-wide micro-panels:
// panel jr/nr starts at dst[jr*kc] and holds dst[jr*kc + p*nr + q] = op(B)[k0+p, j0+jr+q].
// B is stored k×n (n×k when trans) with row stride ldb.
func laPackB(dst []float64, trans bool, b []float64, ldb, k0, kc, j0, cols, nr int) {
	if trans {
		packAcross(dst, b, ldb, j0, cols, k0, kc, nr)
	} else {
		packAlong(dst, b, ldb, k0, kc, j0, cols, nr)
	}
}

// packAlong packs a source whose stored rows k0..k0+kc-1 are depth steps
// and whose columns j0..j0+cols-1 run along the panels: dst[jr*kc + p*w + q]
// = x[(k0+p)*ld + j0+jr+q]. Row by row, so the source streams in order.
func packAlong(dst, x []float64, ld, k0, kc, j0, cols, w int) {
	full := cols / w * w
	if full < cols {
		clear(dst[full*kc : (full+w)*kc])
	}
	for p := 0; p < kc; p++ {
		src := x[(k0+p)*ld+j0 : (k0+p)*ld+j0+cols]
		switch w {
		case 8:
			for jr := 0; jr < full; jr += 8 {
				*(*[8]float64)(dst[jr*kc+p*8:]) = *(*[8]float64)(src[jr:])
			}
		case 6:
			for jr := 0; jr < full; jr += 6 {
				*(*[6]float64)(dst[jr*kc+p*6:]) = *(*[6]float64)(src[jr:])
			}
		default:
			for jr := 0; jr < full; jr += w {
				copy(dst[jr*kc+p*w:jr*kc+p*w+w], src[jr:jr+w])
			}
		}
		if full < cols {
			copy(dst[full*kc+p*w:], src[full:])
		}
	}
}

// packAcross packs a source whose stored rows i0..i0+rows-1 run along the
// panels and whose columns k0..k0+kc-1 are depth steps: dst[ir*kc + p*w + r]
// = x[(i0+ir+r)*ld + k0+p]. Each panel interleaves w rows, read in order.
func packAcross(dst, x []float64, ld, i0, rows, k0, kc, w int) {
	for ir := 0; ir < rows; ir += w {
		panel := dst[ir*kc : (ir+w)*kc]
		h := min(w, rows-ir)
		base := (i0+ir)*ld + k0
		row := func(r int) []float64 { return x[base+r*ld : base+r*ld+kc] }
		switch {
		case h == 8 && w == 8:
			r0, r1, r2, r3, r4, r5, r6, r7 := row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7)
			for p := range r0 {
				*(*[8]float64)(panel[p*8:]) = [8]float64{r0[p], r1[p], r2[p], r3[p], r4[p], r5[p], r6[p], r7[p]}
			}
		case h == 6 && w == 6:
			r0, r1, r2, r3, r4, r5 := row(0), row(1), row(2), row(3), row(4), row(5)
			for p := range r0 {
				*(*[6]float64)(panel[p*6:]) = [6]float64{r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]}
			}
		default:
			if h < w {
				clear(panel)
			}
			for r := 0; r < h; r++ {
				for p, v := range row(r) {
					panel[p*w+r] = v
				}
			}
		}
	}
}
