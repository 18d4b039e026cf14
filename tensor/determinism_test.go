package tensor

import (
	"math"
	"runtime"
	"testing"
)

// GEMM and convolution results must be bit-identical across runs and across
// GOMAXPROCS (the thread count follows it by default), since work is split over
// output blocks and never over a reduction.
func TestGOMAXPROCSDeterminism(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	defer SetThreads(Threads())
	rng := NewRNG(11)
	a, b := make([]float32, 96*300), make([]float32, 300*200)
	rng.FillNormal(a, 0, 1)
	rng.FillNormal(b, 0, 1)
	x, w, dy := New(3, 16, 12, 12), New(16, 16, 3, 3), New(3, 16, 12, 12)
	rng.FillNormal(x.Data(), 0, 1)
	rng.FillNormal(w.Data(), 0, 0.1)
	rng.FillNormal(dy.Data(), 0, 1)
	run := func(procs int) [][]float32 {
		runtime.GOMAXPROCS(procs)
		SetThreads(procs)
		c := make([]float32, 96*200)
		Sgemm(false, false, 96, 200, 300, 1, a, 300, b, 200, 0, c, 200)
		y, err := Conv2d(x, w, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		dx, err := Conv2dBackwardInput(dy, w, 12, 12, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		dw, err := Conv2dBackwardWeight(x, dy, 3, 3, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		return [][]float32{c, y.Data(), dx.Data(), dw.Data()}
	}
	want := run(1)
	for _, procs := range []int{2, 1, 2} {
		got := run(procs)
		for i, name := range []string{"gemm", "conv2d", "conv2d input grad", "conv2d weight grad"} {
			for j := range want[i] {
				if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
					t.Fatalf("%s with GOMAXPROCS=%d differs from GOMAXPROCS=1 at %d: %v vs %v",
						name, procs, j, got[i][j], want[i][j])
				}
			}
		}
	}
}
