package train

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// A training checkpoint is a directory:
//
//	model.safetensors        the network, exactly the torch_reference.py
//	                         contract (loadable by PyTorch), plus metadata
//	                         "step"
//	train_state.safetensors  Adam moments "adam.m.<param>", "adam.v.<param>";
//	                         metadata: format, step, adam_step, rng (hex of the
//	                         noise generator's exact state), config (JSON)
//
// Each file is written atomically; train_state first, then the model, and
// both carry the step, so a crash between the two is detected on resume.
const (
	StateFile   = "train_state.safetensors"
	stateFormat = "harmonic-train-state/1"
)

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
		"format":    stateFormat,
		"step":      step,
		"adam_step": strconv.Itoa(t.Opt.Step),
		"rng":       hex.EncodeToString(rng),
		"config":    t.Cfg.marshal(),
	}
	var names []string
	var values []*tensor.Tensor
	for i, p := range t.Net.Params() {
		names = append(names, "adam.m."+p.Name, "adam.v."+p.Name)
		values = append(values, t.Opt.M[i], t.Opt.V[i])
	}
	if err := tensor.SaveSafetensors(filepath.Join(dir, StateFile), names, values, meta); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nn.SaveModel(filepath.Join(dir, nn.ModelFile), t.Net, map[string]string{"step": step})
}

// LoadConfig reads the run configuration stored in a checkpoint directory.
func LoadConfig(dir string) (Config, error) {
	meta, _, _, err := loadState(dir)
	if err != nil {
		return Config{}, err
	}
	return parseConfig(meta["config"])
}

func loadState(dir string) (map[string]string, []string, map[string]*tensor.Tensor, error) {
	path := filepath.Join(dir, StateFile)
	meta, names, tensors, err := tensor.LoadSafetensors(path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint: %w (is %s a directory written by harmonic train?)", err, dir)
	}
	if meta["format"] != stateFormat {
		return nil, nil, nil, fmt.Errorf("checkpoint %s: format %q, want %q", path, meta["format"], stateFormat)
	}
	return meta, names, tensors, nil
}

// Resume restores the run saved in dir on the training set (which must be
// the one its config describes; see Config.OpenData). cfg is the stored
// config, possibly with more Steps or another CheckpointEvery; every other
// field must be unchanged.
func Resume(dir string, cfg Config, set *data.Set) (*Trainer, error) {
	meta, names, tensors, err := loadState(dir)
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
	modelMeta, err := nn.LoadModelInto(filepath.Join(dir, nn.ModelFile), net)
	if err != nil {
		return nil, err
	}
	if modelMeta["step"] != meta["step"] {
		return nil, fmt.Errorf("checkpoint %s: model is at step %s but the training state at step %s (interrupted save?)", dir, modelMeta["step"], meta["step"])
	}
	step, err1 := strconv.Atoi(meta["step"])
	adamStep, err2 := strconv.Atoi(meta["adam_step"])
	rngState, err3 := hex.DecodeString(meta["rng"])
	if err1 != nil || err2 != nil || err3 != nil || step < 0 {
		return nil, fmt.Errorf("checkpoint %s: bad step %q, adam_step %q or rng metadata", path, meta["step"], meta["adam_step"])
	}
	noise := tensor.NewRNG(0)
	if err := noise.UnmarshalBinary(rngState); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	t, err := newTrainer(cfg, set, net, noise)
	if err != nil {
		return nil, err
	}
	t.Step, t.Opt.Step = step, adamStep
	return t, t.loadMoments(path, names, tensors)
}

// loadMoments copies the Adam moments after checking names and shapes.
func (t *Trainer) loadMoments(path string, names []string, tensors map[string]*tensor.Tensor) error {
	var want []string
	for _, p := range t.Net.Params() {
		want = append(want, "adam.m."+p.Name, "adam.v."+p.Name)
	}
	if len(names) != len(want) {
		return fmt.Errorf("checkpoint %s: holds %d optimizer tensors, %s needs %d", path, len(names), nn.Describe(t.Net), len(want))
	}
	for i, p := range t.Net.Params() {
		for _, mv := range []struct {
			name string
			dst  *tensor.Tensor
		}{{"adam.m." + p.Name, t.Opt.M[i]}, {"adam.v." + p.Name, t.Opt.V[i]}} {
			src, ok := tensors[mv.name]
			if !ok {
				return fmt.Errorf("checkpoint %s: missing %s", path, mv.name)
			}
			if !slices.Equal(src.Shape(), mv.dst.Shape()) {
				return fmt.Errorf("checkpoint %s: %s has shape %v, want %v", path, mv.name, src.Shape(), mv.dst.Shape())
			}
			copy(mv.dst.Data(), src.Contiguous().Data())
		}
	}
	return nil
}

// resumeKey is the config without the fields a resumed run may change.
func resumeKey(c Config) string {
	c.Steps, c.CheckpointEvery = 0, 0
	return c.marshal()
}
