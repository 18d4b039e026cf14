package tensor

import "fmt"

// Transposed convolution with a 2×2 kernel and stride 2 (the U-Net's
// upsampling), weight [Ci, Co, 2, 2] as in PyTorch's ConvTranspose2d:
// y[b, co, 2i+a, 2j+c] = Σ_ci x[b, ci, i, j] · w[ci, co, a, c].
// The windows do not overlap, so each direction is a single GEMM whose
// operands are read in place by sources; nothing is scattered and added.

type upGeom struct{ b, ci, co, h, w int } // h, w: input (low-resolution) size

func upWeight(op string, w *Tensor) error {
	if err := rank4(op, "weight", w); err != nil {
		return err
	}
	if w.shape[2] != 2 || w.shape[3] != 2 || w.shape[0] < 1 || w.shape[1] < 1 {
		return fmt.Errorf("%s: weight %v must be [Ci Co 2 2] with positive sizes", op, w.shape)
	}
	return nil
}

// ConvTranspose2x2 returns y [B,Co,2H,2W] for x [B,Ci,H,W] and w [Ci,Co,2,2].
func ConvTranspose2x2(x, w *Tensor) (*Tensor, error) {
	const op = "conv transpose 2x2"
	if err := rank4(op, "input", x); err != nil {
		return nil, err
	}
	if err := upWeight(op, w); err != nil {
		return nil, err
	}
	if x.shape[1] != w.shape[0] {
		return nil, fmt.Errorf("%s: input %v has %d channels, weight %v expects %d", op, x.shape, x.shape[1], w.shape, w.shape[0])
	}
	g := upGeom{b: x.shape[0], ci: x.shape[1], co: w.shape[1], h: x.shape[2], w: x.shape[3]}
	if g.b < 1 || g.h < 1 || g.w < 1 {
		return nil, fmt.Errorf("%s: input %v must have positive sizes", op, x.shape)
	}
	y := Empty(g.b, g.co, 2*g.h, 2*g.w)
	upForward(g, y.data, denseData(x), denseData(w))
	return y, nil
}

// ConvTranspose2x2BackwardInput returns dL/dx [B,Ci,H,W] for dy [B,Co,2H,2W].
func ConvTranspose2x2BackwardInput(dy, w *Tensor) (*Tensor, error) {
	const op = "conv transpose 2x2 backward input"
	if err := rank4(op, "output gradient", dy); err != nil {
		return nil, err
	}
	if err := upWeight(op, w); err != nil {
		return nil, err
	}
	g, err := upGeomFromDy(op, dy, w.shape[0])
	if err != nil {
		return nil, err
	}
	if dy.shape[1] != w.shape[1] {
		return nil, fmt.Errorf("%s: output gradient %v has %d channels, weight %v produces %d", op, dy.shape, dy.shape[1], w.shape, w.shape[1])
	}
	dx := Empty(g.b, g.ci, g.h, g.w)
	upBackwardInput(g, dx.data, denseData(dy), denseData(w))
	return dx, nil
}

// ConvTranspose2x2BackwardWeight returns dL/dw [Ci,Co,2,2] for x [B,Ci,H,W]
// and dy [B,Co,2H,2W], summed over the batch.
func ConvTranspose2x2BackwardWeight(x, dy *Tensor) (*Tensor, error) {
	const op = "conv transpose 2x2 backward weight"
	if err := rank4(op, "input", x); err != nil {
		return nil, err
	}
	if err := rank4(op, "output gradient", dy); err != nil {
		return nil, err
	}
	g, err := upGeomFromDy(op, dy, x.shape[1])
	if err != nil {
		return nil, err
	}
	if x.shape[0] != g.b || x.shape[2] != g.h || x.shape[3] != g.w {
		return nil, fmt.Errorf("%s: output gradient %v does not match input %v (want [%d C %d %d])", op, dy.shape, x.shape, x.shape[0], 2*x.shape[2], 2*x.shape[3])
	}
	if g.ci < 1 {
		return nil, fmt.Errorf("%s: input %v must have positive sizes", op, x.shape)
	}
	dw := New(g.ci, g.co, 2, 2)
	upBackwardWeight(g, dw.data, denseData(x), denseData(dy))
	return dw, nil
}

func upGeomFromDy(op string, dy *Tensor, ci int) (upGeom, error) {
	s := dy.shape
	if s[0] < 1 || s[1] < 1 || s[2] < 2 || s[3] < 2 || s[2]%2 != 0 || s[3]%2 != 0 {
		return upGeom{}, fmt.Errorf("%s: output gradient %v must have positive sizes and even height and width", op, s)
	}
	return upGeom{b: s[0], ci: ci, co: s[1], h: s[2] / 2, w: s[3] / 2}, nil
}

// upForward computes, per image, Y'[(co,a,c), (i,j)] = Wᵀ × X (Wᵀ read in
// place: w [Ci, Co·4] seen with unit row stride) and interleaves Y' into the
// 2×-upsampled output, one output row from two rows of Y' (c = 0, 1).
func upForward(g upGeom, y, x, w []float32) {
	m, pix := g.co*4, g.h*g.w
	wt := matrix{data: w, rs: 1, cs: m}
	forEachImage(g.b, func(b, threads int) {
		tmp := getBuf(m * pix)
		defer putBuf(tmp)
		gemmPacked(m, pix, g.ci, 1, cachedA{wt, w, useUpForward}, denseB{data: x[b*g.ci*pix:], ld: pix}, 0, tmp, pix, threads)
		out := y[b*g.co*4*pix : (b+1)*g.co*4*pix]
		w2 := 2 * g.w
		for k := 0; k < m; k += 2 {
			co, a := k/4, (k/2)%2
			even, odd := tmp[k*pix:(k+1)*pix], tmp[(k+1)*pix:(k+2)*pix]
			for i := 0; i < g.h; i++ {
				zipRows(out[(co*2*g.h+2*i+a)*w2:], even[i*g.w:(i+1)*g.w], odd[i*g.w:(i+1)*g.w])
			}
		}
	})
}

// zipRows interleaves: dst[2j] = even[j], dst[2j+1] = odd[j].
func zipRows(dst, even, odd []float32) {
	dst = dst[:2*len(even)]
	odd = odd[:len(even)]
	for j, v := range even {
		dst[2*j] = v
		dst[2*j+1] = odd[j]
	}
}

func upBackwardInput(g upGeom, dx, dy, w []float32) {
	k, pix := g.co*4, g.h*g.w
	forEachImage(g.b, func(b, threads int) {
		src := upGatherB{dy: dy[b*k*pix : (b+1)*k*pix], g: g}
		gemmPacked(g.ci, pix, k, 1, cachedA{denseA{data: w, ld: k}, w, useUpBackward}, src, 0, dx[b*g.ci*pix:(b+1)*g.ci*pix], pix, threads)
	})
}

func upBackwardWeight(g upGeom, dw, x, dy []float32) {
	pix := g.h * g.w
	a := batchRowsA{data: x, m: g.ci, p: pix}
	gemmPacked(g.ci, g.co*4, g.b*pix, 1, a, upGatherBatchT{dy: dy, g: g}, 0, dw, g.co*4, Threads())
}

// upGatherB reads one image's dy [Co,2H,2W] as the matrix with row
// k = (co, a, c) and column n = (i, j): dy[co, 2i+a, 2j+c]. Packing runs
// over precomputed column offsets, so its inner loop is a plain gather.
type upGatherB struct {
	dy []float32
	g  upGeom
}

func (s upGatherB) packB(dst []float32, k0, kc, j0, nc, nr int) {
	w2 := 2 * s.g.w
	off := make([]int, nr)
	for p := 0; p*nr < nc; p++ {
		panel := dst[p*nr*kc : (p+1)*nr*kc]
		cols := min(nr, nc-p*nr)
		for r := 0; r < cols; r++ {
			n := j0 + p*nr + r
			off[r] = 2*(n/s.g.w)*w2 + 2*(n%s.g.w)
		}
		for kk := 0; kk < kc; kk++ {
			k := k0 + kk
			base := ((k>>2)*2*s.g.h+(k>>1)&1)*w2 + k&1
			out := panel[kk*nr : kk*nr+nr]
			for r, o := range off[:cols] {
				out[r] = s.dy[base+o]
			}
			clear(out[cols:])
		}
	}
}

// upGatherBatchT reads the whole batch's dy [B,Co,2H,2W] as the matrix with
// row k = (b, i, j) and column n = (co, a, c).
type upGatherBatchT struct {
	dy []float32
	g  upGeom
}

func (s upGatherBatchT) packB(dst []float32, k0, kc, j0, nc, nr int) {
	g := s.g
	pix, w2 := g.h*g.w, 2*g.w
	img := g.co * 2 * g.h * w2
	off := make([]int, nr)
	for p := 0; p*nr < nc; p++ {
		panel := dst[p*nr*kc : (p+1)*nr*kc]
		cols := min(nr, nc-p*nr)
		for r := 0; r < cols; r++ {
			n := j0 + p*nr + r
			off[r] = ((n>>2)*2*g.h+(n>>1)&1)*w2 + n&1
		}
		b, q := k0/pix, k0%pix
		i, j := q/g.w, q%g.w
		for kk := 0; kk < kc; kk++ {
			base := b*img + 2*i*w2 + 2*j
			out := panel[kk*nr : kk*nr+nr]
			for r, o := range off[:cols] {
				out[r] = s.dy[base+o]
			}
			clear(out[cols:])
			if j++; j == g.w {
				j = 0
				if i++; i == g.h {
					i, b = 0, b+1
				}
			}
		}
	}
}
