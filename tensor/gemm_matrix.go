package tensor

// matrix is a strided 2-D view used as a GEMM operand: element (i, j) is
// data[off + i*rs + j*cs]. A transposed operand is the same memory with rs
// and cs swapped, so one type serves A, Aᵀ, B and Bᵀ, and any 2-D tensor view.
type matrix struct {
	data        []float32
	off, rs, cs int
}

// packA packs rows [i0, i0+mc) × columns [k0, k0+kc) as mr-row micro-panels.
func (s matrix) packA(dst []float32, i0, mc, k0, kc, mr int) {
	for p0 := 0; p0 < mc; p0 += mr {
		panel := dst[p0*kc : (p0+mr)*kc]
		rows := min(mr, mc-p0)
		s.packPanel(panel, i0+p0, rows, k0, kc, mr, s.rs, s.cs)
	}
}

// packB packs rows [k0, k0+kc) × columns [j0, j0+nc) as nr-column micro-panels.
func (s matrix) packB(dst []float32, k0, kc, j0, nc, nr int) {
	if s.cs == 1 && nc >= nr {
		s.packBRows(dst, k0, kc, j0, nc, nr)
		return
	}
	for q0 := 0; q0 < nc; q0 += nr {
		panel := dst[q0*kc : (q0+nr)*kc]
		cols := min(nr, nc-q0)
		// A B panel is an A panel of Bᵀ.
		s.packPanel(panel, j0+q0, cols, k0, kc, nr, s.cs, s.rs)
	}
}

// packPanel writes one micro-panel: for each depth step p, w values
// (lanes [0, n) from the matrix, the rest zero), where lane l, depth p is
// element data[off + (l0+l)*ls + (k0+p)*ps].
func (s matrix) packPanel(panel []float32, l0, n, k0, kc, w, ls, ps int) {
	base := s.off + l0*ls + k0*ps
	switch {
	case ls == 1:
		// Each depth step's lanes are contiguous.
		for p := 0; p < kc; p++ {
			dst := panel[p*w : p*w+w]
			src := s.data[base+p*ps:]
			copy(dst, src[:n])
			clear(dst[n:])
		}
	case ps == 1:
		// Each lane is contiguous along the depth: read lanes, write strided.
		for l := 0; l < n; l++ {
			src := s.data[base+l*ls : base+l*ls+kc]
			dst := panel[l:]
			for p, v := range src {
				dst[p*w] = v
			}
		}
		if n < w {
			for p := 0; p < kc; p++ {
				clear(panel[p*w+n : p*w+w])
			}
		}
	default:
		for p := 0; p < kc; p++ {
			dst := panel[p*w : p*w+w]
			for l := range dst {
				if l < n {
					dst[l] = s.data[base+l*ls+p*ps]
				} else {
					dst[l] = 0
				}
			}
		}
	}
}

// packBRows packs a row-major B block row by row: each source row is read
// once, front to back, and scattered nr values at a time into the panels,
// which keeps the hardware prefetcher on a few long streams.
func (s matrix) packBRows(dst []float32, k0, kc, j0, nc, nr int) {
	full := nc / nr * nr
	for p := 0; p < kc; p++ {
		src := s.data[s.off+(k0+p)*s.rs+j0:]
		src = src[:nc]
		d := p * nr
		switch nr {
		case 16:
			for q := 0; q < full; q += 16 {
				*(*[16]float32)(dst[q*kc+d:]) = *(*[16]float32)(src[q:])
			}
		case 32:
			for q := 0; q < full; q += 32 {
				*(*[32]float32)(dst[q*kc+d:]) = *(*[32]float32)(src[q:])
			}
		default:
			for q := 0; q < full; q += nr {
				copy(dst[q*kc+d:q*kc+d+nr], src[q:q+nr])
			}
		}
		if full < nc {
			tail := dst[full*kc+d : full*kc+d+nr]
			n := copy(tail, src[full:])
			clear(tail[n:])
		}
	}
}
