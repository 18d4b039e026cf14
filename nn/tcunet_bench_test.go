package nn

import (
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Benchmarks of torch_reference.py's tc-unet workloads ("tc-unet b32 (1,2,2)
// 28x28x1 train step batch 64 (Adam)", "... forward batch 128").

func benchTCUNetTrain(b *testing.B, net *TCUNet, batch, channels, size int) {
	x, noise := uniformInput(batch, channels, size, size), uniformInput(batch, channels, size, size)
	times := tensor.New(batch)
	tensor.NewRNG(2).FillUniform(times.Data(), 0, 1000)
	opt := NewAdam(net.Params())
	for b.Loop() {
		tp := autograd.NewTape()
		pred := net.Forward(tp, tp.Leaf(x, false), times, true)
		loss := autograd.Scale(autograd.SquaredError(pred, tp.Leaf(noise, false)), 1/float32(batch))
		if err := tp.Err(); err != nil {
			b.Fatal(err)
		}
		if err := tp.Backward(loss); err != nil {
			b.Fatal(err)
		}
		for _, p := range net.Params() {
			p.Grad, p.leaf = p.leaf.Grad, nil
		}
		if err := opt.Update(2e-4); err != nil {
			b.Fatal(err)
		}
		tp.Release()
	}
}

func BenchmarkTCUNetTrainBatch64(b *testing.B) {
	net, _ := NewTCUNet(1, 32, []int{1, 2, 2}, 1, 8, tensor.NewRNG(1))
	benchTCUNetTrain(b, net, 64, 1, 28)
}

func BenchmarkTCUNetForwardBatch128(b *testing.B) {
	net, _ := NewTCUNet(1, 32, []int{1, 2, 2}, 1, 8, tensor.NewRNG(1))
	x := uniformInput(128, 1, 28, 28)
	times := tensor.Full(500, 128)
	for b.Loop() {
		tp := autograd.NewTape()
		y := net.Forward(tp, tp.Leaf(x, false), times, false)
		if err := tp.Err(); err != nil {
			b.Fatal(err)
		}
		tp.Release(y.Value)
	}
}

// BenchmarkTCUNetJVPBlock16Applied times a block of 16 JVPs of net(·, t) at
// a recorded 28×28 image (the inner loop of Jacobian spectra in study B).
func BenchmarkTCUNetJVPBlock16Applied(b *testing.B) {
	net, _ := NewTCUNet(1, 32, []int{1, 2, 2}, 1, 8, tensor.NewRNG(1))
	tp := autograd.NewTape()
	in := tp.Leaf(uniformInput(1, 1, 28, 28), true)
	y := net.Forward(tp, in, tensor.Full(500, 1), false)
	if err := tp.Err(); err != nil {
		b.Fatal(err)
	}
	v := uniformInput(16, 1, 28, 28)
	for b.Loop() {
		jv, err := tp.JVP(y, []*autograd.Var{in}, []*tensor.Tensor{v})
		if err != nil {
			b.Fatal(err)
		}
		tensor.Recycle(jv)
	}
}
