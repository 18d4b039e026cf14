package study

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/train"
)

// ModelSpec identifies one trained denoiser: its training configuration
// (data source, pool size, network, optimization) and which subset of the
// pool it sees. It is the config of the model's gahb-train job, so its
// hash (the job ID) names the model's directory under OUT/runs.
type ModelSpec struct {
	Train train.Config `json:"train"`
	Split string       `json:"split"` // "S1" (first N of the pool) or "S2" (last N)
	N     int          `json:"n"`
}

// Label names the model in progress lines.
func (m ModelSpec) Label() string {
	return fmt.Sprintf("%s%s N=%d %s", m.Train.Data, map[bool]string{true: " shuffled"}[m.Train.Shuffle], m.N, m.Split)
}

// key is the spec's identity (its JSON), for deduplicating specs.
func (m ModelSpec) key() string {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	return string(b)
}

// Spec builds the model spec of the preset for a data source.
func (p Preset) Spec(dataSpec string, shuffle bool, split string, n int) ModelSpec {
	cfg := train.Config{
		Data: dataSpec, Size: p.Size, NTrain: p.pool(), NTest: p.NTest, DataSeed: p.Seed, Shuffle: shuffle,
		Arch: "bf-unet", Levels: p.Levels, Base: p.Base,
		Steps: p.Steps, Batch: p.Batch, LR: p.LR, LREvery: p.LREvery, LRFactor: p.LRFactor, SigmaWeight: p.SigmaWeight,
		Seed: p.Seed + uint64(n)*7919 + map[string]uint64{"S1": 0, "S2": 1}[split], CheckpointEvery: 500,
	}
	return ModelSpec{Train: cfg, Split: split, N: n}
}

// datasets holds the datasets opened by this process's jobs: several jobs
// of a plan read the same generated pool, which is costly to regenerate.
// Generation is deterministic, so a cached dataset equals a fresh one.
var datasets = struct {
	sync.Mutex
	m map[string]*openedData
}{m: map[string]*openedData{}}

type openedData struct {
	once sync.Once
	ds   *data.Dataset
	err  error
}

// openData opens (once per process) the dataset of a training config.
func openData(c train.Config) (*data.Dataset, error) {
	key := fmt.Sprintf("%s|%d|%d|%d|%d|%v|%g|%d", c.Data, c.Size, c.NTrain, c.NTest, c.DataSeed, c.Shuffle, c.WGamma, max(c.Channels, 1))
	datasets.Lock()
	o, ok := datasets.m[key]
	if !ok {
		o = &openedData{}
		datasets.m[key] = o
	}
	datasets.Unlock()
	o.once.Do(func() { o.ds, o.err = c.OpenData() })
	return o.ds, o.err
}

// trainSet is the subset a model trains on.
func trainSet(s ModelSpec) (*data.Set, error) {
	ds, err := openData(s.Train)
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

// allSpecs lists every distinct model of the run (the sweep's S1 model at
// SlopeN doubles as a slope model when the sweep data is one of the C^α).
func (p Preset) allSpecs() []ModelSpec {
	seen := map[string]bool{}
	var out []ModelSpec
	add := func(s ModelSpec) {
		if !seen[s.key()] {
			seen[s.key()] = true
			out = append(out, s)
		}
	}
	for _, n := range p.Ns {
		add(p.Spec(p.Data, false, "S1", n))
		add(p.Spec(p.Data, false, "S2", n))
	}
	for _, s := range p.slopeSpecs() {
		add(s.spec)
	}
	return out
}
