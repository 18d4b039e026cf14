package train

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/nn"
)

// HeatCheckpoint is a network trained with the heat objective, with the
// schedule it was trained on: what the heat sampler needs.
type HeatCheckpoint struct {
	Net      nn.Conditioned
	Schedule heat.Schedule
	// SigmaMax is σ_max as the run was configured (the schedule's last
	// σ_B is exp(log σ_max), which may differ in the last bit).
	SigmaMax float64
	// Sigma is the input noise σ of training (δ = 1.25σ by default).
	Sigma float64
	// Run is the run's configuration when the checkpoint is a directory
	// holding its training state (nil for a bare model file).
	Run *Config
	// Meta is the model file's header metadata.
	Meta map[string]string
}

// LoadHeat loads a heat checkpoint (a directory or its model file) to
// sample with K levels up to σ_max (0 for either: the checkpoint's own).
// It refuses, naming both values, a network trained with another objective
// or on another schedule: the network's level k means the blur of the
// schedule it was trained on.
//
// The objective and schedule come from the model file's metadata
// (ModelMeta); for a model file written before it carried them, from the
// run configuration stored beside it.
func LoadHeat(path string, k int, sigmaMax float64) (*HeatCheckpoint, error) {
	if k < 0 || !(sigmaMax >= 0) {
		return nil, fmt.Errorf("heat sampler: K = %d and σ_max = %v must be ≥ 0 (0: the checkpoint's)", k, sigmaMax)
	}
	model, meta, err := nn.LoadAny(path)
	if err != nil {
		return nil, err
	}
	file := nn.ModelPath(path)
	ck := &HeatCheckpoint{Meta: meta}
	if cfg, err := LoadConfig(filepath.Dir(file)); err == nil {
		ck.Run = &cfg
	} else if _, serr := os.Stat(filepath.Join(filepath.Dir(file), StateFile)); serr == nil {
		return nil, err // a training state that cannot be read is not ignored
	}
	_, blind := model.(nn.Net)
	rec, err := recordedHeat(meta, ck.Run, blind)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", file, err)
	}
	if rec.Objective != "heat" {
		obj := rec.Objective
		if obj == "" {
			obj = "blind"
		}
		return nil, fmt.Errorf("checkpoint %s was trained with objective %q, not \"heat\": the heat sampler needs a network trained to invert the blur", file, obj)
	}
	switch {
	case k != 0 && k != rec.HeatK:
		return nil, fmt.Errorf("checkpoint %s was trained with K = %d blur levels, not the K = %d asked for", file, rec.HeatK, k)
	case sigmaMax != 0 && sigmaMax != rec.HeatSigmaMax:
		return nil, fmt.Errorf("checkpoint %s was trained with σ_max = %v, not the σ_max = %v asked for", file, rec.HeatSigmaMax, sigmaMax)
	}
	if ck.Schedule, err = heat.NewSchedule(rec.HeatK, rec.HeatSigmaMax); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", file, err)
	}
	if ck.Net, err = nn.AsConditioned(model); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", file, err)
	}
	ck.Sigma, ck.SigmaMax = rec.sigma, rec.HeatSigmaMax
	return ck, nil
}

// heatRecord is the objective and heat settings a checkpoint records.
type heatRecord struct {
	Objective    string
	HeatK        int
	HeatSigmaMax float64
	sigma        float64
}

// recordedHeat reads the objective keys of the model metadata, else the
// run configuration; a blind network records none and is "" (blind); a
// time-conditioned file with neither is an error.
func recordedHeat(meta map[string]string, run *Config, blind bool) (heatRecord, error) {
	obj, ok := meta[MetaObjective]
	if !ok {
		if run == nil && blind {
			return heatRecord{}, nil
		}
		if run == nil {
			return heatRecord{}, fmt.Errorf("records no training objective (written before model files named it; give the checkpoint directory, whose training state has the run's configuration)")
		}
		r := heatRecord{Objective: run.Objective, sigma: HeatNoise}
		if r.Objective == "heat" {
			r.HeatK, r.HeatSigmaMax = run.HeatLevels(), run.HeatSigmaMaxOrDefault()
		}
		return r, nil
	}
	r := heatRecord{Objective: obj}
	if obj != "heat" {
		return r, nil
	}
	var err error
	if r.HeatK, err = strconv.Atoi(meta[MetaHeatK]); err != nil {
		return r, fmt.Errorf("metadata %s = %q is not an integer", MetaHeatK, meta[MetaHeatK])
	}
	for _, f := range []struct {
		key string
		dst *float64
	}{{MetaHeatSigmaMax, &r.HeatSigmaMax}, {MetaHeatSigma, &r.sigma}} {
		if *f.dst, err = strconv.ParseFloat(meta[f.key], 64); err != nil {
			return r, fmt.Errorf("metadata %s = %q is not a number", f.key, meta[f.key])
		}
	}
	return r, nil
}
