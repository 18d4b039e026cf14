package tensor

import (
	"fmt"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// UpsampleNearest2x repeats every pixel of an NCHW tensor [B, C, H, W] into a
// 2×2 block, giving [B, C, 2H, 2W] (PyTorch's F.interpolate(x,
// scale_factor=2, mode="nearest"), the tc-unet decoder's upsampling).
func UpsampleNearest2x(x *Tensor) (*Tensor, error) {
	if x.Rank() != 4 {
		return nil, fmt.Errorf("tensor: upsample nearest 2x: input %v must be NCHW", x.shape)
	}
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
			for i := 0; i < h; i++ {
				r0, r1 := out[2*i*ow:(2*i+1)*ow], out[(2*i+1)*ow:(2*i+2)*ow]
				for j, v := range in[i*w : (i+1)*w] {
					r0[2*j], r0[2*j+1] = v, v
				}
				copy(r1, r0)
			}
		}
	})
	return y, nil
}

// UpsampleNearest2xBackward maps the gradient dy [B, C, 2h, 2w] of
// UpsampleNearest2x's output to the gradient of its input [B, C, h, w]: the
// sum of each 2×2 block, ((a+b)+(c+d)) in float32, so results do not depend
// on Threads(). It is the adjoint of UpsampleNearest2x.
func UpsampleNearest2xBackward(dy *Tensor) (*Tensor, error) {
	if dy.Rank() != 4 || dy.shape[2]%2 != 0 || dy.shape[3]%2 != 0 {
		return nil, fmt.Errorf("tensor: upsample nearest 2x backward: gradient %v must be NCHW with even H and W", dy.shape)
	}
	dy = dy.Contiguous()
	b, c, h, w := dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3]
	oh, ow := h/2, w/2
	dx, err := emptyChecked(b, c, oh, ow)
	if err != nil {
		return nil, err
	}
	src, dst := dy.Data(), dx.data
	parallel.For(b*c, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			in, out := src[p*h*w:(p+1)*h*w], dst[p*oh*ow:(p+1)*oh*ow]
			for i := 0; i < oh; i++ {
				r0, r1 := in[2*i*w:(2*i+1)*w], in[(2*i+1)*w:(2*i+2)*w]
				o := out[i*ow : (i+1)*ow]
				for j := range o {
					o[j] = (r0[2*j] + r0[2*j+1]) + (r1[2*j] + r1[2*j+1])
				}
			}
		}
	})
	return dx, nil
}
