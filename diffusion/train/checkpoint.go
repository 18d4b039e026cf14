package train

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// A training checkpoint is a directory:
//
//	model.safetensors        the network, exactly the torch_reference.py
//	                         contract (loadable by PyTorch), plus metadata
//	                         "step" and, for a conditioned objective, what
//	                         Config.ModelMeta records (objective, heat_k,
//	                         heat_sigma_max, heat_sigma); with Config.EMA
//	                         the averaged weights
//	train_state.safetensors  Adam moments "adam.m.<param>", "adam.v.<param>"
//	                         (nn.SaveAdam), with Config.EMA the raw weights
//	                         "raw.<tensor>"; metadata: adam.step, adam.beta1/2,
//	                         adam.eps, format, step, rng (hex of the noise
//	                         generator's exact state), config (JSON),
//	                         loss_ema and loss_weight (the smoothed loss's
//	                         running sums, exact; absent in older states)
//
// Each file is written atomically; train_state first, then the model, and
// both carry the step, so a crash between the two is detected on resume
// (ErrTornCheckpoint).
const (
	StateFile   = "train_state.safetensors"
	stateFormat = "harmonic-train-state/1"
)

// ErrTornCheckpoint is the error (under errors.Is) of Resume from a
// directory whose training state has no model beside it from the same
// step: the process was killed between the two writes of Save. Such a run
// cannot resume; it can only start over.
var ErrTornCheckpoint = errors.New("torn checkpoint")

// Save writes the checkpoint of the current step into dir (created if
// needed).
func (t *Trainer) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	rng, err := t.noise.MarshalBinary()
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	step := strconv.Itoa(t.Step)
	meta := map[string]string{
		"format": stateFormat,
		"step":   step,
		"rng":    hex.EncodeToString(rng),
		"config": t.Cfg.marshal(),
		// 'g' with -1 digits round-trips a float64 exactly.
		"loss_ema":    strconv.FormatFloat(t.lossEMA, 'g', -1, 64),
		"loss_weight": strconv.FormatFloat(t.lossWeight, 'g', -1, 64),
	}
	if err := nn.SaveAdamWith(filepath.Join(dir, StateFile), t.Opt, meta, t.rawState()); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	modelMeta := t.Cfg.ModelMeta()
	modelMeta["step"] = step
	return nn.SaveModel(filepath.Join(dir, nn.ModelFile), t.Model(), modelMeta)
}

// Model is the network the run's model file holds: the EMA weights when
// Config.EMA is set, the trained ones otherwise.
func (t *Trainer) Model() nn.Model {
	if t.EMA != nil {
		return t.EMA
	}
	return t.Net
}

// rawState names the trained weights for the training state when the model
// file holds their average (nil otherwise): "raw.<tensor>", sharing Net's
// storage.
func (t *Trainer) rawState() []*nn.Param {
	if t.EMA == nil {
		return nil
	}
	var out []*nn.Param
	for _, p := range t.Net.State() {
		out = append(out, &nn.Param{Name: "raw." + p.Name, Value: p.Value, Buffer: p.Buffer})
	}
	return out
}

// LoadConfig reads the run configuration stored in a checkpoint directory.
func LoadConfig(dir string) (Config, error) {
	meta, err := loadState(dir)
	if err != nil {
		return Config{}, err
	}
	return parseConfig(meta["config"])
}

// loadState reads the training state's metadata (the moments are read by
// nn.LoadAdam once the network exists).
func loadState(dir string) (map[string]string, error) {
	path := filepath.Join(dir, StateFile)
	meta, _, _, err := codec.LoadSafetensors(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w (is %s a directory written by harmonic train?)", err, dir)
	}
	if meta["format"] != stateFormat {
		return nil, fmt.Errorf("checkpoint %s: format %q, want %q", path, meta["format"], stateFormat)
	}
	return meta, nil
}

// Resume restores the run saved in dir on the training set (which must be
// the one its config describes; see Config.OpenData). cfg is the stored
// config, possibly with more Steps or another CheckpointEvery; every other
// field must be unchanged.
func Resume(dir string, cfg Config, set *data.Set) (*Trainer, error) {
	meta, err := loadState(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, StateFile)
	stored, err := parseConfig(meta["config"])
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if a, b := resumeKey(stored), resumeKey(cfg); a != b {
		return nil, fmt.Errorf("checkpoint %s: resuming with a different configuration:\n stored %s\n given  %s", path, stored.marshal(), cfg.marshal())
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	net, err := cfg.NewNet()
	if err != nil {
		return nil, err
	}
	step, err1 := strconv.Atoi(meta["step"])
	rngState, err2 := hex.DecodeString(meta["rng"])
	if err1 != nil || err2 != nil || step < 0 {
		return nil, fmt.Errorf("checkpoint %s: bad step %q or rng metadata", path, meta["step"])
	}
	noise := tensor.NewRNG(0)
	if err := noise.UnmarshalBinary(rngState); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	t, err := newTrainer(cfg, set, net, noise)
	if err != nil {
		return nil, err
	}
	modelPath := filepath.Join(dir, nn.ModelFile)
	if _, err := os.Stat(modelPath); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("checkpoint %s: %w: a training state at step %s but no %s (interrupted save?)", dir, ErrTornCheckpoint, meta["step"], nn.ModelFile)
	}
	modelMeta, err := nn.LoadModelInto(modelPath, t.Model())
	if err != nil {
		return nil, err
	}
	if modelMeta["step"] != meta["step"] {
		return nil, fmt.Errorf("checkpoint %s: %w: model is at step %s but the training state at step %s (interrupted save?)", dir, ErrTornCheckpoint, modelMeta["step"], meta["step"])
	}
	if _, err := nn.LoadAdamWith(path, t.Opt, t.rawState()); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if err := t.restoreLoss(meta); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	t.Step = step
	return t, nil
}

// resumeKey is the config without the fields a resumed run may change.
func resumeKey(c Config) string {
	c.Steps, c.CheckpointEvery = 0, 0
	return c.marshal()
}

// Model metadata keys of the training objective (ModelMeta).
const (
	MetaObjective    = "objective"
	MetaHeatK        = "heat_k"
	MetaHeatSigmaMax = "heat_sigma_max"
	MetaHeatSigma    = "heat_sigma"
)

// ModelMeta is what the model file records of the training beside the
// architecture, so that the file alone says which process its network
// inverts: for vp-eps and heat the objective, for heat also K, σ_max and
// the input noise σ (a sampler on another schedule refuses it; see
// LoadHeat). A blind run records nothing here, so study A's model files
// keep their bytes.
func (c Config) ModelMeta() map[string]string {
	meta := map[string]string{}
	if c.Objective == "" {
		return meta
	}
	meta[MetaObjective] = c.Objective
	if c.Objective == "heat" {
		meta[MetaHeatK] = strconv.Itoa(c.HeatLevels())
		meta[MetaHeatSigmaMax] = strconv.FormatFloat(c.HeatSigmaMaxOrDefault(), 'g', -1, 64)
		meta[MetaHeatSigma] = strconv.FormatFloat(HeatNoise, 'g', -1, 64)
	}
	return meta
}

// restoreLoss sets the smoothed loss's running sums from a state's
// metadata; a state written before they were saved restarts them at zero
// (the smoothed loss then covers the resumed steps only, as it used to).
func (t *Trainer) restoreLoss(meta map[string]string) error {
	a, aok := meta["loss_ema"]
	w, wok := meta["loss_weight"]
	if !aok && !wok {
		return nil
	}
	ema, err1 := strconv.ParseFloat(a, 64)
	weight, err2 := strconv.ParseFloat(w, 64)
	if err1 != nil || err2 != nil || !(weight >= 0 && weight <= 1) || math.IsNaN(ema) || math.IsInf(ema, 0) {
		return fmt.Errorf("bad loss_ema %q or loss_weight %q metadata", a, w)
	}
	t.lossEMA, t.lossWeight = ema, weight
	return nil
}
