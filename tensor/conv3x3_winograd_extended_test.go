package tensor

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/harmonic-go/harmonic/simd"
)

// Odd-sided images take Winograd on a grid extended by a zero row and
// column: forward and input gradient against float64 loops, both variants
// forced (F(4×4) falls back to F(2×2) where 4 does not divide), at every
// kernel level.
func TestWinogradExtendedAgainstNaive(t *testing.T) {
	cases := []convCase{
		{2, 64, 7, 7, 64, 3, 3, 1, 1},
		{1, 20, 7, 9, 24, 3, 3, 1, 1},
		{3, 17, 5, 6, 18, 3, 3, 1, 1},
		{1, 16, 15, 15, 33, 3, 3, 1, 1},
	}
	convEachLevel(t, func(t *testing.T) {
		for _, mode := range []int{winogradForce23, winogradForce43} {
			for n, c := range cases {
				r := rand.New(rand.NewPCG(uint64(n), 7))
				xd, wd, dyd := convRand(r, c.b*c.ci*c.h*c.w), convRand(r, c.co*c.ci*9), convRand(r, c.b*c.co*c.h*c.w)
				x, w := mustTensor(t, xd, c.b, c.ci, c.h, c.w), mustTensor(t, wd, c.co, c.ci, 3, 3)
				dy := mustTensor(t, dyd, c.b, c.co, c.h, c.w)
				var y, dx *Tensor
				var err1, err2 error
				var alg *winoAlgo
				withWinograd(mode, func() {
					_, alg = pickWinogradExtended(newGrid3x3(c.ci, c.co, c.h, c.w, 1))
					y, err1 = Conv2d(x, w, 1, 1)
					dx, err2 = Conv2dBackwardInput(dy, w, c.h, c.w, 1, 1)
				})
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if alg == nil {
					t.Fatalf("%v: no extended Winograd variant", c)
				}
				name := fmt.Sprintf("%v %s extended", c, alg.name)
				closeTo(t, name+" forward", y.Data(), naiveConv64(c, xd, wd, false), naiveConv64(c, xd, wd, true))
				wantDx, _, dxAbs, _ := naiveConvGrads64(c, xd, wd, dyd)
				closeTo(t, name+" input gradient", dx.Data(), wantDx, dxAbs)
			}
		}
	})
}

// An image of a batch comes out of the extended path exactly as alone, at
// any thread count.
func TestWinogradExtendedInvariant(t *testing.T) {
	defer SetThreads(Threads())
	c := convCase{3, 32, 7, 7, 64, 3, 3, 1, 1}
	r := rand.New(rand.NewPCG(4, 4))
	x := mustTensor(t, convRand(r, c.b*c.ci*c.h*c.w), c.b, c.ci, c.h, c.w)
	w := mustTensor(t, convRand(r, c.co*c.ci*9), c.co, c.ci, 3, 3)
	run := func(x *Tensor) *Tensor {
		var y *Tensor
		withWinograd(winogradForce43, func() {
			var err error
			if y, err = Conv2d(x, w, 1, 1); err != nil {
				t.Fatal(err)
			}
		})
		return y
	}
	SetThreads(1)
	ref := run(x)
	SetThreads(2)
	sameBits(t, "batch", 2, run(x).Data(), ref.Data())
	per, out := c.ci*c.h*c.w, c.co*c.h*c.w
	for b := 0; b < c.b; b++ {
		one := mustTensor(t, x.Data()[b*per:(b+1)*per], 1, c.ci, c.h, c.w)
		sameBits(t, "image alone", 2, run(one).Data(), ref.Data()[b*out:(b+1)*out])
	}
}

// The extension is taken where it pays: the tc-unet's 7×7 level, not images
// so small that the extra row and column outweigh the saving.
func TestPickWinogradExtended(t *testing.T) {
	if _, a := pickWinogradExtended(newGrid3x3(64, 64, 7, 7, 1)); (a != nil) != simd.WinogradAccelerated() {
		t.Fatalf("7×7, 64 channels: extended variant %v, want one exactly where the transforms are vectorized", a)
	}
	for _, g := range []grid3x3{newGrid3x3(64, 64, 3, 3, 1), newGrid3x3(64, 64, 8, 8, 1), newGrid3x3(64, 64, 7, 7, 2), newGrid3x3(8, 64, 7, 7, 1)} {
		if _, a := pickWinogradExtended(g); a != nil {
			t.Fatalf("extended Winograd for %+v (3×3 image, even sides, padding 2 or 8 input channels)", g)
		}
	}
}
