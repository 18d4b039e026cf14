package tensor

import "github.com/harmonic-go/harmonic/simd"

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

// packB copies a panel's rows with one CopyRows call (vector moves, no call
// per row): the B of a 1×1 convolution is the image itself, and one memmove
// per 16-float panel row made the packing cost more than the products (96→32
// channels on 64×28×28, one thread, three in-process rounds: 10.4–12.2 ms
// against 8.6–9.4; matrix's row-wise packer measured between the two).
func (s denseB) packB(dst []float32, k0, kc, j0, nc, nr int) {
	for p := 0; p*nr < nc; p++ {
		panel := dst[p*nr*kc : (p+1)*nr*kc]
		cols := min(nr, nc-p*nr)
		simd.CopyRows(panel, s.data[k0*s.ld+j0+p*nr:], kc, cols, nr, s.ld)
		if cols < nr {
			for kk := 0; kk < kc; kk++ {
				clear(panel[kk*nr+cols : (kk+1)*nr])
			}
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
	packBatchRows(dst, s.data, s.m, s.p, i0, mc, k0, kc, mr)
}

// batchRowsB is the transpose of batchRowsA, the (B·P)×M matrix of a
// [B, M, P] tensor: the input operand of a 1×1 convolution's weight
// gradient, whose im2col matrix is the images themselves.
type batchRowsB struct {
	data []float32
	m, p int
}

func (s batchRowsB) packB(dst []float32, k0, kc, j0, nc, nr int) {
	packBatchRows(dst, s.data, s.m, s.p, j0, nc, k0, kc, nr)
}

// packBatchRows writes the width-w panels of rows [i0, i0+rows) (zero past
// the last) and depth [k0, k0+kc) of the M×(B·P) matrix of a [B, M, P]
// tensor: panel q holds depth kk, row r at [q·w·kc + kk·w + r]. Within one
// image the depth is contiguous in every row, the layout matrix.packPanel
// gathers with its vector kernel (element by element, the packing of a 1×1
// weight gradient, 96→32 channels on 64×28×28, took three times the GEMM
// kernel's time).
func packBatchRows(dst, data []float32, m, p, i0, rows, k0, kc, w int) {
	for pn := 0; pn*w < rows; pn++ {
		panel := dst[pn*w*kc : (pn+1)*w*kc]
		n := min(w, rows-pn*w)
		b, q := k0/p, k0%p
		for kk := 0; kk < kc; b, q = b+1, 0 {
			seg := min(kc-kk, p-q)
			img := matrix{data: data, off: b*m*p + q}
			img.packPanel(panel[kk*w:], i0+pn*w, n, 0, seg, w, p, 1)
			kk += seg
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
	taps := g.kh * g.kw
	var runs []pixelRun
	for p := 0; p*nr < nc; p++ {
		panel := dst[p*nr*kc : (p+1)*nr*kc]
		cols := min(nr, nc-p*nr)
		// The panel's columns are output pixels: a few runs along output
		// rows, each read from one input row per tap at the stride. The
		// channel and tap advance with the depth, without division.
		runs = g.pixelRuns(runs[:0], j0+p*nr, cols)
		c, t := k0/taps, k0%taps
		ti, tj := t/g.kw, t%g.kw
		for kk := 0; kk < kc; kk++ {
			out := panel[kk*nr : kk*nr+nr]
			plane := s.x[c*g.h*g.w : (c+1)*g.h*g.w]
			for _, u := range runs {
				g.gatherRow(out[u.at:], 1, u.n, plane, u.oy*g.stride-g.pad+ti, u.ox*g.stride-g.pad+tj)
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

// pixelRun is a run of n consecutive output pixels of one row of image b,
// starting at (oy, ox), placed from index at of a panel or depth range.
type pixelRun struct{ b, oy, ox, at, n int }

// pixelRuns appends the runs covering output pixels [n0, n0+count) of a
// batch (pixel numbers run over images, then rows, then columns).
func (g convGeom) pixelRuns(runs []pixelRun, n0, count int) []pixelRun {
	pix := g.ho * g.wo
	b, q := n0/pix, n0%pix
	oy, ox := q/g.wo, q%g.wo
	for at := 0; at < count; {
		n := min(count-at, g.wo-ox)
		runs = append(runs, pixelRun{b: b, oy: oy, ox: ox, at: at, n: n})
		at += n
		if ox, oy = 0, oy+1; oy == g.ho {
			oy, b = 0, b+1
		}
	}
	return runs
}

// gatherRow sets dst[i·ds] = x[iy, ix0 + i·stride] for i < n, zero where
// that pixel lies outside the image (plane is one channel of x). It runs
// once per panel row and tap, so the in-image range is found by stepping
// (at most pad/stride steps at each end) rather than by dividing.
func (g convGeom) gatherRow(dst []float32, ds, n int, plane []float32, iy, ix0 int) {
	lo, hi := 0, 0 // the in-image range of i
	if iy >= 0 && iy < g.h {
		for hi = n; hi > 0 && ix0+(hi-1)*g.stride >= g.w; hi-- {
		}
		for ; lo < hi && ix0+lo*g.stride < 0; lo++ {
		}
	}
	j := 0
	for ; j < lo*ds; j += ds {
		dst[j] = 0
	}
	if hi > lo {
		row := plane[iy*g.w : (iy+1)*g.w]
		for ix := ix0 + lo*g.stride; j < hi*ds; j += ds {
			dst[j] = row[ix]
			ix += g.stride
		}
	}
	for ; j < n*ds; j += ds {
		dst[j] = 0
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
	// The depth runs over output pixels of the batch: a few runs along
	// output rows, the same for every column. Each column (a channel and
	// tap) reads them from input rows at the stride into its row of a slab,
	// contiguously; the slab's rows are then gathered into panels by the
	// vector packing (BenchmarkConvTCUNetGeneric, weight gradient of the
	// stride-2 64→64 convolution on 64×14×14: 6.8 ms gathering straight
	// into the panels at the panel width's stride, 6.4 ms so; 32→32 on
	// 28×28 unchanged at 9.2 ms, where the gathers themselves dominate).
	runs := g.pixelRuns(nil, k0, kc)
	slab := getBuf(nc * kc)
	defer putBuf(slab)
	for col := range nc {
		c, t := (j0+col)/taps, (j0+col)%taps
		di, dj := t/g.kw-g.pad, t%g.kw-g.pad
		row := slab[col*kc : (col+1)*kc]
		for _, u := range runs {
			img := s.x[(u.b*g.ci+c)*plane : (u.b*g.ci+c+1)*plane]
			g.gatherRow(row[u.at:], 1, u.n, img, u.oy*g.stride+di, u.ox*g.stride+dj)
		}
	}
	matrix{data: slab, rs: 1, cs: kc}.packB(dst, 0, kc, 0, nc, nr) // element (k, n) at slab[n·kc + k]
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
