package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveUp64 returns the float64 forward pass and both gradients of the 2×2
// stride-2 transposed convolution, with their absolute-value scales.
func naiveUp64(b, ci, co, h, w int, x, wt, dy []float32) (y, dx, dw, yAbs, dxAbs, dwAbs []float64) {
	h2, w2 := 2*h, 2*w
	y, yAbs = make([]float64, b*co*h2*w2), make([]float64, b*co*h2*w2)
	dx, dxAbs = make([]float64, len(x)), make([]float64, len(x))
	dw, dwAbs = make([]float64, len(wt)), make([]float64, len(wt))
	for n := 0; n < b; n++ {
		for c := 0; c < ci; c++ {
			for i := 0; i < h; i++ {
				for j := 0; j < w; j++ {
					xi := ((n*ci+c)*h+i)*w + j
					for o := 0; o < co; o++ {
						for a := 0; a < 2; a++ {
							for e := 0; e < 2; e++ {
								wi := ((c*co+o)*2+a)*2 + e
								yi := ((n*co+o)*h2+2*i+a)*w2 + 2*j + e
								p := float64(x[xi]) * float64(wt[wi])
								y[yi] += p
								yAbs[yi] += math.Abs(p)
								q := float64(dy[yi]) * float64(wt[wi])
								dx[xi] += q
								dxAbs[xi] += math.Abs(q)
								r := float64(dy[yi]) * float64(x[xi])
								dw[wi] += r
								dwAbs[wi] += math.Abs(r)
							}
						}
					}
				}
			}
		}
	}
	return
}

func TestConvTranspose2x2AgainstNaive(t *testing.T) {
	shapes := [][5]int{{1, 1, 1, 1, 1}, {2, 3, 4, 5, 7}, {3, 8, 5, 3, 4}, {1, 70, 3, 2, 33}, {2, 64, 64, 5, 5}, {1, 2, 1, 9, 1}}
	convEachLevel(t, func(t *testing.T) {
		for n, s := range shapes {
			b, ci, co, h, w := s[0], s[1], s[2], s[3], s[4]
			r := rand.New(rand.NewPCG(uint64(n), 5))
			xd, wd, dyd := convRand(r, b*ci*h*w), convRand(r, ci*co*4), convRand(r, b*co*4*h*w)
			x, wt := mustTensor(t, xd, b, ci, h, w), mustTensor(t, wd, ci, co, 2, 2)
			dy := mustTensor(t, dyd, b, co, 2*h, 2*w)
			wantY, wantDx, wantDw, yAbs, dxAbs, dwAbs := naiveUp64(b, ci, co, h, w, xd, wd, dyd)
			y, err := ConvTranspose2x2(x, wt)
			if err != nil {
				t.Fatal(err)
			}
			closeTo(t, "forward", y.Data(), wantY, yAbs)
			dx, err := ConvTranspose2x2BackwardInput(dy, wt)
			if err != nil {
				t.Fatal(err)
			}
			closeTo(t, "input gradient", dx.Data(), wantDx, dxAbs)
			dw, err := ConvTranspose2x2BackwardWeight(x, dy)
			if err != nil {
				t.Fatal(err)
			}
			closeTo(t, "weight gradient", dw.Data(), wantDw, dwAbs)

			lhs := dot64(y.Data(), dyd)
			tol := 1e-5 * math.Sqrt(float64(y.Numel()*ci))
			if math.Abs(lhs-dot64(xd, dx.Data())) > tol || math.Abs(lhs-dot64(wd, dw.Data())) > tol {
				t.Errorf("%v: adjoint identity fails: %g, %g, %g", s, lhs, dot64(xd, dx.Data()), dot64(wd, dw.Data()))
			}
		}
	})
}

func TestConvTranspose2x2Deterministic(t *testing.T) {
	defer SetThreads(Threads())
	r := rand.New(rand.NewPCG(9, 9))
	x := mustTensor(t, convRand(r, 3*16*5*5), 3, 16, 5, 5)
	w := mustTensor(t, convRand(r, 16*8*4), 16, 8, 2, 2)
	var ref [][]float32
	for run, th := range []int{1, 2, 1, 3} {
		SetThreads(th)
		y, err := ConvTranspose2x2(x, w)
		if err != nil {
			t.Fatal(err)
		}
		dx, err := ConvTranspose2x2BackwardInput(y, w)
		if err != nil {
			t.Fatal(err)
		}
		dw, err := ConvTranspose2x2BackwardWeight(x, y)
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
					t.Fatalf("output %d element %d differs with %d threads", k, i, th)
				}
			}
		}
	}
}

// The packed weights are cached: changing the weights in place between
// calls (as an optimizer step does) must be seen by the next call.
func TestConvTranspose2x2WeightsChangeInPlace(t *testing.T) {
	b, ci, co, h, w := 2, 24, 16, 5, 6
	r := rand.New(rand.NewPCG(11, 11))
	xd, wd, dyd := convRand(r, b*ci*h*w), convRand(r, ci*co*4), convRand(r, b*co*4*h*w)
	x, wt := mustTensor(t, xd, b, ci, h, w), mustTensor(t, wd, ci, co, 2, 2)
	dy := mustTensor(t, dyd, b, co, 2*h, 2*w)
	for step := range 3 {
		wantY, wantDx, _, yAbs, dxAbs, _ := naiveUp64(b, ci, co, h, w, xd, wt.Data(), dyd)
		y, err := ConvTranspose2x2(x, wt)
		if err != nil {
			t.Fatal(err)
		}
		closeTo(t, fmt.Sprintf("step %d forward", step), y.Data(), wantY, yAbs)
		dx, err := ConvTranspose2x2BackwardInput(dy, wt)
		if err != nil {
			t.Fatal(err)
		}
		closeTo(t, fmt.Sprintf("step %d input gradient", step), dx.Data(), wantDx, dxAbs)
		wt.Data()[step*37] += 0.5 // one weight moves, in place
	}
}
