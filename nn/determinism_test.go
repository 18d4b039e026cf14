package nn

import (
	"testing"

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
		tr := NewTrainer(net, StepLR{Base: 1e-3}, 7)
		for i := range 2 {
			if _, err := tr.TrainStep(trainBatch(i)); err != nil {
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
