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
// the kernels (6 and 8 for AVX2, 8 and 24 for AVX-512), measured 2–3x
// faster than generic loops.
// The packed block is in the panels' order whatever the source's.

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
// = x[(k0+p)*ld + j0+jr+q]. Four stored rows at a time, so that the source
// streams in order and each panel receives whole cache lines (measured
// twice as fast as one row at a time).
func packAlong(dst, x []float64, ld, k0, kc, j0, cols, w int) {
	full := cols / w * w
	src := func(p int) []float64 { return x[(k0+p)*ld+j0 : (k0+p)*ld+j0+cols] }
	p := 0
	if w%8 == 0 || w == 6 {
		for ; p+4 <= kc; p += 4 {
			s0, s1, s2, s3 := src(p), src(p+1), src(p+2), src(p+3)
			for jr := 0; jr < full; jr += w {
				d := dst[jr*kc+p*w : jr*kc+(p+4)*w]
				if w%8 == 0 { // 8 for the AVX2 kernel's B, 24 for the AVX-512 kernel's
					for q := 0; q < w; q += 8 {
						*(*[8]float64)(d[q:]) = *(*[8]float64)(s0[jr+q:])
						*(*[8]float64)(d[w+q:]) = *(*[8]float64)(s1[jr+q:])
						*(*[8]float64)(d[2*w+q:]) = *(*[8]float64)(s2[jr+q:])
						*(*[8]float64)(d[3*w+q:]) = *(*[8]float64)(s3[jr+q:])
					}
				} else {
					*(*[6]float64)(d[0:]) = *(*[6]float64)(s0[jr:])
					*(*[6]float64)(d[6:]) = *(*[6]float64)(s1[jr:])
					*(*[6]float64)(d[12:]) = *(*[6]float64)(s2[jr:])
					*(*[6]float64)(d[18:]) = *(*[6]float64)(s3[jr:])
				}
			}
		}
	}
	for ; p < kc; p++ {
		s := src(p)
		for jr := 0; jr < full; jr += w {
			copy(dst[jr*kc+p*w:jr*kc+p*w+w], s[jr:jr+w])
		}
	}
	if full < cols {
		edge := dst[full*kc : (full+w)*kc]
		clear(edge)
		for p := 0; p < kc; p++ {
			copy(edge[p*w:], src(p)[full:])
		}
	}
}

// packAcross packs a source whose stored rows i0..i0+rows-1 run along the
// panels and whose columns k0..k0+kc-1 are depth steps: dst[ir*kc + p*w + r]
// = x[(i0+ir+r)*ld + k0+p]. Each panel interleaves w rows, read in order.
// The fast paths reslice every row to one length so that the compiler drops
// the bounds checks of the inner loop (measured 3x faster than storing a
// composite literal).
func packAcross(dst, x []float64, ld, i0, rows, k0, kc, w int) {
	for ir := 0; ir < rows; ir += w {
		panel := dst[ir*kc : (ir+w)*kc]
		h := min(w, rows-ir)
		base := (i0+ir)*ld + k0
		row := func(r int) []float64 { return x[base+r*ld : base+r*ld+kc] }
		switch {
		case h == w && w%8 == 0 && kc > 0:
			// Eight rows at a time into lanes q..q+7 of each depth step
			// (w = 8: the AVX2 kernel's B or the AVX-512 kernel's A; 24:
			// the AVX-512 kernel's Bᵀ).
			for q := 0; q < w; q += 8 {
				r0 := row(q)
				n := len(r0)
				r1, r2, r3, r4, r5, r6, r7 := row(q + 1)[:n], row(q + 2)[:n], row(q + 3)[:n], row(q + 4)[:n], row(q + 5)[:n], row(q + 6)[:n], row(q + 7)[:n]
				lanes := panel[q : (n-1)*w+q+8]
				for p := range r0 {
					d := lanes[p*w : p*w+8 : p*w+8]
					d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p], r6[p], r7[p]
				}
			}
		case h == 6 && w == 6:
			r0 := row(0)
			n := len(r0)
			r1, r2, r3, r4, r5 := row(1)[:n], row(2)[:n], row(3)[:n], row(4)[:n], row(5)[:n]
			panel = panel[:6*n]
			for p := range r0 {
				d := panel[p*6 : p*6+6 : p*6+6]
				d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
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
