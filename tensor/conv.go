package tensor

import (
	"fmt"
	"slices"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// 2-D convolution (cross-correlation, as in PyTorch) over NCHW float32
// tensors, without bias (Conv2dBias adds one). Weights are [Co, Ci, kh, kw].
// Every entry point validates shapes and reports problems as errors naming
// the shapes.
//
// Three implementations sit behind the API: Winograd F(2×2,3×3) and
// F(4×4,3×3) for 3×3, stride 1, pad 1 layers with many channels
// (conv3x3_winograd.go, the U-Net's inner layers; odd sides through a
// zero-extended grid, conv3x3_winograd_extended.go), a direct kernel for the
// other 3×3, stride 1, pad 0..2 convolutions and for every 3×3 weight
// gradient (conv3x3.go), and an implicit-GEMM path for every other geometry
// (conv_generic.go) that feeds the packed GEMM with sources reading the
// images in place; its stride-2 3×3 pad-1 case reads them through even/odd
// phase planes instead (conv3x3_stride2.go).

// convGeom is the validated geometry of one convolution.
type convGeom struct {
	b, ci, h, w int // input
	co, kh, kw  int // weight
	stride, pad int
	ho, wo      int // output
}

// convOutSize is the output length along one axis, or an error if the
// window does not fit.
func convOutSize(in, k, stride, pad int) int {
	return (in+2*pad-k)/stride + 1
}

func newConvGeom(op string, b, ci, h, w, co, kh, kw, stride, pad int) (convGeom, error) {
	g := convGeom{b: b, ci: ci, h: h, w: w, co: co, kh: kh, kw: kw, stride: stride, pad: pad}
	if stride < 1 {
		return g, fmt.Errorf("%s: stride %d must be at least 1", op, stride)
	}
	if pad < 0 {
		return g, fmt.Errorf("%s: padding %d must not be negative", op, pad)
	}
	if b < 1 || ci < 1 || h < 1 || w < 1 {
		return g, fmt.Errorf("%s: input [%d %d %d %d] must have positive sizes", op, b, ci, h, w)
	}
	if co < 1 || kh < 1 || kw < 1 {
		return g, fmt.Errorf("%s: weight [%d %d %d %d] must have positive sizes", op, co, ci, kh, kw)
	}
	if h+2*pad < kh || w+2*pad < kw {
		return g, fmt.Errorf("%s: input %dx%d with padding %d is smaller than the %dx%d kernel", op, h, w, pad, kh, kw)
	}
	g.ho, g.wo = convOutSize(h, kh, stride, pad), convOutSize(w, kw, stride, pad)
	return g, nil
}

// fast3x3 reports whether the direct 3×3 kernel handles this geometry.
func (g convGeom) fast3x3() bool {
	return g.kh == 3 && g.kw == 3 && g.stride == 1 && g.pad <= 2
}

func (g convGeom) flops() float64 {
	return 2 * float64(g.b) * float64(g.co) * float64(g.ci) * float64(g.kh*g.kw) * float64(g.ho*g.wo)
}

func rank4(op, what string, t *Tensor) error {
	if t == nil {
		return fmt.Errorf("%s: %s is nil", op, what)
	}
	if t.Rank() != 4 {
		return fmt.Errorf("%s: %s %v must be 4-D", op, what, t.shape)
	}
	return nil
}

// denseData returns t's elements in row-major order, sharing the buffer when
// t is already contiguous and copying otherwise.
func denseData(t *Tensor) []float32 {
	if t.IsContiguous() {
		return t.data[t.offset : t.offset+t.Numel()]
	}
	out := make([]float32, t.Numel())
	idx := make([]int, t.Rank())
	for i := range out {
		off := t.offset
		for d, v := range idx {
			off += v * t.strides[d]
		}
		out[i] = t.data[off]
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < t.shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

// forwardGeom validates x [B,Ci,H,W] against w [Co,Ci,kh,kw].
func forwardGeom(op string, x, w *Tensor, stride, pad int) (convGeom, error) {
	if err := rank4(op, "input", x); err != nil {
		return convGeom{}, err
	}
	if err := rank4(op, "weight", w); err != nil {
		return convGeom{}, err
	}
	if x.shape[1] != w.shape[1] {
		return convGeom{}, fmt.Errorf("%s: input %v has %d channels, weight expects %d", op, x.shape, x.shape[1], w.shape[1])
	}
	return newConvGeom(op, x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[2], w.shape[3], stride, pad)
}

// Conv2d returns the convolution of x [B,Ci,H,W] with w [Co,Ci,kh,kw]:
// y [B,Co,Ho,Wo], Ho = (H+2·pad−kh)/stride+1, zero padding, no bias.
func Conv2d(x, w *Tensor, stride, pad int) (*Tensor, error) {
	g, err := forwardGeom("conv2d", x, w, stride, pad)
	if err != nil {
		return nil, err
	}
	y := Empty(g.b, g.co, g.ho, g.wo)
	conv2dForward(g, y.data, denseData(x), denseData(w), nil)
	return y, nil
}

// Conv2dBias is Conv2d with bias[o] added to output channel o: the same bits
// as Conv2d followed by that addition, but the Winograd path adds it to each
// block of output rows as it writes them, where a separate pass would read
// the whole output again. bias must have shape [Co].
func Conv2dBias(x, w, bias *Tensor, stride, pad int) (*Tensor, error) {
	g, err := forwardGeom("conv2d", x, w, stride, pad)
	if err != nil {
		return nil, err
	}
	if bias == nil || bias.Rank() != 1 || bias.shape[0] != g.co {
		var shape []int
		if bias != nil {
			shape = bias.shape
		}
		return nil, fmt.Errorf("conv2d: weight %v has %d output channels, bias has shape %v", w.shape, g.co, shape)
	}
	y := Empty(g.b, g.co, g.ho, g.wo)
	conv2dForward(g, y.data, denseData(x), denseData(w), denseData(bias))
	return y, nil
}

// Conv2dInto is Conv2d writing into an existing contiguous y of the right
// shape (its old contents are ignored), so training loops reuse buffers.
// y must not share memory with x or w.
func Conv2dInto(y, x, w *Tensor, stride, pad int) error {
	g, err := forwardGeom("conv2d", x, w, stride, pad)
	if err != nil {
		return err
	}
	if err := rank4("conv2d", "output", y); err != nil {
		return err
	}
	want := []int{g.b, g.co, g.ho, g.wo}
	if !slices.Equal(y.shape, want) {
		return fmt.Errorf("conv2d: output %v must have shape %v for input %v and weight %v", y.shape, want, x.shape, w.shape)
	}
	if !y.IsContiguous() {
		return fmt.Errorf("conv2d: output %v must be contiguous", y.shape)
	}
	conv2dForward(g, y.Data(), denseData(x), denseData(w), nil)
	return nil
}

// Conv2dBackwardInput returns dL/dx [B,Ci,inH,inW] for dy [B,Co,Ho,Wo] and
// w [Co,Ci,kh,kw]; inH, inW are needed because strided convolutions map
// several input sizes to the same output size.
func Conv2dBackwardInput(dy, w *Tensor, inH, inW, stride, pad int) (*Tensor, error) {
	const op = "conv2d backward input"
	if err := rank4(op, "output gradient", dy); err != nil {
		return nil, err
	}
	if err := rank4(op, "weight", w); err != nil {
		return nil, err
	}
	g, err := newConvGeom(op, dy.shape[0], w.shape[1], inH, inW, w.shape[0], w.shape[2], w.shape[3], stride, pad)
	if err != nil {
		return nil, err
	}
	if err := g.checkOutput(op, dy); err != nil {
		return nil, err
	}
	dx := Empty(g.b, g.ci, g.h, g.w)
	conv2dBackwardInput(g, dx.data, denseData(dy), denseData(w))
	return dx, nil
}

// Conv2dBackwardWeight returns dL/dw [Co,Ci,kh,kw] for input x [B,Ci,H,W]
// and output gradient dy [B,Co,Ho,Wo], summed over the batch.
func Conv2dBackwardWeight(x, dy *Tensor, kh, kw, stride, pad int) (*Tensor, error) {
	const op = "conv2d backward weight"
	if err := rank4(op, "input", x); err != nil {
		return nil, err
	}
	if err := rank4(op, "output gradient", dy); err != nil {
		return nil, err
	}
	if dy.shape[0] != x.shape[0] {
		return nil, fmt.Errorf("%s: output gradient %v and input %v have different batch sizes", op, dy.shape, x.shape)
	}
	g, err := newConvGeom(op, x.shape[0], x.shape[1], x.shape[2], x.shape[3], dy.shape[1], kh, kw, stride, pad)
	if err != nil {
		return nil, err
	}
	if err := g.checkOutput(op, dy); err != nil {
		return nil, err
	}
	dw := New(g.co, g.ci, g.kh, g.kw)
	conv2dBackwardWeight(g, dw.data, denseData(x), denseData(dy))
	return dw, nil
}

// checkOutput verifies that dy has the output shape of geometry g.
func (g convGeom) checkOutput(op string, dy *Tensor) error {
	want := []int{g.b, g.co, g.ho, g.wo}
	if !slices.Equal(dy.shape, want) {
		return fmt.Errorf("%s: output gradient %v must have shape %v for input [%d %d %d %d], kernel %dx%d, stride %d, padding %d",
			op, dy.shape, want, g.b, g.ci, g.h, g.w, g.kh, g.kw, g.stride, g.pad)
	}
	return nil
}

// conv2dForward convolves and adds bias (nil or [co]) to the output
// channels.
func conv2dForward(g convGeom, y, x, w, bias []float32) {
	if g.fast3x3() {
		conv3x3Forward(g, y, x, w, bias)
		return
	}
	convGenericForward(g, y, x, w)
	addBiasPlanes(y, bias, g.b, g.co, g.ho*g.wo)
}

// addBiasPlanes adds bias[c] to every plane of channel c of y [b,c,hw] (a
// no-op for a nil bias).
func addBiasPlanes(y, bias []float32, b, c, hw int) {
	if bias == nil {
		return
	}
	parallel.For(b*c, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			seg := y[p*hw : (p+1)*hw]
			simd.AddConst(seg, bias[p%c], seg)
		}
	})
}

func conv2dBackwardInput(g convGeom, dx, dy, w []float32) {
	if g.fast3x3() {
		conv3x3BackwardInput(g, dx, dy, w)
		return
	}
	convGenericBackwardInput(g, dx, dy, w)
}

func conv2dBackwardWeight(g convGeom, dw, x, dy []float32) {
	if g.fast3x3() {
		conv3x3BackwardWeight(g, dw, x, dy)
		return
	}
	convGenericBackwardWeight(g, dw, x, dy)
}
