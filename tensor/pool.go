package tensor

import (
	"fmt"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// AvgPool2x2 averages non-overlapping 2×2 windows of an NCHW tensor
// [B, C, H, W] with even H and W, giving [B, C, H/2, W/2]. Each output is
// ((a+b)+(c+d))·0.25 in float32, so results do not depend on Threads().
func AvgPool2x2(x *Tensor) (*Tensor, error) {
	if x.Rank() != 4 || x.shape[2]%2 != 0 || x.shape[3]%2 != 0 {
		return nil, fmt.Errorf("tensor: avgpool2x2: input %v must be NCHW with even H and W", x.shape)
	}
	x = x.Contiguous()
	b, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	oh, ow := h/2, w/2
	y := Empty(b, c, oh, ow)
	src, dst := x.Data(), y.data
	parallel.For(b*c, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			in, out := src[p*h*w:(p+1)*h*w], dst[p*oh*ow:(p+1)*oh*ow]
			for i := 0; i < oh; i++ {
				r0, r1 := in[2*i*w:(2*i+1)*w], in[(2*i+1)*w:(2*i+2)*w]
				o := out[i*ow : (i+1)*ow]
				for j := range o {
					o[j] = ((r0[2*j] + r0[2*j+1]) + (r1[2*j] + r1[2*j+1])) * 0.25
				}
			}
		}
	})
	return y, nil
}

// AvgPool2x2Backward maps the gradient dy [B, C, h, w] of AvgPool2x2's output
// to the gradient of its input [B, C, 2h, 2w]: each input pixel receives a
// quarter of its window's output gradient. It is also the adjoint of
// AvgPool2x2 (<Pool(x), dy> = <x, Backward(dy)>).
func AvgPool2x2Backward(dy *Tensor) (*Tensor, error) {
	if dy.Rank() != 4 {
		return nil, fmt.Errorf("tensor: avgpool2x2 backward: gradient %v must be NCHW", dy.shape)
	}
	dy = dy.Contiguous()
	b, c, h, w := dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3]
	ih, iw := 2*h, 2*w
	dx, err := emptyChecked(b, c, ih, iw)
	if err != nil {
		return nil, err
	}
	src, dst := dy.Data(), dx.data
	parallel.For(b*c, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			g, out := src[p*h*w:(p+1)*h*w], dst[p*ih*iw:(p+1)*ih*iw]
			for i := 0; i < h; i++ {
				r0, r1 := out[2*i*iw:(2*i+1)*iw], out[(2*i+1)*iw:(2*i+2)*iw]
				for j, v := range g[i*w : (i+1)*w] {
					q := v * 0.25
					r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1] = q, q, q, q
				}
			}
		}
	})
	return dx, nil
}
