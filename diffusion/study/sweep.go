package study

import (
	"context"
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// SweepResult holds the PSNR curves of the S1 model of each N.
type SweepResult struct {
	Ns    []int
	Train []metrics.Table // per N: output vs input PSNR on the model's training images
	Test  []metrics.Table // per N: on held-out images
}

// evalSet is the first n images of a set (all if fewer).
func evalSet(s *data.Set, n int) *data.Set {
	sub, _ := s.Slice(0, min(n, s.N))
	return sub
}

// kindSweep is the job of claim A.1's PSNR curves of one model: output vs
// input PSNR on its training images and on held-out images at EvalSigmas.
const kindSweep = "gahb-sweep"

// sweepConfig is a gahb-sweep job's config; its one dependency is the
// model's gahb-train job.
type sweepConfig struct {
	Model  ModelSpec `json:"model"`
	Sigmas []float64 `json:"sigmas"`
	NEval  int       `json:"n_eval"` // images per split
	Seed   uint64    `json:"seed"`   // the preset's: the noise draws use Seed+11 (train) and Seed+12 (test)
}

func init() { plan.Register(kindSweep, "1", runSweep) }

// runSweep writes the metrics "train" and "test" (metrics.Table each).
func runSweep(ctx context.Context, env *plan.Env) error {
	var c sweepConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	net, err := depNet(env, 0)
	if err != nil {
		return err
	}
	set, err := trainSet(c.Model)
	if err != nil {
		return err
	}
	ds, err := openData(c.Model.Train)
	if err != nil {
		return err
	}
	env.Logf("PSNR curves of %s", c.Model.Label())
	tr, err := metrics.Evaluate(ctx, denoise.Blind(net), "train", evalSet(set, c.NEval), c.Sigmas, c.Seed+11)
	if err != nil {
		return err
	}
	te, err := metrics.Evaluate(ctx, denoise.Blind(net), "test", evalSet(ds.Test, c.NEval), c.Sigmas, c.Seed+12)
	if err != nil {
		return err
	}
	env.SetMetric("train", tr)
	env.SetMetric("test", te)
	return nil
}

// Gap is train − test output PSNR of the i-th N at σ (NaN if σ absent).
func (s *SweepResult) Gap(i int, sigma float64) float64 {
	tr, te := rowAt(s.Train[i], sigma), rowAt(s.Test[i], sigma)
	if tr == nil || te == nil {
		return math.NaN()
	}
	return tr.PSNROut - te.PSNROut
}

func rowAt(t metrics.Table, sigma float64) *metrics.Row {
	for i := range t {
		if math.Abs(t[i].Sigma-sigma) < 1e-12 {
			return &t[i]
		}
	}
	return nil
}

// Write saves the table and figure of the sweep.
func (s *SweepResult) Write(out string) (*report.Table, error) {
	t := &report.Table{Header: []string{"N", "split", "sigma", "psnr_in", "psnr_out"}}
	p := &report.Plot{Title: "denoising: output vs input PSNR (solid train, dashed test)", XLabel: "input PSNR (dB)", YLabel: "output PSNR (dB)", LegendBottom: true}
	for i, n := range s.Ns {
		col := report.Palette[i%len(report.Palette)]
		for k, tab := range []metrics.Table{s.Train[i], s.Test[i]} {
			ser := report.Series{Markers: true, Dashed: k == 1, Color: &col}
			if k == 0 {
				ser.Name = fmt.Sprintf("N=%d", n)
			}
			for _, row := range tab {
				t.Add(n, row.Split, row.Sigma, row.PSNRIn, row.PSNROut)
				ser.X = append(ser.X, row.PSNRIn)
				ser.Y = append(ser.Y, row.PSNROut)
			}
			p.Series = append(p.Series, ser)
		}
	}
	// The identity line: no denoising.
	if len(s.Test) > 0 && len(s.Test[0]) > 0 {
		lo, hi := s.Test[0][len(s.Test[0])-1].PSNRIn, s.Test[0][0].PSNRIn
		p.Series = append(p.Series, report.Series{Name: "identity", X: []float64{lo, hi}, Y: []float64{lo, hi}, Dashed: true, Color: &report.Palette[7]})
	}
	if err := t.WriteCSV(out + "/tables/psnr_sweep.csv"); err != nil {
		return nil, err
	}
	return t, p.Save(out + "/figures/psnr_sweep.png")
}
