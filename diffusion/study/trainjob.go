package study

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
)

// kindTrain is the job that trains one model of the study; its config is
// the ModelSpec. It writes model.safetensors (and the train_state
// checkpoint it resumes from when it was stopped) and the metrics
// final_loss (smoothed loss at the last step), steps, steps_trained (by
// the invocation that finished it) and train_seconds (that invocation's
// wall time: the only metric that is a timing, not a result).
const kindTrain = "gahb-train"

func init() {
	plan.Register(kindTrain, "1", runTrain)
	plan.RegisterCost(kindTrain, trainCost)
}

func runTrain(ctx context.Context, env *plan.Env) error {
	var s ModelSpec
	if err := env.Config(&s); err != nil {
		return err
	}
	set, err := trainSet(s)
	if err != nil {
		return err
	}
	return trainModel(ctx, env, s.Label(), s.Train, set)
}

// trainModel trains cfg on set into the job's directory (resuming from its
// checkpoint, or finding the result of a run that finished before) and
// records the metrics of a training job: every study's train kind runs it.
func trainModel(ctx context.Context, env *plan.Env, label string, cfg train.Config, set *data.Set) error {
	// A job that finished training but not its metrics.json (killed in
	// between, or its metrics.json deleted to rerun it) has its result.
	var done trainResult
	if err := report.ReadJSON(env.Path(trainResultFile), &done); err == nil {
		env.Logf("%s: trained before, final loss %.4g", label, done.FinalLoss)
		done.set(env, 0, 0)
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var tr *train.Trainer
	var err error
	if _, err = os.Stat(env.Path(train.StateFile)); err == nil {
		tr, err = train.Resume(env.Dir, cfg, set)
		switch {
		case errors.Is(err, train.ErrTornCheckpoint):
			// Killed between the two files of a checkpoint: training is a
			// function of the config and the step, so starting over gives
			// the bits the lost run would have.
			env.Logf("%s: %v; training from step 0", label, err)
			tr = nil
		case err != nil:
			return err
		default:
			env.Logf("%s: resuming at step %d", label, tr.Step)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if tr == nil {
		if tr, err = train.New(cfg, set); err != nil {
			return err
		}
	}
	start, step0 := time.Now(), tr.Step
	var last time.Time
	res, err := tr.Run(ctx, env.Dir, func(p train.Progress) {
		if time.Since(last) < 10*time.Second && p.Step < p.Total {
			return
		}
		last = time.Now()
		env.Logf("%s: step %d/%d loss %.4g ETA %s", label, p.Step, p.Total, p.Smoothed, p.ETA.Round(time.Second))
	})
	if err != nil {
		return err
	}
	if res.Stopped {
		return fmt.Errorf("study: interrupted while training %s at step %d (checkpoint saved; rerun to resume): %w", label, res.Step, context.Canceled)
	}
	done = trainResult{FinalLoss: res.Smoothed, Steps: res.Step}
	if err := env.WriteFile(trainResultFile, func(w io.Writer) error { return json.NewEncoder(w).Encode(done) }); err != nil {
		return err
	}
	done.set(env, res.Step-step0, time.Since(start).Seconds())
	return nil
}

// trainResult is written once training has finished, before metrics.json.
type trainResult struct {
	FinalLoss float64 `json:"final_loss"`
	Steps     int     `json:"steps"`
}

const trainResultFile = "train_result.json"

// set records r's metrics, with the steps trained and seconds taken by this run.
func (r trainResult) set(env *plan.Env, trained int, seconds float64) {
	env.SetMetric("final_loss", r.FinalLoss)
	env.SetMetric("steps", r.Steps)
	env.SetMetric("steps_trained", trained)
	env.SetMetric("train_seconds", seconds)
}

// depNet loads the model trained by the job's dependency i (a gahb-train job).
func depNet(env *plan.Env, i int) (nn.Net, error) {
	if i >= len(env.Deps) || env.Deps[i].Kind != kindTrain {
		return nil, fmt.Errorf("job %s (%s): dependency %d is not a %s job", env.ID, env.Kind, i, kindTrain)
	}
	net, _, err := nn.LoadModel(env.Deps[i].Dir)
	return net, err
}

// stepSecondsPerUnit scales the estimate of a training step: the quick
// preset's step (batch 32 of 16×16 images, a 1-level UNet of base 16) takes
// about 16 ms on one core, and a step's work grows with batch × pixels ×
// base² (convolutions dominate). Deeper UNets add levels at a quarter of
// the pixels each, which this ignores: it is a plan-size estimate.
const stepSecondsPerUnit = 0.016 / (32 * 16 * 16 * 16 * 16)

// trainCost is a gahb-train job's estimated wall seconds on one core.
func trainCost(s ModelSpec) (float64, error) {
	c := s.Train
	return float64(c.Steps) * float64(c.Batch*c.Size*c.Size*c.Base*c.Base) * stepSecondsPerUnit, nil
}
