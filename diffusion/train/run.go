package train

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Progress is reported after every step.
type Progress struct {
	Step, Total int
	Loss        float64 // this step's batch loss
	Smoothed    float64 // exponential moving average of the loss (bias-corrected)
	ImagesPerS  float64 // images per second since Run started
	Elapsed     time.Duration
	ETA         time.Duration // at the current rate
}

// Result says how Run ended.
type Result struct {
	Step     int
	Stopped  bool // ctx was cancelled before Cfg.Steps was reached
	Smoothed float64
}

// lossSmoothing is the EMA weight of past losses in Progress.Smoothed.
const lossSmoothing = 0.98

// Run trains until Cfg.Steps, saving a checkpoint into dir every
// Cfg.CheckpointEvery steps and at the end ("" saves nothing). When ctx is
// cancelled (Ctrl-C, time limit) the current step finishes, a checkpoint is
// saved and Run returns with Result.Stopped and no error. A non-finite loss
// is an error naming the step; no checkpoint is written for it, so dir keeps
// the last good one.
func (t *Trainer) Run(ctx context.Context, dir string, progress func(Progress)) (Result, error) {
	start, startStep := time.Now(), t.Step
	save := func() error {
		if dir == "" {
			return nil
		}
		return t.Save(dir)
	}
	for t.Step < t.Cfg.Steps {
		if ctx.Err() != nil {
			return Result{Step: t.Step, Stopped: true, Smoothed: t.smoothed()}, save()
		}
		loss, err := t.TrainStep()
		if err != nil {
			return Result{Step: t.Step, Smoothed: t.smoothed()}, err
		}
		t.lossEMA = lossSmoothing*t.lossEMA + (1-lossSmoothing)*loss
		t.lossWeight = lossSmoothing*t.lossWeight + (1 - lossSmoothing)
		if progress != nil {
			progress(t.progress(loss, t.smoothed(), time.Since(start), t.Step-startStep))
		}
		if every := t.Cfg.CheckpointEvery; every > 0 && t.Step%every == 0 && t.Step < t.Cfg.Steps {
			if err := save(); err != nil {
				return Result{Step: t.Step}, err
			}
		}
	}
	return Result{Step: t.Step, Smoothed: t.smoothed()}, save()
}

// smoothed is the bias-corrected average of the losses so far (NaN before
// the first step).
func (t *Trainer) smoothed() float64 {
	if t.lossWeight == 0 {
		return math.NaN()
	}
	return t.lossEMA / t.lossWeight
}

func (t *Trainer) progress(loss, smooth float64, elapsed time.Duration, done int) Progress {
	p := Progress{Step: t.Step, Total: t.Cfg.Steps, Loss: loss, Smoothed: smooth, Elapsed: elapsed}
	if s := elapsed.Seconds(); s > 0 && done > 0 {
		p.ImagesPerS = float64(done*t.Cfg.Batch) / s
		p.ETA = time.Duration(float64(t.Cfg.Steps-t.Step) * s / float64(done) * float64(time.Second))
	}
	return p
}

// String formats the progress line the CLI redraws.
func (p Progress) String() string {
	return fmt.Sprintf("step %d/%d  loss %.4g  %.0f img/s  elapsed %s  ETA %s",
		p.Step, p.Total, p.Smoothed, p.ImagesPerS, p.Elapsed.Round(time.Second), p.ETA.Round(time.Second))
}
