package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/tensor"
)

// Results gathers everything the GAHB report shows.
type Results struct {
	Preset   Preset
	Sweep    *SweepResult
	TwoNets  []*TwoNet
	JacLarge *JacResult // S1 model at the largest N
	JacSmall *JacResult // S1 model at the smallest N (memorizing)
	Slopes   []*SlopeResult
	JacDisks *JacResult
	JacShuf  *JacResult
	JacPlain *JacResult // unshuffled counterpart of JacShuf
	// Timing: wall time of this invocation, seconds per training step
	// measured (0 if every model was found on disk), and the full preset's
	// estimated time.
	Wall            time.Duration
	StepSeconds     float64
	FullStepSeconds float64
	FullEstimate    time.Duration
	Models          int
	// TrainSeconds sums the recorded training time of every model (from
	// their done.json, whichever invocation trained them).
	TrainSeconds float64
}

// RunGAHB runs (or resumes) the whole study into out and writes the report.
func RunGAHB(ctx context.Context, p Preset, out string, log io.Writer) (*Results, error) {
	start := time.Now()
	if _, err := data.ParseSpec(p.Data); err != nil {
		return nil, err
	}
	for _, sub := range []string{"figures", "tables", "models", "cache"} {
		if err := os.MkdirAll(filepath.Join(out, sub), 0o755); err != nil {
			return nil, err
		}
	}
	r := NewRunner(ctx, out, p, log)
	res := &Results{Preset: p}
	specs := r.allSpecs()
	r.Plan(specs...)
	res.Models = len(specs)
	fmt.Fprintf(log, "GAHB study, preset %s: %d models of %d steps (%dx%d images, bf-unet %d level(s), base %d), output in %s\n",
		p.Name, res.Models, p.Steps, p.Size, p.Size, p.Levels, p.Base, out)
	if err := r.TrainAll(specs); err != nil {
		return nil, err
	}
	var err error
	if res.Sweep, err = r.Sweep(); err != nil {
		return nil, err
	}
	if res.TwoNets, err = r.TwoNets(); err != nil {
		return nil, err
	}
	large, small := p.largestN(), p.Ns[0]
	if res.JacLarge, err = r.Jacobians(r.Spec(p.Data, false, "S1", large), fmt.Sprintf("%s, N=%d", p.Data, large)); err != nil {
		return nil, err
	}
	if res.JacSmall, err = r.Jacobians(r.Spec(p.Data, false, "S1", small), fmt.Sprintf("%s, N=%d", p.Data, small)); err != nil {
		return nil, err
	}
	if res.Slopes, err = r.Slopes(); err != nil {
		return nil, err
	}
	if res.JacDisks, err = r.Jacobians(r.Spec("disks", false, "S1", p.SlopeN), fmt.Sprintf("disks, N=%d", p.SlopeN)); err != nil {
		return nil, err
	}
	if res.JacShuf, err = r.Jacobians(r.Spec(p.Data, true, "S1", p.SlopeN), fmt.Sprintf("shuffled %s, N=%d", p.Data, p.SlopeN)); err != nil {
		return nil, err
	}
	if res.JacPlain, err = r.Jacobians(r.Spec(p.Data, false, "S1", p.SlopeN), fmt.Sprintf("%s, N=%d", p.Data, p.SlopeN)); err != nil {
		return nil, err
	}
	res.StepSeconds = r.StepSecondsMeasure
	for _, s := range specs {
		var d modelDone
		if err := report.ReadJSON(filepath.Join(r.modelDir(s), "done.json"), &d); err == nil {
			res.TrainSeconds += d.Seconds
		}
	}
	if p.EstimateFull {
		fmt.Fprintln(log, "timing the full preset's training step for the report's estimate")
		if res.FullStepSeconds, err = StepSeconds(Full(), 3); err != nil {
			return nil, err
		}
		res.FullEstimate = EstimateFull(res.FullStepSeconds)
	}
	res.Wall = time.Since(start)
	if err := WriteGAHB(out, res); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "done in %s: %s\n", res.Wall.Round(time.Second), filepath.Join(out, "report.html"))
	return res, nil
}

// StepSeconds times training steps of a preset's network on random data
// (after one warm-up step) the way TrainAll runs them, Threads() models at
// once on the shared worker pool, and returns the wall time per step of the run
// (the time of one step divided by the models running together).
func StepSeconds(p Preset, steps int) (float64, error) {
	cfg := train.Config{Data: "cmix:2", Size: p.Size, NTrain: p.Batch, NTest: 1, Arch: "bf-unet", Levels: p.Levels, Base: p.Base,
		Steps: steps + 1, Batch: p.Batch, LR: p.LR, LRFactor: 1}
	set := &data.Set{Name: "timing", N: p.Batch, H: p.Size, W: p.Size, Pixels: make([]float32, p.Batch*p.Size*p.Size)}
	tensor.NewRNG(1).FillUniform(set.Pixels, 0, 1)
	workers := tensor.Threads()
	trainers := make([]*train.Trainer, workers)
	for i := range trainers {
		tr, err := train.New(cfg, set)
		if err != nil {
			return 0, err
		}
		trainers[i] = tr
	}
	errs := make([]error, workers)
	run := func(n int) {
		var wg sync.WaitGroup
		for i, tr := range trainers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range n {
					if _, err := tr.TrainStep(); err != nil && errs[i] == nil {
						errs[i] = err
					}
				}
			}()
		}
		wg.Wait()
	}
	run(1) // warm-up
	t0 := time.Now()
	run(steps)
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return time.Since(t0).Seconds() / float64(steps*workers), nil
}

// EstimateFull is the full preset's expected wall time: its models' training
// steps at the measured seconds per step, plus 15% for evaluation, sampling
// and Jacobians (their share in the quick preset).
func EstimateFull(stepSeconds float64) time.Duration {
	p := Full()
	models := len(NewRunner(context.Background(), "", p, io.Discard).allSpecs())
	return time.Duration(1.15 * float64(models*p.Steps) * stepSeconds * float64(time.Second))
}

// allSpecs lists every distinct model of the run (the sweep's S1 model at
// SlopeN doubles as a slope model when the sweep data is one of the C^α).
func (r *Runner) allSpecs() []ModelSpec {
	p := r.Preset
	seen := map[string]bool{}
	var out []ModelSpec
	add := func(s ModelSpec) {
		if !seen[s.Key()] {
			seen[s.Key()] = true
			out = append(out, s)
		}
	}
	for _, n := range p.Ns {
		add(r.Spec(p.Data, false, "S1", n))
		add(r.Spec(p.Data, false, "S2", n))
	}
	for _, s := range r.slopeSpecs() {
		add(s.spec)
	}
	return out
}
