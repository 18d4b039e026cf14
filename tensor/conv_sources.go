package tensor

// GEMM operand sources for the implicit-GEMM convolutions: each reads a
// tensor in place and writes BLIS panels (see gemm_source.go), so neither the
// im2col matrix nor a transposed copy of an activation is ever built.

// denseA is a row-major M×K matrix with leading dimension ld.
type denseA struct {
	data []float32
	ld   int
}

func (s denseA) packA(dst []float32, i0, mc, k0, kc, mr int) {
	for p := 0; p*mr < mc; p++ {
		panel := dst[p*mr*kc : (p+1)*mr*kc]
		for r := 0; r < mr; r++ {
			row := p*mr + r
			if row >= mc {
				for kk := 0; kk < kc; kk++ {
					panel[kk*mr+r] = 0
				}
				continue
			}
			src := s.data[(i0+row)*s.ld+k0 : (i0+row)*s.ld+k0+kc]
			for kk, v := range src {
				panel[kk*mr+r] = v
			}
		}
	}
}

// denseB is a row-major K×N matrix with leading dimension ld.
type denseB struct {
	data []float32
	ld   int
}

func (s denseB) packB(dst []float32, k0, kc, j0, nc, nr int) {
	for p := 0; p*nr < nc; p++ {
		panel := dst[p*nr*kc : (p+1)*nr*kc]
		cols := min(nr, nc-p*nr)
		for kk := 0; kk < kc; kk++ {
			row := s.data[(k0+kk)*s.ld+j0+p*nr:]
			out := panel[kk*nr : kk*nr+nr]
			copy(out[:cols], row[:cols])
			clear(out[cols:])
		}
	}
}

// batchRowsA views a [B, M, P] tensor as the M×(B·P) matrix whose row m is
// the concatenation over the batch of the P values of channel m: the depth of
// a weight-gradient GEMM runs over batch × pixels.
type batchRowsA struct {
	data []float32
	m, p int
}

func (s batchRowsA) packA(dst []float32, i0, mc, k0, kc, mr int) {
	for p := 0; p*mr < mc; p++ {
		panel := dst[p*mr*kc : (p+1)*mr*kc]
		for r := 0; r < mr; r++ {
			row := p*mr + r
			if row >= mc {
				for kk := 0; kk < kc; kk++ {
					panel[kk*mr+r] = 0
				}
				continue
			}
			b, q := k0/s.p, k0%s.p
			for kk := 0; kk < kc; kk++ {
				panel[kk*mr+r] = s.data[(b*s.m+i0+row)*s.p+q]
				if q++; q == s.p {
					b, q = b+1, 0
				}
			}
		}
	}
}

// im2colB is the implicit im2col matrix of one image x [Ci,H,W]: row
// k = (c, i, j) over channel and kernel tap, column n = (oh, ow) over output
// pixels; the entry is x[c, oh·s−pad+i, ow·s−pad+j], zero outside the image.
type im2colB struct {
	x []float32
	g convGeom
}

func (s im2colB) packB(dst []float32, k0, kc, j0, nc, nr int) {
	g := s.g
	// Per column: the top-left input pixel of its window (iy0, ix0); per
	// depth step: the channel and tap, advanced without division. The
	// packing is a large share of a strided convolution's time.
	iy0, ix0 := make([]int, nr), make([]int, nr)
	for p := 0; p*nr < nc; p++ {
		panel := dst[p*nr*kc : (p+1)*nr*kc]
		cols := min(nr, nc-p*nr)
		oy, ox := (j0+p*nr)/g.wo, (j0+p*nr)%g.wo
		for r := range cols {
			iy0[r], ix0[r] = oy*g.stride-g.pad, ox*g.stride-g.pad
			if ox++; ox == g.wo {
				oy, ox = oy+1, 0
			}
		}
		c, t := k0/(g.kh*g.kw), k0%(g.kh*g.kw)
		ti, tj := t/g.kw, t%g.kw
		for kk := 0; kk < kc; kk++ {
			out := panel[kk*nr : kk*nr+nr]
			plane := s.x[c*g.h*g.w : (c+1)*g.h*g.w]
			for r := range cols {
				iy, ix := iy0[r]+ti, ix0[r]+tj
				var v float32
				if uint(iy) < uint(g.h) && uint(ix) < uint(g.w) {
					v = plane[iy*g.w+ix]
				}
				out[r] = v
			}
			clear(out[cols:])
			if tj++; tj == g.kw {
				if tj, ti = 0, ti+1; ti == g.kh {
					ti, c = 0, c+1
				}
			}
		}
	}
}

// im2colBatchT is the transposed im2col matrix of a whole batch x [B,Ci,H,W]:
// row k = (b, oh, ow), column n = (c, i, j); the depth of the weight-gradient
// GEMM runs over batch × output pixels.
type im2colBatchT struct {
	x []float32
	g convGeom
}

func (s im2colBatchT) packB(dst []float32, k0, kc, j0, nc, nr int) {
	g := s.g
	taps, plane := g.kh*g.kw, g.h*g.w
	// Per column: its channel's plane offset and tap offsets; per depth step:
	// the image and output pixel, advanced without division.
	base, di, dj := make([]int, nr), make([]int, nr), make([]int, nr)
	for p := 0; p*nr < nc; p++ {
		panel := dst[p*nr*kc : (p+1)*nr*kc]
		cols := min(nr, nc-p*nr)
		for r := range cols {
			n := j0 + p*nr + r
			c, t := n/taps, n%taps
			base[r], di[r], dj[r] = c*plane, t/g.kw-g.pad, t%g.kw-g.pad
		}
		pix := g.ho * g.wo
		b, q := k0/pix, k0%pix
		oy, ox := q/g.wo, q%g.wo
		for kk := 0; kk < kc; kk++ {
			out := panel[kk*nr : kk*nr+nr]
			img := s.x[b*g.ci*plane : (b+1)*g.ci*plane]
			sy, sx := oy*g.stride, ox*g.stride
			for r := range cols {
				iy, ix := sy+di[r], sx+dj[r]
				var v float32
				if uint(iy) < uint(g.h) && uint(ix) < uint(g.w) {
					v = img[base[r]+iy*g.w+ix]
				}
				out[r] = v
			}
			clear(out[cols:])
			if ox++; ox == g.wo {
				if ox, oy = 0, oy+1; oy == g.ho {
					oy, b = 0, b+1
				}
			}
		}
	}
}

// dyGatherB is the matrix whose product with the transposed weights gives the
// input gradient of one image directly (a gather instead of col2im's
// scatter-add, so every dx element is one ordered sum): row k = (co, i, j),
// column n = (iy, ix); the entry is dy[co, oy, ox] where iy = oy·s−pad+i and
// ix = ox·s−pad+j, zero when no such output pixel exists.
type dyGatherB struct {
	dy []float32
	g  convGeom
}

func (s dyGatherB) packB(dst []float32, k0, kc, j0, nc, nr int) {
	g := s.g
	taps := g.kh * g.kw
	for p := 0; p*nr < nc; p++ {
		panel := dst[p*nr*kc : (p+1)*nr*kc]
		for r := 0; r < nr; r++ {
			if p*nr+r >= nc {
				for kk := 0; kk < kc; kk++ {
					panel[kk*nr+r] = 0
				}
				continue
			}
			n := j0 + p*nr + r
			iy, ix := n/g.w+g.pad, n%g.w+g.pad
			for kk := 0; kk < kc; kk++ {
				k := k0 + kk
				co, t := k/taps, k%taps
				ny, nx := iy-t/g.kw, ix-t%g.kw
				var v float32
				if ny >= 0 && nx >= 0 && ny%g.stride == 0 && nx%g.stride == 0 {
					oy, ox := ny/g.stride, nx/g.stride
					if oy < g.ho && ox < g.wo {
						v = s.dy[(co*g.ho+oy)*g.wo+ox]
					}
				}
				panel[kk*nr+r] = v
			}
		}
	}
}
