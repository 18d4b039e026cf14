package tensor

import (
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// The 2×2 block loops shared by AvgPool2x2 and UpsampleNearest2x: each pair
// is the other's adjoint up to a scale (pool = block sum · 1/4, its backward
// spreads g/4; upsample spreads x, its backward is the block sum). A scale of
// 1 is exact in float32, so one loop serves both with unchanged bits (the
// upsampling's scale of 1 runs as vector copies, the same values).

// blockSum2x2 returns [B, C, H/2, W/2] from the NCHW x (even H and W, checked
// by the caller): each output is ((a+b)+(c+d))·scale over its 2×2 window, in
// that order so results do not depend on Threads().
func blockSum2x2(x *Tensor, scale float32) (*Tensor, error) {
	x = x.Contiguous()
	b, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	oh, ow := h/2, w/2
	y, err := emptyChecked(b, c, oh, ow)
	if err != nil {
		return nil, err
	}
	src, dst := x.Data(), y.data
	parallel.For(b*c, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			in, out := src[p*h*w:(p+1)*h*w], dst[p*oh*ow:(p+1)*oh*ow]
			for i := 0; i < oh; i++ {
				r0, r1 := in[2*i*w:(2*i+1)*w], in[(2*i+1)*w:(2*i+2)*w]
				o := out[i*ow : (i+1)*ow]
				for j := range o {
					o[j] = ((r0[2*j] + r0[2*j+1]) + (r1[2*j] + r1[2*j+1])) * scale
				}
			}
		}
	})
	return y, nil
}

// blockSpread2x2 returns [B, C, 2H, 2W] from the NCHW x: each value times
// scale fills its 2×2 block.
func blockSpread2x2(x *Tensor, scale float32) (*Tensor, error) {
	x = x.Contiguous()
	b, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	oh, ow := 2*h, 2*w
	y, err := emptyChecked(b, c, oh, ow)
	if err != nil {
		return nil, err
	}
	src, dst := x.Data(), y.data
	parallel.For(b*c, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			in, out := src[p*h*w:(p+1)*h*w], dst[p*oh*ow:(p+1)*oh*ow]
			if scale == 1 && h > 0 && w > 0 { // nearest upsampling: copies, vectorized
				simd.InterleaveRows(out, in, in, h, ow, 2*ow, w, w)
				simd.CopyRows(out[ow:], out, h, ow, 2*ow, 2*ow)
				continue
			}
			for i := 0; i < h; i++ {
				r0, r1 := out[2*i*ow:(2*i+1)*ow], out[(2*i+1)*ow:(2*i+2)*ow]
				for j, v := range in[i*w : (i+1)*w] {
					q := v * scale
					r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1] = q, q, q, q
				}
			}
		}
	})
	return y, nil
}
