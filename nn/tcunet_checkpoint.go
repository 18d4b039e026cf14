package nn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// tc-unet checkpoints follow torch_reference.py's contract: metadata
// {arch "tc-unet", channels, base, mult "1,2,2", res_blocks, groups} (all
// strings, as TCUNet.Meta writes them) and exactly the network's state dict.

// TCUNetFromMeta builds the tc-unet a checkpoint's metadata describes
// (weights zero, to be filled). Every key of TCUNet.Meta must be present.
func TCUNetFromMeta(meta map[string]string) (*TCUNet, error) {
	if a := meta["arch"]; a != "tc-unet" {
		return nil, fmt.Errorf("metadata arch %q is not tc-unet", a)
	}
	ints := map[string]int{}
	for _, k := range []string{"channels", "base", "res_blocks", "groups"} {
		s, ok := meta[k]
		if !ok {
			return nil, fmt.Errorf("tc-unet metadata has no %q", k)
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > 1<<16 {
			return nil, fmt.Errorf("tc-unet metadata %q = %q is not a positive integer", k, s)
		}
		ints[k] = v
	}
	s, ok := meta["mult"]
	if !ok {
		return nil, fmt.Errorf("tc-unet metadata has no \"mult\"")
	}
	var mult []int
	for _, f := range strings.Split(s, ",") {
		m, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || m < 1 || m > 1<<10 {
			return nil, fmt.Errorf("tc-unet metadata \"mult\" = %q is not a list of positive integers", s)
		}
		mult = append(mult, m)
	}
	return NewTCUNet(ints["channels"], ints["base"], mult, ints["res_blocks"], ints["groups"], tensor.NewRNG(0))
}

// LoadTCUNet reads a tc-unet checkpoint (a model .safetensors file or a
// checkpoint directory holding ModelFile) and returns the network and the
// whole header metadata. The tensor names must be exactly the state dict,
// every shape must match.
func LoadTCUNet(path string) (*TCUNet, map[string]string, error) {
	path = ModelPath(path)
	meta, names, tensors, err := codec.LoadSafetensors(path)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	net, err := TCUNetFromMeta(meta)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	state := net.State()
	want := make([]string, len(state))
	for i, p := range state {
		want[i] = p.Name
	}
	var missing, extra []string
	for _, n := range want {
		if _, ok := tensors[n]; !ok {
			missing = append(missing, n)
		}
	}
	for _, n := range names {
		if !slices.Contains(want, n) {
			extra = append(extra, n)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		return nil, nil, fmt.Errorf("checkpoint %s: names do not match the tc-unet of its metadata: missing %s, unexpected %s",
			path, listFew(missing), listFew(extra))
	}
	for _, p := range state {
		if t := tensors[p.Name]; !slices.Equal(t.Shape(), p.Value.Shape()) {
			return nil, nil, fmt.Errorf("checkpoint %s: %s has shape %v, the tc-unet of its metadata expects %v", path, p.Name, t.Shape(), p.Value.Shape())
		}
	}
	for _, p := range state {
		copy(p.Value.Data(), tensors[p.Name].Contiguous().Data())
	}
	return net, meta, nil
}

// SaveTCUNet writes net's state dict with its metadata (TCUNet.Meta) to path
// atomically; extra metadata may not override the architecture's keys.
func SaveTCUNet(path string, net *TCUNet, extra map[string]string) error {
	meta := net.Meta()
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
