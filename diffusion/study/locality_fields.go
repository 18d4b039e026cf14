package study

import (
	"context"
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// fieldsConfig is a locality-fields job's config (claim B.1): the
// network's sensitivity fields (row m of ∂x̂0/∂x_t, one VJP per pixel at a
// noisy held-out image) beside the Wiener filter's (row m of P/√ᾱ) for
// each output pixel m at each step t. Deps: locality-train, locality-stats.
type fieldsConfig struct {
	Data   train.Config `json:"data"`
	Steps  []int        `json:"steps"`
	Pixels []int        `json:"pixels"` // channel-major indices into C·H·W
	Seed   uint64       `json:"seed"`   // noise of x_t at step t: stream Seed + t
	// Blind adds the fields of a bias-free UNet (the job's third
	// dependency, a blind locality-train job) at y = x_t/√ᾱ, σ = σ_t,
	// against the Wiener filter's σ-space fields, at the steps whose σ_t
	// lies in its training range (σ ≤ 1 in [0,1] units, 2 in [−1,1]).
	Blind bool `json:"blind,omitempty"`
}

// blindMaxSigma is the largest σ (in [−1,1] units) a blind network of
// study A was trained at: σ = U² ≤ 1 in [0,1] units.
const blindMaxSigma = 2

// fieldsPanelFile is the job's figure: a row per step, a pair of columns
// (network, Wiener) per pixel.
const fieldsPanelFile = "fields.png"

func init() {
	plan.Register(kindLocFields, "1", runLocFields)
	plan.RegisterCost(kindLocFields, locFieldsCost)
}

// locFieldsCost: per step a forward pass and one VJP per pixel, each
// about a training step's work for one image (at the quick preset's base
// 16: an estimate; the fields are seconds beside the training).
func locFieldsCost(c fieldsConfig) (float64, error) {
	perImage := float64(c.Data.Size*c.Data.Size*16*16) * tcStepSecondsPerUnit
	return float64(len(c.Steps)*(1+len(c.Pixels))) * perImage, nil
}

// fieldPixels are k output pixels of a c×h×w image spread along its
// diagonal, away from the border (the centre first), in channel 0.
func fieldPixels(h, w, k int) []int {
	out := make([]int, 0, k)
	seen := map[int]bool{}
	for i := range k {
		// Offsets from the centre: 0, +1/4, −1/4, +3/8, … of the side.
		f := 0.5
		if i > 0 {
			s := float64((i+1)/2) / float64(k+1)
			if i%2 == 1 {
				f += s
			} else {
				f -= s
			}
		}
		y, x := min(h-1, int(f*float64(h))), min(w-1, int(f*float64(w)))
		if p := y*w + x; !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// runLocFields writes the metrics steps, sigmas (σ_t), pixels and cosine
// (per step, per pixel: cosine of the network's field to the Wiener
// field), with Blind cosine_blind (the bias-free UNet's, null where σ_t is
// beyond its training range), and fields.png.
func runLocFields(ctx context.Context, env *plan.Env) error {
	var c fieldsConfig
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
	ds, err := openData(dataOnly(c.Data))
	if err != nil {
		return err
	}
	if ds.Test.N < 1 {
		return fmt.Errorf("job %s (%s): %s has no held-out image for the fields", env.ID, env.Kind, c.Data.Data)
	}
	test, err := ds.Test.Slice(0, 1)
	if err != nil {
		return err
	}
	x0 := signed(test.Tensor())
	sched := schedule.DDPM()
	net := denoise.VP(eps, sched)
	var blind denoise.Denoiser
	if c.Blind {
		if len(env.Deps) < 3 || env.Deps[2].Kind != kindLocTrain {
			return fmt.Errorf("job %s (%s): the bias-free UNet's %s job is not its third dependency", env.ID, env.Kind, kindLocTrain)
		}
		bn, _, err := nn.LoadModel(env.Deps[2].Dir)
		if err != nil {
			return err
		}
		blind = denoise.Blind(bn)
	}
	cosines := make([][]float64, len(c.Steps))
	blindCos := make([][]float64, len(c.Steps))
	sigmas := make([]float64, len(c.Steps))
	var panel [][][]float64
	var rows, cols []string
	for _, p := range c.Pixels {
		cols = append(cols, fmt.Sprintf("net %d", p), fmt.Sprintf("wiener %d", p))
		if c.Blind {
			cols = append(cols, fmt.Sprintf("bf-unet %d", p))
		}
	}
	for i, t := range c.Steps {
		if t < 0 || t >= sched.T() {
			return fmt.Errorf("job %s (%s): field step t = %d outside [0, %d)", env.ID, env.Kind, t, sched.T())
		}
		ab := sched.AlphaBar[t]
		sigmas[i] = schedule.SigmaOfAlphaBar(ab)
		xt := noisyVP(x0, ab, c.Seed+uint64(t))
		nf, err := analytic.DenoiserFields(ctx, net, xt, ab, c.Pixels)
		if err != nil {
			return err
		}
		wf, err := analytic.WienerFields(st, c.Pixels, ab)
		if err != nil {
			return err
		}
		var bf, wfs [][]float64
		if c.Blind {
			// σ-space: y = x_t/√ᾱ = x0 + σ_t z; the Wiener field is P_σ's row.
			y := xt.Clone()
			for q, v := range y.Data() {
				y.Data()[q] = float32(float64(v) / math.Sqrt(ab))
			}
			if sigmas[i] <= blindMaxSigma {
				if bf, err = analytic.DenoiserFieldsSigma(ctx, blind, y, sigmas[i], c.Pixels); err != nil {
					return err
				}
			}
			for _, m := range c.Pixels {
				f, err := st.SensitivitySigma(m, sigmas[i]*sigmas[i], 1)
				if err != nil {
					return err
				}
				wfs = append(wfs, f)
			}
		}
		var row [][]float64
		for k := range c.Pixels {
			cosines[i] = append(cosines[i], cosineOrNaN(nf[k], wf[k]))
			row = append(row, nf[k], wf[k])
			if c.Blind {
				if bf == nil {
					blindCos[i] = append(blindCos[i], math.NaN())
					row = append(row, make([]float64, len(wf[k])))
					continue
				}
				blindCos[i] = append(blindCos[i], cosineOrNaN(bf[k], wfs[k]))
				row = append(row, bf[k])
			}
		}
		panel = append(panel, row)
		rows = append(rows, fmt.Sprintf("t=%d", t))
		env.Logf("fields of %s at t=%d (σ=%.3g): cosine to Wiener %v", c.Data.Data, t, sigmas[i], fmtFloats(cosines[i]))
	}
	if err := report.FieldPanel(env.Path(fieldsPanelFile), panel, st.C, st.H, st.W, rows, cols); err != nil {
		return err
	}
	env.SetMetric("steps", c.Steps)
	env.SetMetric("sigmas", sigmas)
	env.SetMetric("pixels", c.Pixels)
	env.SetMetric("cosine", nanToNull(cosines))
	if c.Blind {
		env.SetMetric("cosine_blind", nanToNull(blindCos))
	}
	return nil
}

// cosineOrNaN is the cosine of two fields, NaN (not measured) when one is
// zero and has no direction.
func cosineOrNaN(a, b []float64) float64 {
	cos, err := analytic.Cosine(a, b)
	if err != nil {
		return math.NaN()
	}
	return cos
}

// noisyVP is x_t = √ᾱ x0 + √(1−ᾱ) ε for one image x0 [1,C,H,W], ε drawn
// from seed.
func noisyVP(x0 *tensor.Tensor, alphabar float64, seed uint64) *tensor.Tensor {
	xt := tensor.New(x0.Shape()...)
	tensor.NewRNG(seed).FillNormal(xt.Data(), 0, 1)
	ra, rb := math.Sqrt(alphabar), math.Sqrt(1-alphabar)
	for i, v := range x0.Contiguous().Data() {
		xt.Data()[i] = float32(ra*float64(v) + rb*float64(xt.Data()[i]))
	}
	return xt
}

// nanToNull turns NaN (not measured) into nil pointers: JSON has no NaN.
func nanToNull(v [][]float64) [][]*float64 {
	out := make([][]*float64, len(v))
	for i, row := range v {
		out[i] = make([]*float64, len(row))
		for k, x := range row {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				out[i][k] = &x
			}
		}
	}
	return out
}

func fmtFloats(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = f3(x)
	}
	return out
}
