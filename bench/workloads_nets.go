package bench

import (
	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// Network workloads, as torch_reference.py bench defines them: one Adam
// training step on x + 0.1·noise with x uniform in [0,1]; and the denoiser
// f(y) = y − net(y) of a 2-level U-Net on one 40×40 image: its evaluation, one
// JVP and one VJP (each including the forward pass, as functorch's jvp and
// autograd.grad do).

var _ = register(Workload{Name: "bf-unet L=2 40x40 train step batch 16 (Adam)",
	Prepare: trainStep(func(r *tensor.RNG) (nn.Net, error) { return nn.NewBFUNet(2, 64, r) }, 16, 40)})
var _ = register(Workload{Name: "bf-unet L=1 20x20 train step batch 64 (Adam)",
	Prepare: trainStep(func(r *tensor.RNG) (nn.Net, error) { return nn.NewBFUNet(1, 64, r) }, 64, 20)})
var _ = register(Workload{Name: "bf-cnn 21 layers 40x40 train step batch 16 (Adam)",
	Prepare: trainStep(func(r *tensor.RNG) (nn.Net, error) { return nn.NewBFCNN(21, 64, r) }, 16, 40)})

func trainStep(build func(*tensor.RNG) (nn.Net, error), batch, size int) func() (func(), error) {
	return func() (func(), error) {
		rng := tensor.NewRNG(3)
		net, err := build(rng)
		if err != nil {
			return nil, err
		}
		x, noise := tensor.New(batch, 1, size, size), tensor.New(batch, 1, size, size)
		rng.FillUniform(x.Data(), 0, 1)
		rng.FillNormal(noise.Data(), 0, 0.1)
		noisy, err := tensor.Add(x, noise)
		if err != nil {
			return nil, err
		}
		opt := nn.NewAdam(net.Params())
		tp := autograd.NewTape()
		return func() {
			// The step harmonic train runs (loss, checks, backward, Adam).
			_, err := nn.NoiseStep(tp, net, opt, 1e-3, noisy, noise)
			must(err)
		}, nil
	}
}

// oneImage builds the 2-level U-Net and one 40×40 input and tangent.
func oneImage() (nn.Net, *tensor.Tensor, *tensor.Tensor, error) {
	rng := tensor.NewRNG(4)
	net, err := nn.NewBFUNet(2, 64, rng)
	if err != nil {
		return nil, nil, nil, err
	}
	y, v := tensor.New(1, 1, 40, 40), tensor.New(1, 1, 40, 40)
	rng.FillUniform(y.Data(), 0, 1)
	rng.FillNormal(v.Data(), 0, 1)
	return net, y, v, nil
}

var _ = register(Workload{Name: "bf-unet L=2 40x40 denoise 1 image", Prepare: func() (func(), error) {
	net, y, _, err := oneImage()
	return func() {
		_, err := nn.Denoise(net, y)
		must(err)
	}, err
}})

var _ = register(Workload{Name: "bf-unet L=2 40x40 JVP 1 image", Prepare: linearized(false)})
var _ = register(Workload{Name: "bf-unet L=2 40x40 VJP 1 image", Prepare: linearized(true)})

func linearized(transpose bool) func() (func(), error) {
	return func() (func(), error) {
		net, y, v, err := oneImage()
		return func() {
			l, err := nn.Linearize(net, y, false)
			must(err)
			if transpose {
				_, err = l.VJP(v)
			} else {
				_, err = l.JVP(v)
			}
			must(err)
			l.Release() // what torch does when the graph goes out of scope
		}, err
	}
}
