package tensor

import "github.com/harmonic-go/harmonic/simd"

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
		// Each lane is contiguous along the depth: gather a few lanes at a
		// time so that each depth step's writes are adjacent.
		l := 0
		for ; l+4 <= n; l += 4 {
			simd.GemmPack4(panel[l:], w, s.data[base+l*ls:], ls, kc)
		}
		if l < n && n >= 4 {
			// The last lanes overlap the previous group (same values).
			simd.GemmPack4(panel[n-4:], w, s.data[base+(n-4)*ls:], ls, kc)
			l = n
		}
		for ; l+2 <= n; l += 2 {
			packLanes2(panel, s.data, base+l*ls, ls, kc, w, l)
		}
		for ; l < n; l++ {
			src := s.data[base+l*ls : base+l*ls+kc]
			for p, v := range src {
				panel[p*w+l] = v
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
		case 48:
			for q := 0; q < full; q += 48 {
				*(*[48]float32)(dst[q*kc+d:]) = *(*[48]float32)(src[q:])
			}
		case 64:
			for q := 0; q < full; q += 64 {
				*(*[64]float32)(dst[q*kc+d:]) = *(*[64]float32)(src[q:])
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

// packLanes2 writes lanes [l0, l0+2) of every depth step of a w-wide panel
// from two rows ls apart starting at data[base].
func packLanes2(panel, data []float32, base, ls, kc, w, l0 int) {
	r0 := data[base : base+kc]
	r1 := data[base+ls : base+ls+kc]
	panel = panel[:w*kc]
	for p := range r0 {
		d := (*[2]float32)(panel[p*w+l0:])
		d[0], d[1] = r0[p], r1[p]
	}
}

// prefetchB starts loading rows part/parts of a row-major B block into cache
// (only worth it, and only done, when B's rows are contiguous).
func (s matrix) prefetchB(k0, kc, j0, nc, part, parts int) {
	if s.cs != 1 {
		return
	}
	for p := k0 + part*kc/parts; p < k0+(part+1)*kc/parts; p++ {
		row := s.off + p*s.rs + j0
		simd.GemmPrefetch(s.data[row : row+nc])
	}
}
