package train

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// EpsMSE is the held-out ε-prediction error of a vp-eps network at one
// schedule step (T < 0: each image at its own step drawn uniformly from
// 0..T−1, the t-average the training loss estimates).
type EpsMSE struct {
	T   int     `json:"t"`
	MSE float64 `json:"mse"` // mean over images and pixels of (ε̂ − ε)²; predicting 0 gives ≈ 1
}

// EvalEpsMSE measures net's ε-MSE on the images of set (pixels in [0,1],
// mapped to 2u − 1 as in training) at each step of steps and, as a last
// row with T = −1, at uniformly drawn steps. The noise comes from seed
// and the step alone, so every network is scored on the same x_t.
func EvalEpsMSE(ctx context.Context, net nn.Conditioned, set *data.Set, steps []int, seed uint64) ([]EpsMSE, error) {
	sched := schedule.DDPM()
	for _, t := range steps {
		if t < 0 || t >= sched.T() {
			return nil, fmt.Errorf("train: eval step %d outside the schedule's 0..%d", t, sched.T()-1)
		}
	}
	const batch = 50
	rows := append(append([]int(nil), steps...), -1)
	out := make([]EpsMSE, len(rows))
	for r, step := range rows {
		// The noise depends on the row's step, not its position: a step
		// scores the same whichever other steps are asked for.
		noise := tensor.NewRNG(seed + uint64(step+1)*0x9e37_79b9)
		var sum float64
		for lo := 0; lo < set.N; lo += batch {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			sub, err := set.Slice(lo, min(set.N, lo+batch))
			if err != nil {
				return nil, err
			}
			clean := sub.Tensor()
			b := clean.Dim(0)
			ts := make([]int, b)
			for i := range ts {
				ts[i] = step
				if step < 0 {
					ts[i] = noise.Intn(sched.T())
				}
			}
			xt, eps, times := tensor.New(clean.Shape()...), tensor.New(clean.Shape()...), tensor.New(b)
			vpNoise(sched, clean, ts, xt, eps, times, noise)
			tp := autograd.NewTape()
			pred := net.Forward(tp, tp.Leaf(xt, false), times, false)
			if err := tp.Err(); err != nil {
				return nil, err
			}
			p, e := pred.Value.Contiguous().Data(), eps.Data()
			for i := range e {
				d := float64(p[i]) - float64(e[i])
				sum += d * d
			}
			tp.Release()
		}
		out[r] = EpsMSE{T: step, MSE: sum / float64(set.N*set.D())}
	}
	return out, nil
}
