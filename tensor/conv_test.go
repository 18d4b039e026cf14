package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/simd"
)

// convCase is one geometry: input [b,ci,h,w], weight [co,ci,kh,kw].
type convCase struct{ b, ci, h, w, co, kh, kw, s, p int }

func (c convCase) String() string {
	return fmt.Sprintf("x[%d,%d,%d,%d]w[%d,%d,%d,%d]s%dp%d", c.b, c.ci, c.h, c.w, c.co, c.ci, c.kh, c.kw, c.s, c.p)
}

var convCases = []convCase{
	{1, 1, 1, 1, 1, 1, 1, 1, 0},
	{1, 1, 5, 5, 1, 3, 3, 1, 1},
	{3, 2, 7, 5, 3, 3, 3, 1, 1},
	{1, 3, 9, 11, 5, 3, 3, 1, 0},
	{2, 4, 6, 7, 3, 3, 3, 1, 2},
	{3, 5, 8, 8, 4, 3, 3, 2, 1},
	{1, 3, 9, 10, 2, 5, 5, 1, 2},
	{2, 2, 11, 9, 3, 5, 5, 2, 0},
	{3, 6, 5, 6, 7, 1, 1, 1, 0},
	{1, 4, 7, 7, 3, 1, 1, 2, 1},
	{2, 3, 8, 6, 2, 3, 1, 1, 1},
	{1, 2, 4, 4, 3, 3, 3, 3, 2},
	{1, 17, 13, 13, 9, 3, 3, 1, 1},
	{3, 33, 10, 10, 19, 3, 3, 1, 1},
	{1, 70, 9, 9, 70, 3, 3, 1, 1},
	{2, 64, 10, 10, 64, 3, 3, 1, 1},
	{1, 1, 40, 40, 16, 3, 3, 1, 1},
	{2, 16, 12, 20, 1, 3, 3, 1, 1},
	{1, 23, 7, 19, 65, 3, 3, 1, 1},
	{1, 5, 3, 3, 2, 3, 3, 1, 0},
	{1, 3, 2, 2, 5, 3, 3, 1, 2},
	{2, 8, 17, 23, 16, 3, 3, 1, 1}, // whole 8-channel blocks, rows ≥ 16: masked direct stores
	{1, 16, 20, 18, 24, 3, 3, 1, 2},
	{3, 24, 16, 16, 8, 3, 3, 1, 0},
	{2, 32, 16, 16, 32, 3, 3, 2, 1}, // the tc-unet's down convolution
	{1, 8, 7, 9, 12, 3, 3, 2, 1},    // odd sides: the last row and column have no right neighbour
	{2, 48, 6, 5, 24, 1, 1, 1, 0},   // a tc-unet skip convolution
	{5, 22, 13, 17, 12, 1, 1, 1, 0}, // weight-gradient depth (over 1024) in blocks that start inside an image
	{5, 9, 30, 30, 5, 3, 3, 2, 1},   // the same, strided
	{1, 2, 1, 1, 3, 3, 3, 2, 1},     // stride 2 on one pixel: phase planes of a single value
	{3, 2, 5, 1, 4, 3, 3, 2, 1},     // stride 2, one column: no odd-column phase
}

func convRand(r *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(r.NormFloat64())
	}
	return out
}

func mustTensor(t *testing.T, data []float32, shape ...int) *Tensor {
	t.Helper()
	x, err := FromSlice(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// naiveConv64 is the float64 reference forward pass; abs=true returns the
// same sum over absolute values, the scale rounding errors are measured in.
func naiveConv64(c convCase, x, w []float32, abs bool) []float64 {
	ho, wo := (c.h+2*c.p-c.kh)/c.s+1, (c.w+2*c.p-c.kw)/c.s+1
	y := make([]float64, c.b*c.co*ho*wo)
	for b := 0; b < c.b; b++ {
		for o := 0; o < c.co; o++ {
			for oy := 0; oy < ho; oy++ {
				for ox := 0; ox < wo; ox++ {
					var s float64
					for i := 0; i < c.ci; i++ {
						for ky := 0; ky < c.kh; ky++ {
							for kx := 0; kx < c.kw; kx++ {
								iy, ix := oy*c.s-c.p+ky, ox*c.s-c.p+kx
								if iy < 0 || iy >= c.h || ix < 0 || ix >= c.w {
									continue
								}
								v := float64(x[((b*c.ci+i)*c.h+iy)*c.w+ix]) * float64(w[((o*c.ci+i)*c.kh+ky)*c.kw+kx])
								if abs {
									v = math.Abs(v)
								}
								s += v
							}
						}
					}
					y[((b*c.co+o)*ho+oy)*wo+ox] = s
				}
			}
		}
	}
	return y
}

// naiveConvGrads64 returns dx and dw by scattering every output gradient
// (the textbook loops, independent of the gather formulation used by the
// engine), together with their absolute-value scales.
func naiveConvGrads64(c convCase, x, w, dy []float32) (dx, dw, dxAbs, dwAbs []float64) {
	ho, wo := (c.h+2*c.p-c.kh)/c.s+1, (c.w+2*c.p-c.kw)/c.s+1
	dx, dxAbs = make([]float64, len(x)), make([]float64, len(x))
	dw, dwAbs = make([]float64, len(w)), make([]float64, len(w))
	for b := 0; b < c.b; b++ {
		for o := 0; o < c.co; o++ {
			for oy := 0; oy < ho; oy++ {
				for ox := 0; ox < wo; ox++ {
					g := float64(dy[((b*c.co+o)*ho+oy)*wo+ox])
					for i := 0; i < c.ci; i++ {
						for ky := 0; ky < c.kh; ky++ {
							for kx := 0; kx < c.kw; kx++ {
								iy, ix := oy*c.s-c.p+ky, ox*c.s-c.p+kx
								if iy < 0 || iy >= c.h || ix < 0 || ix >= c.w {
									continue
								}
								xi := ((b*c.ci+i)*c.h+iy)*c.w + ix
								wi := ((o*c.ci+i)*c.kh+ky)*c.kw + kx
								dx[xi] += g * float64(w[wi])
								dxAbs[xi] += math.Abs(g * float64(w[wi]))
								dw[wi] += g * float64(x[xi])
								dwAbs[wi] += math.Abs(g * float64(x[xi]))
							}
						}
					}
				}
			}
		}
	}
	return
}

// closeTo checks got against want element by element, allowing float32
// rounding relative to the absolute-value scale of each sum.
func closeTo(t *testing.T, what string, got []float32, want, scale []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > 3e-6*scale[i]+1e-6 || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: element %d = %g, want %g (scale %g)", what, i, got[i], want[i], scale[i])
		}
	}
}

// convEachLevel runs f under every SIMD kernel set this machine offers.
func convEachLevel(t *testing.T, f func(t *testing.T)) {
	prev := simd.Current()
	defer func() {
		if err := simd.Use(string(prev)); err != nil {
			t.Fatal(err)
		}
	}()
	for _, l := range simd.Available() {
		if err := simd.Use(string(l)); err != nil {
			t.Fatal(err)
		}
		t.Run(string(l), f)
	}
}

func TestConv2dAgainstNaive(t *testing.T) {
	convEachLevel(t, func(t *testing.T) {
		for n, c := range convCases {
			r := rand.New(rand.NewPCG(uint64(n), 1))
			xd, wd := convRand(r, c.b*c.ci*c.h*c.w), convRand(r, c.co*c.ci*c.kh*c.kw)
			x, w := mustTensor(t, xd, c.b, c.ci, c.h, c.w), mustTensor(t, wd, c.co, c.ci, c.kh, c.kw)
			y, err := Conv2d(x, w, c.s, c.p)
			if err != nil {
				t.Fatalf("%v: %v", c, err)
			}
			closeTo(t, c.String()+" forward", y.Data(), naiveConv64(c, xd, wd, false), naiveConv64(c, xd, wd, true))

			dyd := convRand(r, y.Numel())
			dy := mustTensor(t, dyd, y.Shape()...)
			dx, err := Conv2dBackwardInput(dy, w, c.h, c.w, c.s, c.p)
			if err != nil {
				t.Fatalf("%v: %v", c, err)
			}
			dw, err := Conv2dBackwardWeight(x, dy, c.kh, c.kw, c.s, c.p)
			if err != nil {
				t.Fatalf("%v: %v", c, err)
			}
			wantDx, wantDw, dxAbs, dwAbs := naiveConvGrads64(c, xd, wd, dyd)
			closeTo(t, c.String()+" input gradient", dx.Data(), wantDx, dxAbs)
			closeTo(t, c.String()+" weight gradient", dw.Data(), wantDw, dwAbs)
		}
	})
}

func dot64(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// TestConv2dAdjoint checks <conv(x,w), dy> = <x, Bx(dy)> = <w, Bw(x, dy)>,
// which holds exactly in real arithmetic whatever the formulation.
func TestConv2dAdjoint(t *testing.T) {
	for n, c := range convCases {
		r := rand.New(rand.NewPCG(uint64(n), 2))
		xd, wd := convRand(r, c.b*c.ci*c.h*c.w), convRand(r, c.co*c.ci*c.kh*c.kw)
		x, w := mustTensor(t, xd, c.b, c.ci, c.h, c.w), mustTensor(t, wd, c.co, c.ci, c.kh, c.kw)
		y, err := Conv2d(x, w, c.s, c.p)
		if err != nil {
			t.Fatal(err)
		}
		dy := mustTensor(t, convRand(r, y.Numel()), y.Shape()...)
		dx, err := Conv2dBackwardInput(dy, w, c.h, c.w, c.s, c.p)
		if err != nil {
			t.Fatal(err)
		}
		dw, err := Conv2dBackwardWeight(x, dy, c.kh, c.kw, c.s, c.p)
		if err != nil {
			t.Fatal(err)
		}
		lhs := dot64(y.Data(), dy.Data())
		scale := math.Sqrt(float64(y.Numel())) * math.Sqrt(float64(c.ci*c.kh*c.kw)) * 1e-5
		if d := math.Abs(lhs - dot64(xd, dx.Data())); d > scale {
			t.Errorf("%v: <conv(x), dy> = %g, <x, dconv/dx(dy)> = %g", c, lhs, dot64(xd, dx.Data()))
		}
		if d := math.Abs(lhs - dot64(wd, dw.Data())); d > scale {
			t.Errorf("%v: <conv(x), dy> = %g, <w, dconv/dw(dy)> = %g", c, lhs, dot64(wd, dw.Data()))
		}
	}
}

// TestConv2dDeterministic requires bit-identical results for 1 and 2 threads
// and across repeated runs, batch 1 (parallel inside an image) and batch 3.
func TestConv2dDeterministic(t *testing.T) {
	defer SetThreads(Threads())
	for _, c := range []convCase{{1, 19, 23, 21, 33, 3, 3, 1, 1}, {3, 16, 12, 12, 24, 3, 3, 1, 1}, {3, 5, 9, 9, 6, 5, 5, 2, 1}, {1, 16, 9, 9, 8, 3, 3, 2, 1}, {3, 8, 10, 10, 16, 3, 3, 2, 1}} {
		r := rand.New(rand.NewPCG(7, 7))
		x := mustTensor(t, convRand(r, c.b*c.ci*c.h*c.w), c.b, c.ci, c.h, c.w)
		w := mustTensor(t, convRand(r, c.co*c.ci*c.kh*c.kw), c.co, c.ci, c.kh, c.kw)
		var ref [][]float32
		for run, th := range []int{1, 2, 2, 1, 3} {
			SetThreads(th)
			y, err := Conv2d(x, w, c.s, c.p)
			if err != nil {
				t.Fatal(err)
			}
			dx, err := Conv2dBackwardInput(y, w, c.h, c.w, c.s, c.p)
			if err != nil {
				t.Fatal(err)
			}
			dw, err := Conv2dBackwardWeight(x, y, c.kh, c.kw, c.s, c.p)
			if err != nil {
				t.Fatal(err)
			}
			got := [][]float32{y.Data(), dx.Data(), dw.Data()}
			if run == 0 {
				ref = got
				continue
			}
			for k := range got {
				for i := range got[k] {
					if math.Float32bits(got[k][i]) != math.Float32bits(ref[k][i]) {
						t.Fatalf("%v: output %d element %d differs with %d threads: %g vs %g", c, k, i, th, got[k][i], ref[k][i])
					}
				}
			}
		}
	}
}

func TestConv2dInto(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	x := mustTensor(t, convRand(r, 2*3*6*6), 2, 3, 6, 6)
	w := mustTensor(t, convRand(r, 4*3*9), 4, 3, 3, 3)
	want, err := Conv2d(x, w, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	y := New(2, 4, 6, 6)
	for i := range y.data {
		y.data[i] = float32(math.NaN()) // old contents must be ignored
	}
	if err := Conv2dInto(y, x, w, 1, 1); err != nil {
		t.Fatal(err)
	}
	for i, v := range y.Data() {
		if v != want.data[i] {
			t.Fatalf("element %d: %g, want %g", i, v, want.data[i])
		}
	}
	if err := Conv2dInto(New(2, 4, 5, 6), x, w, 1, 1); err == nil || !strings.Contains(err.Error(), "[2 4 5 6]") {
		t.Errorf("wrong output shape: err = %v", err)
	}
}

// TestConv2dStridedInput feeds a non-contiguous view (channels and rows
// permuted through strides) and compares with the same values made dense.
func TestConv2dStridedInput(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	b, ci, h, w := 2, 3, 5, 6
	buf := convRand(r, b*ci*h*w+1)
	// view of a [B,H,Ci,W] buffer as [B,Ci,H,W], offset by one element
	view := &Tensor{shape: []int{b, ci, h, w}, strides: []int{ci * h * w, w, ci * w, 1}, offset: 1, data: buf}
	dense := make([]float32, 0, b*ci*h*w)
	for i0 := 0; i0 < b; i0++ {
		for i1 := 0; i1 < ci; i1++ {
			for i2 := 0; i2 < h; i2++ {
				for i3 := 0; i3 < w; i3++ {
					dense = append(dense, buf[1+i0*ci*h*w+i2*ci*w+i1*w+i3])
				}
			}
		}
	}
	wt := mustTensor(t, convRand(r, 2*ci*9), 2, ci, 3, 3)
	got, err := Conv2d(view, wt, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Conv2d(mustTensor(t, dense, b, ci, h, w), wt, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got.data {
		if got.data[i] != want.data[i] {
			t.Fatalf("element %d: %g, want %g", i, got.data[i], want.data[i])
		}
	}
}

func TestConv2dErrors(t *testing.T) {
	x := New(8, 3, 40, 40)
	w := New(4, 1, 3, 3)
	cases := []struct {
		name string
		err  func() error
		want string
	}{
		{"channels", func() error { _, err := Conv2d(x, w, 1, 1); return err }, "conv2d: input [8 3 40 40] has 3 channels, weight expects 1"},
		{"rank", func() error { _, err := Conv2d(New(3, 40, 40), w, 1, 1); return err }, "[3 40 40] must be 4-D"},
		{"nil", func() error { _, err := Conv2d(nil, w, 1, 1); return err }, "input is nil"},
		{"stride", func() error { _, err := Conv2d(New(1, 1, 5, 5), w, 0, 1); return err }, "stride 0"},
		{"pad", func() error { _, err := Conv2d(New(1, 1, 5, 5), w, 1, -1); return err }, "padding -1"},
		{"too small", func() error { _, err := Conv2d(New(1, 1, 2, 2), w, 1, 0); return err }, "smaller than the 3x3 kernel"},
		{"zero batch", func() error { _, err := Conv2d(New(0, 1, 5, 5), w, 1, 1); return err }, "[0 1 5 5] must have positive sizes"},
		{"zero kernel", func() error { _, err := Conv2d(New(1, 1, 5, 5), New(2, 1, 0, 3), 1, 1); return err }, "weight [2 1 0 3]"},
		{"dy shape", func() error { _, err := Conv2dBackwardInput(New(1, 4, 5, 5), w, 6, 6, 1, 1); return err }, "output gradient [1 4 5 5] must have shape [1 4 6 6]"},
		{"dy batch", func() error { _, err := Conv2dBackwardWeight(New(2, 1, 6, 6), New(1, 4, 6, 6), 3, 3, 1, 1); return err }, "different batch sizes"},
		{"dw size", func() error {
			_, err := Conv2dBackwardWeight(New(1, 1, 6, 6), New(1, 4, 6, 6), -3, 3, 1, 1)
			return err
		}, "weight [4 1 -3 3]"},
		{"up channels", func() error { _, err := ConvTranspose2x2(New(1, 3, 4, 4), New(2, 5, 2, 2)); return err }, "input [1 3 4 4] has 3 channels"},
		{"up kernel", func() error { _, err := ConvTranspose2x2(New(1, 2, 4, 4), New(2, 5, 3, 3)); return err }, "weight [2 5 3 3] must be [Ci Co 2 2]"},
		{"up odd dy", func() error { _, err := ConvTranspose2x2BackwardInput(New(1, 5, 7, 8), New(2, 5, 2, 2)); return err }, "even height and width"},
		{"up dy match", func() error { _, err := ConvTranspose2x2BackwardWeight(New(1, 2, 4, 4), New(1, 5, 6, 8)); return err }, "does not match input [1 2 4 4]"},
	}
	for _, c := range cases {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

// TestConv3x3LoopOrders forces each loop order and kernel of the direct 3×3
// path and requires bit-identical results: every order sums each output in
// the same sequence.
func TestConv3x3LoopOrders(t *testing.T) {
	defer SetThreads(Threads())
	defer func(w, i int) { weightsOuterFloats, imagesOuterFloats = w, i }(weightsOuterFloats, imagesOuterFloats)
	for _, c := range []convCase{{5, 13, 9, 11, 21, 3, 3, 1, 1}, {5, 8, 7, 19, 16, 3, 3, 1, 1}} {
		loopOrders(t, c)
	}
}

func loopOrders(t *testing.T, c convCase) {
	r := rand.New(rand.NewPCG(11, 11))
	xd, wd := convRand(r, c.b*c.ci*c.h*c.w), convRand(r, c.co*c.ci*9)
	x, w := mustTensor(t, xd, c.b, c.ci, c.h, c.w), mustTensor(t, wd, c.co, c.ci, 3, 3)
	want := naiveConv64(c, xd, wd, false)
	scale := naiveConv64(c, xd, wd, true)
	var ref []float32
	for _, th := range []int{1, 2, 8} {
		for _, outer := range []bool{false, true} {
			SetThreads(th)
			weightsOuterFloats, imagesOuterFloats = 1<<30, 1<<30
			if outer {
				weightsOuterFloats, imagesOuterFloats = 0, 1 // one image per group
			}
			y, err := Conv2d(x, w, 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			closeTo(t, fmt.Sprintf("threads %d, weights outer %v", th, outer), y.Data(), want, scale)
			if ref == nil {
				ref = y.Data()
				continue
			}
			for i, v := range y.Data() {
				if math.Float32bits(v) != math.Float32bits(ref[i]) {
					t.Fatalf("threads %d, weights outer %v: element %d = %g, first run %g", th, outer, i, v, ref[i])
				}
			}
		}
	}
}

// TestConv3x3WeightCache changes weights in place between calls: small
// convolutions cache packed weights, and must notice the new values.
func TestConv3x3WeightCache(t *testing.T) {
	c := convCase{1, 8, 6, 7, 16, 3, 3, 1, 1}
	r := rand.New(rand.NewPCG(12, 12))
	xd, wd := convRand(r, c.b*c.ci*c.h*c.w), convRand(r, c.co*c.ci*9)
	x, w := mustTensor(t, xd, c.b, c.ci, c.h, c.w), mustTensor(t, wd, c.co, c.ci, 3, 3)
	dyd := convRand(r, c.b*c.co*c.h*c.w)
	dy := mustTensor(t, dyd, c.b, c.co, c.h, c.w)
	for step := 0; step < 4; step++ {
		y, err := Conv2d(x, w, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		closeTo(t, fmt.Sprintf("step %d forward", step), y.Data(), naiveConv64(c, xd, wd, false), naiveConv64(c, xd, wd, true))
		dx, err := Conv2dBackwardInput(dy, w, c.h, c.w, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		wantDx, _, dxAbs, _ := naiveConvGrads64(c, xd, wd, dyd)
		closeTo(t, fmt.Sprintf("step %d input gradient", step), dx.Data(), wantDx, dxAbs)
		wd[step*37%len(wd)] += 1 // in place, as an optimizer step does
		wd[len(wd)-1-step] *= -2
	}
}
