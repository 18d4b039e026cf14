package study

import (
	"context"
	"fmt"
	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"math"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/tensor"
)

// compareConfig is a locality-compare job's config (claim B.3): DDIM from
// the same initial noise for the network and each analytic model (every
// model on its own trajectory), and the single-step variant (every model
// on the network's x_t); r² and MSE of each model's x̂0 against the
// network's at every step. Deps: locality-train, locality-stats.
type compareConfig struct {
	Data    train.Config `json:"data"`
	Tau     float64      `json:"tau"`
	Models  []string     `json:"models"` // names in localityModels with a Build
	Samples int          `json:"samples"`
	Seed    uint64       `json:"seed"` // the initial noise
}

// comparison is a locality-compare job's metric "compare": per analytic
// model, r² and MSE against the network per DDIM step (T lists the steps
// t, the last is the final step), along own trajectories (DDIM) and on the
// network's (Single). A value that could not be measured is null.
type comparison struct {
	T      []int            `json:"t"`
	DDIM   map[string]curve `json:"ddim"`
	Single map[string]curve `json:"single_step"`
}

type curve struct {
	R2  []*float64 `json:"r2"`
	MSE []*float64 `json:"mse"`
}

// samplesGridFile shows the final samples: a row per model (the network
// first, then Models), the same initial noise in each column.
const samplesGridFile = "samples.png"

// gridSamples is how many samples of each model the grid shows.
const gridSamples = 8

func init() {
	plan.Register(kindLocCompare, "1", runLocCompare)
	plan.RegisterCost(kindLocCompare, locCompareCost)
}

func runLocCompare(ctx context.Context, env *plan.Env) error {
	var c compareConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	eps, err := depEpsNet(env)
	if err != nil {
		return err
	}
	st, err := depStats(env)
	if err != nil {
		return err
	}
	x, err := signedTrain(c.Data)
	if err != nil {
		return err
	}
	models := []sample.X0Predictor{sample.FromNoise(eps)}
	for _, name := range c.Models {
		m, ok := lookupModel(name)
		if !ok || m.Build == nil {
			return fmt.Errorf("job %s (%s): model %q is not one this build can run (have %v)", env.ID, env.Kind, name, builtModels())
		}
		p, err := m.Build(x, st, c.Tau)
		if err != nil {
			return fmt.Errorf("job %s (%s): %s: %w", env.ID, env.Kind, name, err)
		}
		models = append(models, sample.FromVP(p))
	}
	opt := sample.DDIMDefaults()
	opt.Seed = c.Seed
	ts, err := sample.Timesteps(opt.Schedule.T(), opt.Steps)
	if err != nil {
		return err
	}
	n, ch, h, w := c.Samples, st.C, st.H, st.W
	// x̂0 of every model at every step, one recorder per mode.
	record := func(store [][]*tensor.Tensor) sample.Observer {
		return func(o sample.Observation) error {
			store[o.Model][o.Step] = o.X0.Clone()
			return nil
		}
	}
	newStore := func() [][]*tensor.Tensor {
		s := make([][]*tensor.Tensor, len(models))
		for i := range s {
			s[i] = make([]*tensor.Tensor, len(ts))
		}
		return s
	}
	start := time.Now()
	own := newStore()
	opt.Observer = record(own)
	env.Logf("DDIM of the network and %v on %s, %d samples", c.Models, c.Data.Data, n)
	res, err := sample.DDIM(ctx, models, n, ch, h, w, opt)
	if err != nil {
		return err
	}
	single := newStore()
	opt.Observer = record(single)
	env.Logf("single-step comparison on the network's trajectory")
	if _, err := sample.SingleStep(ctx, models, 0, n, ch, h, w, opt); err != nil {
		return err
	}
	cmp := comparison{T: ts, DDIM: map[string]curve{}, Single: map[string]curve{}}
	for mi, name := range c.Models {
		for _, mode := range []struct {
			store [][]*tensor.Tensor
			dst   map[string]curve
		}{{own, cmp.DDIM}, {single, cmp.Single}} {
			var cv curve
			for s := range ts {
				r2, mse, err := r2MSE(mode.store[mi+1][s].Data(), mode.store[0][s].Data(), n)
				if err != nil {
					return err
				}
				cv.R2, cv.MSE = append(cv.R2, finite(r2)), append(cv.MSE, finite(mse))
			}
			mode.dst[name] = cv
		}
	}
	if err := writeSampleGrid(env.Path(samplesGridFile), res, n, ch, h, w); err != nil {
		return err
	}
	env.SetMetric("compare", cmp)
	env.SetMetric("models", c.Models)
	env.SetMetric("samples", n)
	env.SetMetric("compare_seconds", time.Since(start).Seconds())
	return nil
}

// finite is &v, nil for NaN or ±Inf (not measured; JSON has no NaN).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// writeSampleGrid draws the first gridSamples samples of every model, a
// row per model, values in [−1,1].
func writeSampleGrid(path string, res []*sample.DDIMResult, n, c, h, w int) error {
	k := min(n, gridSamples)
	d := c * h * w
	grid := tensor.New(len(res)*k, c, h, w)
	for r, m := range res {
		copy(grid.Data()[r*k*d:(r+1)*k*d], m.Samples.Contiguous().Data()[:k*d])
	}
	return report.ImageGrid(path, grid, k, -1, 1, false)
}

// Seconds per unit of work on one thread, measured on 5000 MNIST images
// (N·d = 3.9·10⁶, 16 images per call, averaged over t = 900, 500, 100, 0):
// the locality model 0.075 s per image and step (per N·d², its work grows
// with the mask columns, which grow with d), the optimal model 0.35 ms (a
// GEMM, per N·d).
const (
	localitySecondsPerNDD = 0.075 / (5000 * 784 * 784)
	optimalSecondsPerND   = 0.35e-3 / (5000 * 784)
)

// locCompareCost: two passes (DDIM, single step) of 10 steps of every
// model; the network's forward pass is counted as a third of a training
// step's work per image.
func locCompareCost(c compareConfig) (float64, error) {
	d := float64(max(c.Data.Channels, 1) * c.Data.Size * c.Data.Size)
	n, N := float64(c.Samples), float64(c.Data.NTrain)
	perImage := d * 16 * 16 * tcStepSecondsPerUnit / 3 // the quick preset's base 16: an estimate
	for _, m := range c.Models {
		switch m {
		case "locality":
			perImage += N * d * d * localitySecondsPerNDD
		case "optimal", "nearest":
			perImage += N * d * optimalSecondsPerND
		case "scfdm": // the optimal model on each of its perturbed copies
			perImage += analytic.SCFDMNumNoise * N * d * optimalSecondsPerND
		}
	}
	return 2 * 10 * n * perImage, nil
}
