package nn

import (
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Benchmarks of the workloads torch_reference.py bench times (same names).

// uniformInput is a tensor of uniform [0,1) values from a fixed seed.
func uniformInput(shape ...int) *tensor.Tensor {
	x := tensor.New(shape...)
	tensor.NewRNG(1).FillUniform(x.Data(), 0, 1)
	return x
}

func BenchmarkDenoise1Image(b *testing.B) {
	net, _ := NewBFUNet(2, 64, tensor.NewRNG(1))
	y := uniformInput(1, 1, 40, 40)
	for b.Loop() {
		if _, err := Denoise(net, y); err != nil {
			b.Fatal(err)
		}
	}
}

func benchLinearized(b *testing.B, k int, vjp bool) {
	net, _ := NewBFUNet(2, 64, tensor.NewRNG(1))
	y := uniformInput(1, 1, 40, 40)
	v := uniformInput(k, 1, 40, 40)
	for b.Loop() {
		// One image: record the linearization and apply it (as torch's
		// jvp/vjp of one image, which include the forward pass).
		l, err := Linearize(net, y, false)
		if err != nil {
			b.Fatal(err)
		}
		if vjp {
			_, err = l.VJP(v)
		} else {
			_, err = l.JVP(v)
		}
		if err != nil {
			b.Fatal(err)
		}
		l.Release()
	}
}

func BenchmarkJVP1Image(b *testing.B)       { benchLinearized(b, 1, false) }
func BenchmarkVJP1Image(b *testing.B)       { benchLinearized(b, 1, true) }
func BenchmarkJVPBlock16Image(b *testing.B) { benchLinearized(b, 16, false) }

func benchTrain(b *testing.B, net Net, batch, size int) {
	noisy, noise := uniformInput(batch, 1, size, size), uniformInput(batch, 1, size, size)
	opt := NewAdam(net.Params())
	for b.Loop() {
		tp := autograd.NewTape()
		loss, err := NoiseLoss(tp, net, noisy, noise)
		if err != nil {
			b.Fatal(err)
		}
		if err := Backward(tp, loss, net); err != nil {
			b.Fatal(err)
		}
		if err := opt.Update(1e-3); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrainUNetL2Batch16(b *testing.B) {
	net, _ := NewBFUNet(2, 64, tensor.NewRNG(1))
	benchTrain(b, net, 16, 40)
}

func BenchmarkTrainUNetL1Batch64(b *testing.B) {
	net, _ := NewBFUNet(1, 64, tensor.NewRNG(1))
	benchTrain(b, net, 64, 20)
}

func BenchmarkTrainCNN21Batch16(b *testing.B) {
	net, _ := NewBFCNN(21, 64, tensor.NewRNG(1))
	benchTrain(b, net, 16, 40)
}

// BenchmarkJVPBlock64Applied times only the linearized pass: a block of 64
// JVPs at a recorded point (the inner loop of Jacobian spectra).
func BenchmarkJVPBlock64Applied(b *testing.B) {
	net, _ := NewBFUNet(2, 64, tensor.NewRNG(1))
	l, err := Linearize(net, uniformInput(1, 1, 40, 40), false)
	if err != nil {
		b.Fatal(err)
	}
	v := uniformInput(64, 1, 40, 40)
	for b.Loop() {
		if _, err := l.JVP(v); err != nil {
			b.Fatal(err)
		}
	}
}
