package study

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/report"
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

// Sweep evaluates the S1 model of every N on its training images and on
// held-out images at EvalSigmas (claim A.1).
func (r *Runner) Sweep() (*SweepResult, error) {
	p := r.Preset
	res := &SweepResult{Ns: p.Ns}
	for _, n := range p.Ns {
		spec := r.Spec(p.Data, false, "S1", n)
		type pair struct{ Train, Test metrics.Table }
		v, err := Cached(r, "sweep", []any{spec.Key(), p.EvalSigmas, p.NEval}, func() (pair, error) {
			net, err := r.Model(spec)
			if err != nil {
				return pair{}, err
			}
			set, err := r.TrainSet(spec)
			if err != nil {
				return pair{}, err
			}
			ds, _ := r.Data(spec)
			tr, err := metrics.Evaluate(r.Ctx, denoise.Blind(net), "train", evalSet(set, p.NEval), p.EvalSigmas, p.Seed+11)
			if err != nil {
				return pair{}, err
			}
			te, err := metrics.Evaluate(r.Ctx, denoise.Blind(net), "test", evalSet(ds.Test, p.NEval), p.EvalSigmas, p.Seed+12)
			return pair{tr, te}, err
		})
		if err != nil {
			return nil, err
		}
		res.Train = append(res.Train, v.Train)
		res.Test = append(res.Test, v.Test)
	}
	return res, nil
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
