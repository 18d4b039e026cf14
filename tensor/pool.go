package tensor

import "fmt"

// AvgPool2x2 averages non-overlapping 2×2 windows of an NCHW tensor
// [B, C, H, W] with even H and W, giving [B, C, H/2, W/2]. Each output is
// ((a+b)+(c+d))·0.25 in float32, so results do not depend on Threads().
func AvgPool2x2(x *Tensor) (*Tensor, error) {
	if x.Rank() != 4 || x.shape[2]%2 != 0 || x.shape[3]%2 != 0 {
		return nil, fmt.Errorf("tensor: avgpool2x2: input %v must be NCHW with even H and W", x.shape)
	}
	return blockSum2x2(x, 0.25)
}

// AvgPool2x2Backward maps the gradient dy [B, C, h, w] of AvgPool2x2's output
// to the gradient of its input [B, C, 2h, 2w]: each input pixel receives a
// quarter of its window's output gradient. It is also the adjoint of
// AvgPool2x2 (<Pool(x), dy> = <x, Backward(dy)>).
func AvgPool2x2Backward(dy *Tensor) (*Tensor, error) {
	if dy.Rank() != 4 {
		return nil, fmt.Errorf("tensor: avgpool2x2 backward: gradient %v must be NCHW", dy.shape)
	}
	return blockSpread2x2(dy, 0.25)
}
