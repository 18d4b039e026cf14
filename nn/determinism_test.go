package nn

import (
	"fmt"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Denoising, a JVP block, a VJP and training steps give bit-identical
// results for 1 and 3 threads.
func TestDeterministicAcrossThreads(t *testing.T) {
	defer tensor.SetThreads(tensor.Threads())
	run := func(threads int) [][]float32 {
		tensor.SetThreads(threads)
		net, _ := NewBFUNet(2, 8, tensor.NewRNG(3))
		y := uniformInput(1, 1, 16, 16)
		var out [][]float32
		f, err := Denoise(net, y)
		if err != nil {
			t.Fatal(err)
		}
		l, err := Linearize(net, y, false)
		if err != nil {
			t.Fatal(err)
		}
		jv, err := l.JVP(uniformInput(5, 1, 16, 16))
		if err != nil {
			t.Fatal(err)
		}
		jtu, err := l.VJP(uniformInput(2, 1, 16, 16))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f.Data(), jv.Data(), jtu.Data())
		opt, tp := NewAdam(net.Params()), autograd.NewTape()
		for i := range 2 {
			noisy, noise := trainBatch(i)
			if _, err := NoiseStep(tp, net, opt, 1e-3, noisy, noise); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range net.State() {
			out = append(out, p.Value.Data())
		}
		return out
	}
	a, b := run(1), run(3)
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				t.Fatalf("result %d element %d: %v with 1 thread, %v with 3", i, j, a[i][j], b[i][j])
			}
		}
	}
}

// The full Jacobian agrees with JVPs (J·v) and does not depend on the block
// size.
func TestJacobianMatchesJVP(t *testing.T) {
	net, _ := NewBFUNet(1, 4, tensor.NewRNG(8))
	y := uniformInput(1, 1, 6, 6)
	l, err := Linearize(net, y, false)
	if err != nil {
		t.Fatal(err)
	}
	j7, err := l.Jacobian(7)
	if err != nil {
		t.Fatal(err)
	}
	j36, _ := l.Jacobian(36)
	v := uniformInput(1, 1, 6, 6)
	jv, _ := l.JVP(v)
	for i := range 36 {
		var s float64
		for j := range 36 {
			s += float64(j7.Data()[i*36+j]) * float64(v.Data()[j])
			if d := j7.Data()[i*36+j] - j36.Data()[i*36+j]; d > 1e-6 || d < -1e-6 {
				t.Fatalf("J[%d][%d] depends on the block size", i, j)
			}
		}
		if d := s - float64(jv.Data()[i]); d > 1e-5 || d < -1e-5 {
			t.Fatalf("(J·v)[%d] = %v from the matrix, %v from JVP", i, s, jv.Data()[i])
		}
	}
	l2, err := Linearize(net, uniformInput(2, 1, 6, 6), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l2.Jacobian(4); err == nil {
		t.Error("Jacobian of a batch of 2 accepted")
	}
}

// JVP and VJP only read the recorded tape, so goroutines may share one
// Linearization (run with -race to check).
func TestLinearizationConcurrentUse(t *testing.T) {
	net, _ := NewBFUNet(1, 4, tensor.NewRNG(8))
	l, err := Linearize(net, uniformInput(1, 1, 8, 8), false)
	if err != nil {
		t.Fatal(err)
	}
	v := uniformInput(3, 1, 8, 8)
	want, _ := l.JVP(v)
	wantT, _ := l.VJP(v)
	done := make(chan error, 4)
	for g := range 4 {
		go func() {
			var got *tensor.Tensor
			var err error
			if g%2 == 0 {
				got, err = l.JVP(v)
			} else {
				got, err = l.VJP(v)
			}
			ref := want
			if g%2 == 1 {
				ref = wantT
			}
			for i := range got.Data() {
				if err == nil && got.Data()[i] != ref.Data()[i] {
					err = fmt.Errorf("goroutine %d: element %d differs", g, i)
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// Release hands a linearization's intermediates back for reuse, but its
// Output must survive the passes that reuse them (64×64 images: a smaller
// output is below the size tensor.Recycle takes).
func TestLinearizationRelease(t *testing.T) {
	net, _ := NewBFUNet(2, 8, tensor.NewRNG(5))
	y := uniformInput(1, 1, 64, 64)
	l, err := Linearize(net, y, false)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]float32(nil), l.Output().Data()...)
	l.Release()
	for range 2 {
		l2, err := Linearize(net, uniformInput(1, 1, 64, 64), false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l2.VJP(uniformInput(1, 1, 64, 64)); err != nil {
			t.Fatal(err)
		}
		l2.Release()
	}
	for i, v := range l.Output().Data() {
		if v != want[i] {
			t.Fatalf("Output element %d changed after Release: %v, was %v", i, v, want[i])
		}
	}
}
