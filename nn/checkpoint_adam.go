package nn

import (
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// Optimizer checkpoints (SaveAdam / LoadAdam) and the helpers they share;
// diffusion/train saves its run state with them, beside the model.

func metaInt(meta map[string]string, key string) (int, error) {
	s, ok := meta[key]
	if !ok {
		return 0, fmt.Errorf("metadata has no %q", key)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("metadata %q = %q is not an integer", key, s)
	}
	return n, nil
}

// fillState copies tensors into state, requiring the same set of names and
// equal shapes.
func fillState(state []*Param, tensors map[string]*tensor.Tensor) error {
	want := map[string]bool{}
	var missing, extra []string
	for _, p := range state {
		want[p.Name] = true
		if _, ok := tensors[p.Name]; !ok {
			missing = append(missing, p.Name)
		}
	}
	for name := range tensors {
		if !want[name] {
			extra = append(extra, name)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		sort.Strings(extra)
		return fmt.Errorf("tensor names differ from the network's: missing %v, unexpected %v", clip(missing), clip(extra))
	}
	for _, p := range state {
		t := tensors[p.Name]
		if !slices.Equal(t.Shape(), p.Value.Shape()) {
			return fmt.Errorf("%s has shape %v, the network needs %v", p.Name, t.Shape(), p.Value.Shape())
		}
	}
	for _, p := range state {
		copy(p.Value.Data(), tensors[p.Name].Contiguous().Data())
	}
	return nil
}

// clip keeps error messages short when a whole network is missing.
func clip(s []string) []string {
	if len(s) > 8 {
		return append(s[:8:8], fmt.Sprintf("... (%d more)", len(s)-8))
	}
	return s
}

// SaveAdam writes the optimizer state (moments named adam.m.<param> and
// adam.v.<param>, the step count in the metadata) so training resumes exactly.
func SaveAdam(path string, a *Adam, extra map[string]string) error {
	return SaveAdamWith(path, a, extra, nil)
}

// SaveAdamWith is SaveAdam that also stores the tensors more (under their
// names, after the moments): run state the optimizer does not own, such as
// the raw weights of a run whose model file holds their moving average.
func SaveAdamWith(path string, a *Adam, extra map[string]string, more []*Param) error {
	meta := map[string]string{}
	for k, v := range extra {
		meta[k] = v
	}
	meta["adam.step"] = strconv.Itoa(a.Step)
	for k, v := range map[string]float64{"adam.beta1": a.Beta1, "adam.beta2": a.Beta2, "adam.eps": a.Eps} {
		meta[k] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	var names []string
	var ts []*tensor.Tensor
	for i, p := range a.params {
		names = append(names, "adam.m."+p.Name, "adam.v."+p.Name)
		ts = append(ts, a.M[i], a.V[i])
	}
	for _, p := range more {
		names = append(names, p.Name)
		ts = append(ts, p.Value)
	}
	return codec.SaveSafetensors(path, names, ts, meta)
}

// LoadAdam restores the state written by SaveAdam into a (built over the same
// parameters) and returns the file's metadata.
func LoadAdam(path string, a *Adam) (map[string]string, error) {
	return LoadAdamWith(path, a, nil)
}

// LoadAdamWith restores a state written by SaveAdamWith, filling more (the
// file must hold exactly the moments and more's names).
func LoadAdamWith(path string, a *Adam, more []*Param) (map[string]string, error) {
	meta, _, tensors, err := codec.LoadSafetensors(path)
	if err != nil {
		return nil, err
	}
	var state []*Param
	for i, p := range a.params {
		state = append(state, &Param{Name: "adam.m." + p.Name, Value: a.M[i]}, &Param{Name: "adam.v." + p.Name, Value: a.V[i]})
	}
	state = append(state, more...)
	step, err := metaInt(meta, "adam.step")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	hyper := map[string]float64{"adam.beta1": a.Beta1, "adam.beta2": a.Beta2, "adam.eps": a.Eps}
	for k := range hyper {
		if s, ok := meta[k]; ok {
			if hyper[k], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("%s: metadata %q = %q is not a number", path, k, s)
			}
		}
	}
	if err := fillState(state, tensors); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a.Beta1, a.Beta2, a.Eps = hyper["adam.beta1"], hyper["adam.beta2"], hyper["adam.eps"]
	a.Step = step
	return meta, nil
}
