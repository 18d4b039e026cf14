package tensor

import (
	"fmt"
	"math"
	"testing"
)

// TestConv3x3SingleImageSplit checks the direct kernel's split of one image
// over (band, output block) pairs and of its padding over channels: 1, 2
// and 3 threads must give the same bits as one, for a 40×40 image of
// several bands and a 20×20 image of one band, forward and input gradient.
func TestConv3x3SingleImageSplit(t *testing.T) {
	defer SetThreads(Threads())
	rng := NewRNG(21)
	withWinograd(winogradNever, func() {
		for _, c := range []struct{ ci, co, hw int }{{16, 24, 40}, {48, 40, 20}} {
			x, w := New(1, c.ci, c.hw, c.hw), New(c.co, c.ci, 3, 3)
			rng.FillNormal(x.Data(), 0, 1)
			rng.FillNormal(w.Data(), 0, 0.1)
			if g := newGrid3x3(c.ci, c.co, c.hw, c.hw, 1); g.ci*g.plane < 1<<14 {
				t.Fatalf("%v: too small to split the padding", c)
			}
			var ref [][]float32
			for _, th := range []int{1, 2, 3} {
				SetThreads(th)
				y, err := Conv2d(x, w, 1, 1)
				if err != nil {
					t.Fatal(err)
				}
				dx, err := Conv2dBackwardInput(y, w, c.hw, c.hw, 1, 1)
				if err != nil {
					t.Fatal(err)
				}
				got := [][]float32{y.Data(), dx.Data()}
				if ref == nil {
					ref = got
					continue
				}
				for k := range got {
					for i := range got[k] {
						if math.Float32bits(got[k][i]) != math.Float32bits(ref[k][i]) {
							t.Fatalf("%s: %d threads: element %d = %v, one thread %v",
								fmt.Sprint(c, []string{" forward", " input gradient"}[k]), th, i, got[k][i], ref[k][i])
						}
					}
				}
			}
		}
	})
}
