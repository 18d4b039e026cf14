package nn

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// Model checkpoints follow the contract of the PyTorch twin torch_reference.py
// (see docs/reproduce.md): one safetensors file holding exactly the
// network's state dict (weights, gammas and running_sd, PyTorch names, float32)
// with header metadata arch, levels (bf-unet) or layers (bf-cnn), and base, all
// strings (Config.Meta; colour networks add channels). The reference loader rejects any extra tensor name, so training
// state (optimizer moments, RNG) never goes into this file. Extra metadata keys
// are ignored by the reference and may carry provenance (e.g. the step).

// SaveModel writes net's state dict to path atomically (temporary file,
// fsync, rename). extra metadata is added to the contract's keys, which it
// may not override.
func SaveModel(path string, net Net, extra map[string]string) error {
	meta := net.Config().Meta()
	for k, v := range extra {
		if _, ok := meta[k]; ok {
			return fmt.Errorf("checkpoint %s: metadata key %q is reserved for the architecture", path, k)
		}
		meta[k] = v
	}
	state := net.State()
	names := make([]string, len(state))
	values := make([]*tensor.Tensor, len(state))
	for i, p := range state {
		names[i], values[i] = p.Name, p.Value
	}
	return codec.SaveSafetensors(path, names, values, meta)
}

// Load reads a model checkpoint, builds the network its metadata names
// (ConfigFromMeta, New) and fills it with the stored tensors. path may be a
// checkpoint directory (its model.safetensors is read).
func Load(path string) (Net, Config, error) {
	net, _, err := LoadModel(path)
	if err != nil {
		return nil, Config{}, err
	}
	return net, net.Config(), nil
}

// LoadModel is Load returning the whole header metadata (the Config's keys
// and provenance such as the step) instead of the Config.
func LoadModel(path string) (Net, map[string]string, error) {
	path = ModelPath(path)
	meta, names, tensors, err := codec.LoadSafetensors(path)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	cfg, err := ConfigFromMeta(meta)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	net, err := New(cfg, tensor.NewRNG(0)) // every tensor is overwritten below
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := setState(net, names, tensors); err != nil {
		return nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return net, meta, nil
}

// LoadModelInto fills an existing network from a model checkpoint whose
// architecture must match net's exactly (resuming a run).
func LoadModelInto(path string, net Net) (map[string]string, error) {
	path = ModelPath(path)
	meta, names, tensors, err := codec.LoadSafetensors(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if got, err := ConfigFromMeta(meta); err != nil || got != net.Config() {
		return nil, fmt.Errorf("checkpoint %s: holds %s, expected %s", path, describeMeta(meta), Describe(net))
	}
	if err := setState(net, names, tensors); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return meta, nil
}

// ModelFile is the model's file name inside a training checkpoint directory
// (diffusion/train writes the training state beside it).
const ModelFile = "model.safetensors"

// ModelPath maps a checkpoint directory to its model file (ModelFile);
// other paths are returned unchanged.
func ModelPath(path string) string {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return filepath.Join(path, ModelFile)
	}
	return path
}

// Describe names a network's architecture for messages ("the bf-unet L=2 base 64").
func Describe(net Net) string { return net.Config().String() }

// describeMeta names what a checkpoint's metadata describes, also when it
// is no valid Config.
func describeMeta(m map[string]string) string {
	if c, err := ConfigFromMeta(m); err == nil {
		return c.String()
	}
	return fmt.Sprintf("an unreadable architecture (arch %q)", m["arch"])
}

// setState copies the stored tensors into net after checking that the names
// are exactly net's state dict and every shape matches.
func setState(net Net, names []string, tensors map[string]*tensor.Tensor) error {
	if err := CheckStateNames(net, names); err != nil {
		return err
	}
	for _, p := range net.State() {
		t := tensors[p.Name]
		if !slices.Equal(t.Shape(), p.Value.Shape()) {
			return fmt.Errorf("%s has shape %v, %s expects %v", p.Name, t.Shape(), Describe(net), p.Value.Shape())
		}
	}
	for _, p := range net.State() {
		copy(p.Value.Data(), tensors[p.Name].Contiguous().Data())
	}
	return nil
}

// CheckStateNames reports missing and unexpected tensor names against net's
// state dict.
func CheckStateNames(net Net, names []string) error {
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	want := map[string]bool{}
	var missing, extra []string
	for _, p := range net.State() {
		want[p.Name] = true
		if !have[p.Name] {
			missing = append(missing, p.Name)
		}
	}
	for _, n := range names {
		if !want[n] {
			extra = append(extra, n)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return nil
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("missing %d tensors %s", len(missing), listFew(missing)))
	}
	if len(extra) > 0 {
		parts = append(parts, fmt.Sprintf("%d unexpected tensors %s", len(extra), listFew(extra)))
	}
	return fmt.Errorf("names do not match %s: %s", Describe(net), strings.Join(parts, "; "))
}

func listFew(s []string) string {
	const show = 8
	if len(s) <= show {
		return "[" + strings.Join(s, " ") + "]"
	}
	return "[" + strings.Join(s[:show], " ") + fmt.Sprintf(" ... and %d more]", len(s)-show)
}
