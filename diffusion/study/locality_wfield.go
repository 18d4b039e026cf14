package study

import (
	"context"
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
)

// kindLocWField is claim B.2's job: the sensitivity fields of a network
// trained on W-manipulated images (x + γ·c·W) beside those of the network
// trained on the same images without the W, at output pixels on the W and
// noise levels well below the W's standard deviation, and how much more of
// its field energy the W network puts on the W mask.
const kindLocWField = "locality-wfield"

// wFieldConfig is a locality-wfield job's config. Deps: the W network's
// locality-train job, then the plain network's.
type wFieldConfig struct {
	Data   train.Config `json:"data"` // the W-manipulated data (WGamma > 0)
	Steps  []int        `json:"steps"`
	Pixels int          `json:"pixels"` // output pixels on the W mask
	Seed   uint64       `json:"seed"`
}

const wFieldsPanelFile = "wfields.png"

func init() {
	plan.Register(kindLocWField, "1", runLocWField)
	plan.RegisterCost(kindLocWField, func(c wFieldConfig) (float64, error) {
		perImage := float64(c.Data.Size*c.Data.Size*16*16) * tcStepSecondsPerUnit // base 16: an estimate
		return 2 * float64(len(c.Steps)*(1+c.Pixels)) * perImage, nil
	})
}

// wStd is the standard deviation of the W's added values in the networks'
// [−1,1] units: 2γ·std(c), c ~ U[−1,1] (std 1/√3).
func wStd(gamma float64) float64 { return 2 * gamma / math.Sqrt(3) }

// wSteps are the DDPM steps whose σ_t is well below (a third of) the W's
// std, at most the three largest of a fixed list: there the network must
// look along the W to tell its coefficient from the noise.
func wSteps(gamma float64) []int {
	sched := schedule.DDPM()
	var out []int
	for _, t := range []int{1, 2, 5, 10, 20, 50, 100, 200} {
		if schedule.SigmaOfAlphaBar(sched.AlphaBar[t]) <= wStd(gamma)/3 {
			out = append(out, t)
		}
	}
	return out[max(0, len(out)-3):]
}

// wPixels are k output pixels on the mask (1 values), spread along its
// pixel list.
func wPixels(mask []float32, k int) []int {
	var on []int
	for i, v := range mask {
		if v != 0 {
			on = append(on, i)
		}
	}
	var out []int
	for i := range min(k, len(on)) {
		out = append(out, on[(2*i+1)*len(on)/(2*min(k, len(on)))])
	}
	return out
}

// maskShare is the share of a field's energy Σf² on the mask, counting
// only input pixels outside the 3×3 neighbourhood of the output pixel m
// (whose own value dominates any field at small σ): NaN for a field with
// no energy there.
func maskShare(f []float64, mask []float32, m, w int) float64 {
	my, mx := m/w, m%w
	var on, all float64
	for q, v := range f {
		if y, x := q/w, q%w; max(abs(y-my), abs(x-mx)) <= 1 {
			continue
		}
		all += v * v
		if mask[q] != 0 {
			on += v * v
		}
	}
	if all == 0 {
		return math.NaN()
	}
	return on / all
}

func abs(v int) int { return max(v, -v) }

// runLocWField writes the metrics gamma, w_std, steps, sigmas, pixels,
// share_w and share_plain (per step, per pixel) and ratio (their ratio),
// and wfields.png.
func runLocWField(ctx context.Context, env *plan.Env) error {
	var c wFieldConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	if len(env.Deps) != 2 || env.Deps[0].Kind != kindLocTrain || env.Deps[1].Kind != kindLocTrain {
		return fmt.Errorf("job %s (%s): want two %s dependencies (W network, plain network)", env.ID, env.Kind, kindLocTrain)
	}
	var nets [2]*denoise.VPNet
	sched := schedule.DDPM()
	for i, d := range env.Deps {
		m, _, err := nn.LoadAny(d.Dir)
		if err != nil {
			return err
		}
		net, err := nn.AsConditioned(m)
		if err != nil {
			return err
		}
		nets[i] = denoise.VP(denoise.EpsNet{Net: net}, sched)
	}
	plain := c.Data
	plain.WGamma = 0
	ds, err := openData(plain)
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
	h, w := test.H, test.W
	mask := data.WMask(h, w)
	pixels := wPixels(mask, c.Pixels)
	if len(pixels) == 0 {
		return fmt.Errorf("job %s (%s): the W mask of %dx%d images is empty", env.ID, env.Kind, h, w)
	}
	shares := [2][][]float64{make([][]float64, len(c.Steps)), make([][]float64, len(c.Steps))}
	ratio := make([][]float64, len(c.Steps))
	sigmas := make([]float64, len(c.Steps))
	var panel [][][]float64
	var rows []string
	cols := []string{"W mask"}
	for _, p := range pixels {
		cols = append(cols, fmt.Sprintf("W net %d", p), fmt.Sprintf("plain %d", p))
	}
	maskField := make([]float64, len(mask))
	for i, v := range mask {
		maskField[i] = float64(v)
	}
	for i, t := range c.Steps {
		ab := sched.AlphaBar[t]
		sigmas[i] = schedule.SigmaOfAlphaBar(ab)
		xt := noisyVP(x0, ab, c.Seed+uint64(t))
		var fields [2][][]float64
		for k, net := range nets {
			if fields[k], err = analytic.DenoiserFields(ctx, net, xt, ab, pixels); err != nil {
				return err
			}
		}
		row := [][]float64{maskField}
		for j, p := range pixels {
			sw, sp := maskShare(fields[0][j], mask, p, w), maskShare(fields[1][j], mask, p, w)
			shares[0][i], shares[1][i] = append(shares[0][i], sw), append(shares[1][i], sp)
			ratio[i] = append(ratio[i], sw/sp)
			row = append(row, fields[0][j], fields[1][j])
		}
		panel = append(panel, row)
		rows = append(rows, fmt.Sprintf("t=%d", t))
		env.Logf("W fields of %s (γ=%g) at t=%d (σ=%.3g): mask share %v vs %v without the W", c.Data.Data, c.Data.WGamma, t, sigmas[i], fmtFloats(shares[0][i]), fmtFloats(shares[1][i]))
	}
	if err := report.FieldPanel(env.Path(wFieldsPanelFile), panel, 1, h, w, rows, cols); err != nil {
		return err
	}
	env.SetMetric("gamma", c.Data.WGamma)
	env.SetMetric("w_std", wStd(c.Data.WGamma))
	env.SetMetric("steps", c.Steps)
	env.SetMetric("sigmas", sigmas)
	env.SetMetric("pixels", pixels)
	env.SetMetric("share_w", nanToNull(shares[0]))
	env.SetMetric("share_plain", nanToNull(shares[1]))
	env.SetMetric("ratio", nanToNull(ratio))
	return nil
}
