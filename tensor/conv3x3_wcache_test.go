package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/harmonic-go/harmonic/simd"
)

// TestPackCacheKeysKernel switches the kernel level and the Winograd mode
// back and forth, as tests and benchmarks do, while convolving with one
// weight buffer whose packings the cache keeps: every result must be bit
// for bit the one computed from a fresh copy of the weights (never cached),
// so no setting ever gets a packing made for another.
func TestPackCacheKeysKernel(t *testing.T) {
	prevLevel := simd.Current()
	defer func() {
		if err := simd.Use(string(prevLevel)); err != nil {
			t.Fatal(err)
		}
	}()
	r := rand.New(rand.NewPCG(7, 7))
	fill := func(shape ...int) *Tensor {
		x := Zeros(shape...)
		for i := range x.data {
			x.data[i] = float32(r.NormFloat64())
		}
		return x
	}
	// 16×16 images with 32 channels: under the cache's pixel bounds, and on
	// the Winograd path in every mode but off (both variants divide 16).
	w, x, dy := fill(32, 32, 3, 3), fill(1, 32, 16, 16), fill(1, 32, 16, 16)
	wt, xt, dyt := fill(32, 24, 2, 2), fill(1, 32, 8, 8), fill(1, 24, 16, 16) // transposed conv: cached GEMM A
	type setting struct {
		level simd.Level
		mode  int
	}
	var settings []setting
	for _, l := range simd.Available() {
		for _, m := range []int{winogradAuto, winogradNever, winogradForce23, winogradForce43} {
			settings = append(settings, setting{l, m})
		}
	}
	ops := []struct {
		name string
		run  func(w *Tensor) (*Tensor, error)
		w    *Tensor
	}{
		{"conv3x3", func(w *Tensor) (*Tensor, error) { return Conv2d(x, w, 1, 1) }, w},
		{"conv3x3 input gradient", func(w *Tensor) (*Tensor, error) { return Conv2dBackwardInput(dy, w, 16, 16, 1, 1) }, w},
		{"transposed 2x2", func(w *Tensor) (*Tensor, error) { return ConvTranspose2x2(xt, w) }, wt},
		{"transposed 2x2 input gradient", func(w *Tensor) (*Tensor, error) { return ConvTranspose2x2BackwardInput(dyt, w) }, wt},
	}
	forwards := map[string]bool{}     // distinct forward results
	for pass := 0; pass < 2; pass++ { // the second pass finds every setting's packing cached
		for _, s := range settings {
			if err := simd.Use(string(s.level)); err != nil {
				t.Fatal(err)
			}
			withWinograd(s.mode, func() {
				for _, op := range ops {
					what := fmt.Sprintf("pass %d, %s, level %s, Winograd mode %d", pass, op.name, s.level, s.mode)
					got, err := op.run(op.w)
					if err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					want, err := op.run(op.w.Clone())
					if err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					for i := range want.data {
						if got.data[i] != want.data[i] {
							t.Fatalf("%s: element %d = %g with the cached weights, %g from a fresh copy", what, i, got.data[i], want.data[i])
						}
					}
					if op.name == "conv3x3" {
						forwards[fmt.Sprint(want.data)] = true
					}
				}
			})
		}
	}
	// The settings must really compute differently, or a packing made for
	// another could not be told apart (the direct and Winograd kernels round
	// differently).
	if len(forwards) < 2 {
		t.Fatalf("all %d settings gave the same forward bits: the test cannot see a mixed-up packing", len(settings))
	}
}

// TestSameFloats checks the split comparison against a plain loop over the
// bits, with one differing element at the ends and in the middle of a
// buffer large enough to be split, on one and on two threads.
func TestSameFloats(t *testing.T) {
	defer SetThreads(Threads())
	const n = 1<<16 + 37
	a := make([]float32, n)
	for i := range a {
		a[i] = float32(i%1000) * 0.25
	}
	for _, th := range []int{1, 2, 3} {
		SetThreads(th)
		if !sameFloats(a, append([]float32(nil), a...)) {
			t.Fatalf("%d threads: a copy compares different", th)
		}
		if sameFloats(a, a[:n-1]) {
			t.Fatalf("%d threads: buffers of different lengths compare equal", th)
		}
		for _, i := range []int{0, 1, n / 3, n / 2, n - 2, n - 1} {
			b := append([]float32(nil), a...)
			b[i] = math.Float32frombits(math.Float32bits(b[i]) ^ 1) // the last bit
			if sameFloats(a, b) {
				t.Fatalf("%d threads: a difference at %d of %d went unseen", th, i, n)
			}
		}
	}
}
