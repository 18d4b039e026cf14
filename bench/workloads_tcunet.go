package bench

import (
	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// The time-conditioned U-Net's workloads of studies B and C, as
// torch_reference.py bench defines them: one Adam step (lr 2e-4) on
// Σ (net(x + ε, t) − ε)² / B with x uniform in [−1, 1], ε standard normal and
// t uniform over the DDPM steps 0..999; and a batched forward pass at t = 500
// with constant weights (nn.ApplyTimes, as torch_reference.py's under
// torch.no_grad).

var _ = register(Workload{Name: "tc-unet b32 (1,2,2) 28x28x1 train step batch 64 (Adam)",
	Prepare: tcTrainStep(1, 32, 64, 28)})
var _ = register(Workload{Name: "tc-unet b64 (1,2,2) 32x32x3 train step batch 32 (Adam)",
	Prepare: tcTrainStep(3, 64, 32, 32)})

func tcTrainStep(channels, base, batch, size int) func() (func(), error) {
	return func() (func(), error) {
		rng := tensor.NewRNG(5)
		net, err := nn.NewTCUNet(channels, base, []int{1, 2, 2}, 1, 8, rng)
		if err != nil {
			return nil, err
		}
		x, noise := tensor.New(batch, channels, size, size), tensor.New(batch, channels, size, size)
		rng.FillUniform(x.Data(), -1, 1)
		rng.FillNormal(noise.Data(), 0, 1)
		noisy, err := tensor.Add(x, noise)
		if err != nil {
			return nil, err
		}
		times := tensor.New(batch)
		for i := range times.Data() {
			times.Data()[i] = float32(rng.Intn(1000))
		}
		opt := nn.NewAdam(net.Params())
		tp := autograd.NewTape()
		return func() {
			_, err := nn.TCUNetStep(tp, net, opt, 2e-4, noisy, times, noise)
			must(err)
		}, nil
	}
}

var _ = register(Workload{Name: "tc-unet b32 (1,2,2) 28x28x1 forward batch 128", Prepare: func() (func(), error) {
	rng := tensor.NewRNG(6)
	net, err := nn.NewTCUNet(1, 32, []int{1, 2, 2}, 1, 8, rng)
	if err != nil {
		return nil, err
	}
	x := tensor.New(128, 1, 28, 28)
	rng.FillNormal(x.Data(), 0, 1)
	times := tensor.Full(500, 128)
	return func() {
		// Evaluation, as torch.no_grad: the library's inference path, which
		// runs the batch in cache-sized chunks of images.
		_, err := nn.ApplyTimes(net, x, times)
		must(err)
	}, nil
}})
