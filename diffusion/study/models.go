package study

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// ModelSpec identifies one trained denoiser: its training configuration
// (data source, pool size, network, optimization) and which subset of the
// pool it sees. Its hash names its directory, so a finished model is found
// again by its configuration and reused, by this run or the next.
type ModelSpec struct {
	Train train.Config `json:"train"`
	Split string       `json:"split"` // "S1" (first N of the pool) or "S2" (last N)
	N     int          `json:"n"`
	Label string       `json:"-"` // for progress lines only
}

// Key is a short hash of the spec.
func (m ModelSpec) Key() string { return hashOf(m) }

func hashOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// modelDone is written next to a finished model.
type modelDone struct {
	Spec    ModelSpec `json:"spec"`
	Loss    float64   `json:"final_loss"`
	Seconds float64   `json:"train_seconds"`
}

// Runner trains (or finds) models and caches results under Out.
type Runner struct {
	Out    string
	Preset Preset
	Log    io.Writer
	Ctx    context.Context

	// mu guards everything below: TrainAll trains several models at once.
	mu       sync.Mutex
	datasets map[string]*data.Dataset
	nets     map[string]nn.Net
	// Progress bookkeeping for the overall ETA.
	planned, finished  []string
	active             map[string]string // progress of the models in training
	workers            int               // models trained at once
	trainedSteps       int
	StepSecondsMeasure float64 // wall seconds per step of TrainAll (0 if it trained nothing)
}

// NewRunner prepares a runner writing into out.
func NewRunner(ctx context.Context, out string, p Preset, log io.Writer) *Runner {
	return &Runner{Out: out, Preset: p, Log: log, Ctx: ctx, datasets: map[string]*data.Dataset{}, nets: map[string]nn.Net{},
		active: map[string]string{}, workers: 1}
}

// Spec builds the model spec of the preset for a data source.
func (r *Runner) Spec(dataSpec string, shuffle bool, split string, n int) ModelSpec {
	p := r.Preset
	cfg := train.Config{
		Data: dataSpec, Size: p.Size, NTrain: p.pool(), NTest: p.NTest, DataSeed: p.Seed, Shuffle: shuffle,
		Arch: "bf-unet", Levels: p.Levels, Base: p.Base,
		Steps: p.Steps, Batch: p.Batch, LR: p.LR, LREvery: p.LREvery, LRFactor: p.LRFactor,
		Seed: p.Seed + uint64(n)*7919 + map[string]uint64{"S1": 0, "S2": 1}[split], CheckpointEvery: 500,
	}
	label := fmt.Sprintf("%s%s N=%d %s", dataSpec, map[bool]string{true: " shuffled"}[shuffle], n, split)
	return ModelSpec{Train: cfg, Split: split, N: n, Label: label}
}

// Plan registers the models a run will need, for the overall ETA.
func (r *Runner) Plan(specs ...ModelSpec) {
	for _, s := range specs {
		r.planned = append(r.planned, s.Key())
	}
}

// Data opens (once) the dataset of a spec.
func (r *Runner) Data(s ModelSpec) (*data.Dataset, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := s.Train
	key := fmt.Sprintf("%s|%d|%d|%d|%d|%v", c.Data, c.Size, c.NTrain, c.NTest, c.DataSeed, c.Shuffle)
	if ds, ok := r.datasets[key]; ok {
		return ds, nil
	}
	ds, err := c.OpenData()
	if err != nil {
		return nil, err
	}
	r.datasets[key] = ds
	return ds, nil
}

// TrainSet is the subset a model trains on.
func (r *Runner) TrainSet(s ModelSpec) (*data.Set, error) {
	ds, err := r.Data(s)
	if err != nil {
		return nil, err
	}
	s1, s2, err := ds.Train.Splits(s.N)
	if err != nil {
		return nil, err
	}
	if s.Split == "S2" {
		return s2, nil
	}
	return s1, nil
}

func (r *Runner) modelDir(s ModelSpec) string { return filepath.Join(r.Out, "models", s.Key()) }

// Model returns the trained network of s: loaded if a finished model is on
// disk, resumed from its last checkpoint if one was interrupted, else
// trained from scratch. Ctrl-C (ctx) stops training at a checkpoint.
func (r *Runner) Model(s ModelSpec) (nn.Net, error) {
	key := s.Key()
	r.mu.Lock()
	net, ok := r.nets[key]
	r.mu.Unlock()
	if ok {
		return net, nil
	}
	dir := r.modelDir(s)
	donePath := filepath.Join(dir, "done.json")
	if r.finishedOnDisk(s) {
		net, _, err := nn.LoadModel(dir)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.markFinished(key)
		fmt.Fprintf(r.Log, "model %s (%s): found in %s\n", s.Label, key, dir)
		r.nets[key] = net
		return net, nil
	}
	set, err := r.TrainSet(s)
	if err != nil {
		return nil, err
	}
	var tr *train.Trainer
	if _, err := os.Stat(filepath.Join(dir, train.StateFile)); err == nil {
		if tr, err = train.Resume(dir, s.Train, set); err != nil {
			return nil, err
		}
		fmt.Fprintf(r.Log, "model %s (%s): resuming at step %d\n", s.Label, key, tr.Step)
	} else if tr, err = train.New(s.Train, set); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := report.WriteJSON(filepath.Join(dir, "spec.json"), s); err != nil {
		return nil, err
	}
	start, step0 := time.Now(), tr.Step
	last := time.Time{}
	res, err := tr.Run(r.Ctx, dir, func(p train.Progress) {
		if time.Since(last) < 2*time.Second && p.Step < p.Total {
			return
		}
		last = time.Now()
		r.progressLine(s, p, step0, start)
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.active, key)
	fmt.Fprintln(r.Log)
	if err != nil {
		return nil, err
	}
	if res.Stopped {
		return nil, fmt.Errorf("study: interrupted while training %s at step %d (checkpoint saved; rerun to resume): %w", s.Label, res.Step, context.Canceled)
	}
	r.trainedSteps += res.Step - step0
	if err := report.WriteJSON(donePath, modelDone{Spec: s, Loss: res.Smoothed, Seconds: time.Since(start).Seconds()}); err != nil {
		return nil, err
	}
	net, err = nn.AsNet(tr.Model())
	if err != nil {
		return nil, err
	}
	r.markFinished(key)
	r.nets[key] = net
	return net, nil
}

func (r *Runner) markFinished(key string) {
	for _, k := range r.finished {
		if k == key {
			return
		}
	}
	r.finished = append(r.finished, key)
}

// progressLine prints, on one line, the step, loss and ETA of every model in
// training and the run's overall ETA (the steps left, at the measured
// seconds per step of one model, shared by the models trained at once).
func (r *Runner) progressLine(s ModelSpec, p train.Progress, step0 int, start time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	done := p.Step - step0
	perStep := time.Since(start).Seconds() / float64(max(done, 1))
	r.active[s.Key()] = fmt.Sprintf("[%s] step %d/%d loss %.4g ETA %s", s.Label, p.Step, p.Total, p.Smoothed, p.ETA.Round(time.Second))
	left := len(r.planned) - len(r.finished) - len(r.active)
	steps := float64(left*r.Preset.Steps) + float64(len(r.active))*float64(p.Total-p.Step)
	overall := time.Duration(steps * perStep / float64(r.workers) * float64(time.Second))
	lines := make([]string, 0, len(r.active))
	for _, l := range r.active {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	fmt.Fprintf(r.Log, "\rmodels done %d/%d  %s  training ETA %s   ",
		len(r.finished), len(r.planned), strings.Join(lines, "  "), overall.Round(time.Second))
}

// finishedOnDisk reports whether s was trained to the end by this or an
// earlier run.
func (r *Runner) finishedOnDisk(s ModelSpec) bool {
	_, err := os.Stat(filepath.Join(r.modelDir(s), "done.json"))
	return err == nil
}

// TrainAll trains the models of specs not finished yet, Threads() of them
// at once, and measures the seconds per step of the whole phase. The
// study's networks are small, and independent trainings keep the cores
// busier than one training split over all of them (the quick preset's
// 16×16 UNet: about 16 ms per step beside another training, 15 ms on two
// threads alone, so a pair takes about 1.9× less time). The trainings share
// the process's one worker pool: each splits its layers as it would alone,
// and a layer whose helpers are busy with the other training runs on its own
// goroutine, so no thread count is changed for them.
// A model's weights do not depend on the thread count, so they are the
// same as trained one after another. The first error stops the others at
// their next checkpoint.
func (r *Runner) TrainAll(specs []ModelSpec) error {
	var todo []ModelSpec
	for _, s := range specs {
		if !r.finishedOnDisk(s) {
			todo = append(todo, s)
		}
	}
	r.workers = max(1, min(tensor.Threads(), len(todo)))
	defer func() { r.workers = 1 }()
	parent := r.Ctx
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	r.Ctx = ctx // Model trains under r.Ctx
	defer func() { r.Ctx = parent }()

	start, steps0 := time.Now(), r.trainedSteps
	var next int
	var first error
	var wg sync.WaitGroup
	for range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				r.mu.Lock()
				i := next
				next++
				r.mu.Unlock()
				if i >= len(todo) || ctx.Err() != nil {
					return
				}
				if _, err := r.Model(todo[i]); err != nil {
					r.mu.Lock()
					if first == nil {
						first = err
					}
					r.mu.Unlock()
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	if err := parent.Err(); err != nil {
		return err
	}
	if steps := r.trainedSteps - steps0; steps > 0 {
		r.StepSecondsMeasure = time.Since(start).Seconds() / float64(steps)
	}
	return nil
}

// cacheChecker is implemented by results whose layout has changed over
// time: JSON decoding leaves fields missing from an older file at their
// zero values, which such a result can recognise as stale.
type cacheChecker interface{ cacheValid() bool }

// Cached returns the result stored under name+params in the run's cache,
// or computes, stores and returns it. Results are JSON, written atomically.
// A stored result that reports itself stale (cacheChecker) is recomputed.
func Cached[T any](r *Runner, name string, params any, compute func() (T, error)) (T, error) {
	path := filepath.Join(r.Out, "cache", name+"-"+hashOf(params)+".json")
	var v T
	if err := report.ReadJSON(path, &v); err == nil {
		if c, ok := any(v).(cacheChecker); !ok || c.cacheValid() {
			return v, nil
		}
		fmt.Fprintf(r.Log, "cache %s has an older layout: recomputing\n", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(r.Log, "cache %s unreadable (%v): recomputing\n", path, err)
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	return v, report.WriteJSON(path, v)
}
