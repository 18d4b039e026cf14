package tensor

import "fmt"

// UpsampleNearest2x repeats every pixel of an NCHW tensor [B, C, H, W] into a
// 2×2 block, giving [B, C, 2H, 2W] (PyTorch's F.interpolate(x,
// scale_factor=2, mode="nearest"), the tc-unet decoder's upsampling).
func UpsampleNearest2x(x *Tensor) (*Tensor, error) {
	if x.Rank() != 4 {
		return nil, fmt.Errorf("tensor: upsample nearest 2x: input %v must be NCHW", x.shape)
	}
	return blockSpread2x2(x, 1)
}

// UpsampleNearest2xBackward maps the gradient dy [B, C, 2h, 2w] of
// UpsampleNearest2x's output to the gradient of its input [B, C, h, w]: the
// sum of each 2×2 block, ((a+b)+(c+d)) in float32, so results do not depend
// on Threads(). It is the adjoint of UpsampleNearest2x.
func UpsampleNearest2xBackward(dy *Tensor) (*Tensor, error) {
	if dy.Rank() != 4 || dy.shape[2]%2 != 0 || dy.shape[3]%2 != 0 {
		return nil, fmt.Errorf("tensor: upsample nearest 2x backward: gradient %v must be NCHW with even H and W", dy.shape)
	}
	return blockSum2x2(dy, 1)
}
