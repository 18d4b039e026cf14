package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/harmonic-go/harmonic/simd"
)

// winogradCases are geometries the Winograd path handles (3×3, stride 1,
// pad 1, even sizes): partial micro-panels of channels and tiles, tile rows
// that straddle panels, several images per panel.
var winogradCases = []convCase{
	{1, 16, 10, 10, 16, 3, 3, 1, 1},
	{3, 17, 6, 8, 9, 3, 3, 1, 1},
	{2, 64, 10, 10, 64, 3, 3, 1, 1},
	{1, 24, 40, 40, 20, 3, 3, 1, 1},
	{4, 5, 2, 2, 3, 3, 3, 1, 1},
	{1, 33, 14, 22, 70, 3, 3, 1, 1},
	{2, 20, 12, 20, 18, 3, 3, 1, 1}, // tiles of 4 fit
	{1, 64, 20, 20, 128, 3, 3, 1, 1},
	{3, 9, 4, 8, 5, 3, 3, 1, 1},
}

// withWinograd runs f with a Winograd mode (a variant forced, or off).
func withWinograd(mode int, f func()) {
	prev := winogradMode
	winogradMode = mode
	defer func() { winogradMode = prev }()
	f()
}

// TestWinogradAgainstNaive checks the forward pass and the input gradient of
// both Winograd variants against float64 loops, at every kernel level, with
// whole-problem chunks and with chunks of one micro-panel.
func TestWinogradAgainstNaive(t *testing.T) {
	defer func(v int) { winogradChunkFloats = v }(winogradChunkFloats)
	convEachLevel(t, func(t *testing.T) {
		for _, mode := range []int{winogradForce23, winogradForce43} {
			for _, chunk := range []int{512 << 10, 1} {
				winogradChunkFloats = chunk
				for n, c := range winogradCases {
					r := rand.New(rand.NewPCG(uint64(n), 5))
					xd, wd := convRand(r, c.b*c.ci*c.h*c.w), convRand(r, c.co*c.ci*9)
					dyd := convRand(r, c.b*c.co*c.h*c.w)
					x, w := mustTensor(t, xd, c.b, c.ci, c.h, c.w), mustTensor(t, wd, c.co, c.ci, 3, 3)
					dy := mustTensor(t, dyd, c.b, c.co, c.h, c.w)
					var y, dx *Tensor
					var err1, err2 error
					var alg *winoAlgo
					withWinograd(mode, func() {
						alg = pickWinograd(newGrid3x3(c.ci, c.co, c.h, c.w, 1))
						y, err1 = Conv2d(x, w, 1, 1)
						dx, err2 = Conv2dBackwardInput(dy, w, c.h, c.w, 1, 1)
					})
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					name := fmt.Sprintf("%v %s chunk %d", c, alg.name, chunk)
					closeTo(t, name+" forward", y.Data(), naiveConv64(c, xd, wd, false), naiveConv64(c, xd, wd, true))
					wantDx, _, dxAbs, _ := naiveConvGrads64(c, xd, wd, dyd)
					closeTo(t, name+" input gradient", dx.Data(), wantDx, dxAbs)
				}
			}
		}
	})
}

// TestWinogradInvariant requires bit-identical results whatever the thread
// count, chunk size and batch, for both variants: each image of a batch must
// come out exactly as it does alone (JVP blocks and single vectors rely on it).
func TestWinogradInvariant(t *testing.T) {
	defer SetThreads(Threads())
	defer func(v int) { winogradChunkFloats = v }(winogradChunkFloats)
	for _, mode := range []int{winogradForce23, winogradForce43} {
		c := convCase{3, 20, 12, 16, 24, 3, 3, 1, 1}
		r := rand.New(rand.NewPCG(9, 9))
		x := mustTensor(t, convRand(r, c.b*c.ci*c.h*c.w), c.b, c.ci, c.h, c.w)
		w := mustTensor(t, convRand(r, c.co*c.ci*9), c.co, c.ci, 3, 3)
		run := func(x *Tensor) (y, dx *Tensor) {
			withWinograd(mode, func() {
				var err error
				if y, err = Conv2d(x, w, 1, 1); err == nil {
					dx, err = Conv2dBackwardInput(y, w, c.h, c.w, 1, 1)
				}
				if err != nil {
					t.Fatal(err)
				}
			})
			return y, dx
		}
		SetThreads(1)
		winogradChunkFloats = 512 << 10
		refY, refDx := run(x)
		for _, setting := range []struct{ threads, chunk int }{{2, 512 << 10}, {2, 1}, {3, 1}, {1, 1}} {
			SetThreads(setting.threads)
			winogradChunkFloats = setting.chunk
			y, dx := run(x)
			sameBits(t, "forward", setting.threads, y.Data(), refY.Data())
			sameBits(t, "input gradient", setting.threads, dx.Data(), refDx.Data())
		}
		winogradChunkFloats = 512 << 10
		per := c.ci * c.h * c.w
		for b := 0; b < c.b; b++ {
			one := mustTensor(t, x.Data()[b*per:(b+1)*per], 1, c.ci, c.h, c.w)
			y, _ := run(one)
			sameBits(t, "image alone", 1, y.Data(), refY.Data()[b*c.co*c.h*c.w:(b+1)*c.co*c.h*c.w])
		}
	}
}

func sameBits(t *testing.T, what string, threads int, got, want []float32) {
	t.Helper()
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s, %d threads: element %d = %g, want %g bit for bit", what, threads, i, got[i], want[i])
		}
	}
}

func TestSetWinograd(t *testing.T) {
	defer SetWinograd(SetWinograd(false))
	g := newGrid3x3(64, 64, 10, 10, 1)
	if pickWinograd(g) != nil {
		t.Fatal("SetWinograd(false) left the Winograd path on")
	}
	if was := SetWinograd(true); was {
		t.Fatal("SetWinograd(true) reported the path was on")
	}
	if (pickWinograd(g) != nil) != simd.WinogradAccelerated() {
		t.Fatalf("SetWinograd(true): Winograd path %v, want it exactly where the transforms are vectorized (%v)", pickWinograd(g) != nil, simd.WinogradAccelerated())
	}
	for _, g := range []grid3x3{newGrid3x3(64, 64, 10, 9, 1), newGrid3x3(64, 64, 10, 10, 2), newGrid3x3(8, 64, 10, 10, 1), newGrid3x3(16, 16, 16, 16, 1)} {
		if pickWinograd(g) != nil {
			t.Fatalf("Winograd path taken for %+v (odd width, padding 2, 8 input channels or 16×16 channels)", g)
		}
	}
	// Images of 4×4-divisible size take F(4×4) when it has fewer products.
	if simd.Winograd43Accelerated() {
		if a := pickWinograd(newGrid3x3(64, 64, 40, 40, 1)); a != &wino43 {
			t.Fatalf("40×40, 64 channels: got %v, want F(4x4,3x3)", a)
		}
		if a := pickWinograd(newGrid3x3(64, 64, 8, 8, 1)); a != &wino23 {
			t.Fatalf("8×8 (4 tiles of 4×4 in a panel of 16): got %v, want F(2x2,3x3)", a)
		}
	}
}
