package study

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/classify"
	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/diffusion/train"
)

// HeatPreset fixes every size and budget of a run of study C (Rissanen,
// Heinonen & Solin, ICLR 2023: generative modelling with inverse heat
// dissipation).
type HeatPreset struct {
	Name     string
	Datasets []HeatData
	// Samples drawn per dataset, once with the prior noise on and once
	// off, from the same training images and step noise.
	Samples int
	// Strips interpolation strips of StripLen images each (prior noise on).
	Strips, StripLen int
	// NoiseSigmas are the σ of the noisy-data spectra (on [0,1] pixels),
	// in increasing order: claim C.2's crossovers.
	NoiseSigmas []float64
	Seed        uint64
}

// HeatData is one dataset of the study, the tc-unet trained on it with
// the heat objective and, when ClassifierSteps > 0, the classifier whose
// features judge its samples (labelled data only: mnist, fashion-mnist).
type HeatData struct {
	Spec     string  `json:"spec"`
	Size     int     `json:"size"`
	Channels int     `json:"channels,omitempty"`
	NTrain   int     `json:"n"`
	NTest    int     `json:"ntest"`
	K        int     `json:"k"`
	SigmaMax float64 `json:"sigma_max"`
	Base     int     `json:"base"`
	Mult     []int   `json:"mult"`
	Groups   int     `json:"groups,omitempty"`
	Steps    int     `json:"steps"`
	Batch    int     `json:"batch"`
	LR       float64 `json:"lr"`
	EMA      float64 `json:"ema,omitempty"`
	Warmup   int     `json:"warmup,omitempty"`
	// ClassifierSteps > 0 trains diffusion/classify's classifier that many
	// steps (batch 64, its default learning rate) on the training images.
	ClassifierSteps int `json:"classifier_steps,omitempty"`
	// SpectraOnly measures the dataset's spectra (claims C.1 and C.2) and
	// nothing else: no network, classifier or samples, so a preset can
	// judge C.1 on photographs without the cost of training on them.
	SpectraOnly bool `json:"spectra_only,omitempty"`
}

// Label names the dataset in the report.
func (d HeatData) Label() string {
	if d.Channels == 3 {
		return d.Spec + " RGB"
	}
	return d.Spec
}

// isPhotos says whether the dataset is natural photographs (claim C.1's data).
func (d HeatData) isPhotos() bool { return d.Spec == "photos" }

// trainConfig is the heat-train run of d's tc-unet.
func (d HeatData) trainConfig(seed uint64) train.Config {
	return train.Config{
		Data: d.Spec, Size: d.Size, NTrain: d.NTrain, NTest: d.NTest, DataSeed: seed, Channels: d.Channels,
		Arch: "tc-unet", Base: d.Base, Mult: d.Mult, Groups: d.Groups,
		Steps: d.Steps, Batch: d.Batch, LR: d.LR, LRFactor: 1, Seed: seed + 19,
		Objective: "heat", HeatK: d.K, HeatSigmaMax: d.SigmaMax, EMA: d.EMA, Warmup: d.Warmup, CheckpointEvery: 500,
	}
}

// classifierConfig is d's heat-classifier run.
func (d HeatData) classifierConfig(seed uint64) classify.Config {
	c := classify.DefaultConfig()
	c.Steps, c.Seed = d.ClassifierSteps, seed+29
	return c
}

// HeatSmoke tests the whole pipeline (plan → jobs → report) in seconds:
// 8×8 C^α images (no labels, so no classifier: the classifier's numbers
// read not measured), K = 4, a tc-unet of base 4 trained 30 steps. Its
// numbers are not claimed to mean anything.
func HeatSmoke() HeatPreset {
	return HeatPreset{
		Name: smokeName,
		Datasets: []HeatData{{Spec: "cmix:2", Size: 8, NTrain: 64, NTest: 16, K: 4, SigmaMax: 4,
			Base: 4, Mult: []int{1, 2}, Groups: 2, Steps: 30, Batch: 16, LR: 2e-3, Warmup: 5}},
		Samples: 16, Strips: 1, StripLen: 5, NoiseSigmas: []float64{0.02, 0.05, 0.1, 0.2}, Seed: 1,
	}
}

// HeatQuick is MNIST at 28² with K = 20 (σ_max = 20, the released MNIST
// configs' largest blur), 5000 training images, a tc-unet of base 16 (mult
// 1,2,2) trained 5000 steps of batch 64 with EMA, the classifier trained
// 1000 steps, 256 samples each way and 4 interpolation strips; and the
// spectra of RGB 32×32 photo crops (no network), so that C.1 is judged on
// photographs. Measured end to end: 16 minutes on 2 cores (the cost model
// of `--plan-only` said 33 job-minutes), the training being the critical
// path with the classifier trained beside it.
func HeatQuick() HeatPreset {
	return HeatPreset{
		Name: "quick",
		Datasets: []HeatData{{Spec: "mnist", Size: 28, NTrain: 5000, NTest: 1000, K: 20, SigmaMax: 20,
			Base: 16, Mult: []int{1, 2, 2}, Groups: 8, Steps: 5000, Batch: 64, LR: 1e-3, EMA: 0.999, Warmup: 100, ClassifierSteps: 1000},
			{Spec: "photos", Size: 32, Channels: 3, NTrain: 5000, NTest: 100, K: 200, SigmaMax: 24, SpectraOnly: true}},
		Samples: 256, Strips: 4, StripLen: 8, NoiseSigmas: []float64{0.02, 0.05, 0.1, 0.2, 0.5}, Seed: 1,
	}
}

// HeatFull is MNIST (K = 100, σ_max = 20, the released MNIST config) and
// RGB 32×32 photo crops (K = 200, σ_max = 24, the released CIFAR-10
// config) at the papers' K, a tc-unet of base 64 (mult 1,2,2) trained
// 100 000 steps of batch 128, 1000 samples each way. Days on 2 cores:
// `--plan-only` prints the estimate.
func HeatFull() HeatPreset {
	net := func(d HeatData) HeatData {
		d.Base, d.Mult, d.Groups = 64, []int{1, 2, 2}, 32
		d.Steps, d.Batch, d.LR, d.EMA, d.Warmup = 100000, 128, 2e-4, 0.9999, 5000
		d.NTest = 10000
		return d
	}
	return HeatPreset{
		Name: "full",
		Datasets: []HeatData{
			net(HeatData{Spec: "mnist", Size: 28, NTrain: 60000, K: 100, SigmaMax: 20, ClassifierSteps: 3000}),
			net(HeatData{Spec: "photos", Size: 32, Channels: 3, NTrain: 50000, K: 200, SigmaMax: 24}),
		},
		Samples: 1000, Strips: 8, StripLen: 10, NoiseSigmas: []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.5}, Seed: 1,
	}
}

// HeatPresetByName returns smoke, quick or full.
func HeatPresetByName(name string) (HeatPreset, error) {
	switch name {
	case smokeName:
		return HeatSmoke(), nil
	case "quick":
		return HeatQuick(), nil
	case "full":
		return HeatFull(), nil
	}
	return HeatPreset{}, fmt.Errorf("study: unknown heat preset %q (want smoke, quick or full)", name)
}

// check validates the preset before any job is planned.
func (p HeatPreset) check() error {
	switch {
	case len(p.Datasets) == 0:
		return fmt.Errorf("study: heat preset %q has no dataset", p.Name)
	case p.Samples < 2:
		return fmt.Errorf("study: heat preset %q: %d samples, want at least 2", p.Name, p.Samples)
	case p.Strips < 0 || p.Strips > 0 && p.StripLen < 3:
		return fmt.Errorf("study: heat preset %q: %d strips of %d images, want strips of at least 3 images", p.Name, p.Strips, p.StripLen)
	case len(p.NoiseSigmas) < 2:
		return fmt.Errorf("study: heat preset %q: %d noise levels, claim C.2 needs at least 2", p.Name, len(p.NoiseSigmas))
	}
	for i, s := range p.NoiseSigmas {
		if !(s > 0) || math.IsInf(s, 0) || i > 0 && !(s > p.NoiseSigmas[i-1]) {
			return fmt.Errorf("study: heat preset %q: noise σ = %v: want finite values > 0 in increasing order", p.Name, s)
		}
	}
	for _, d := range p.Datasets {
		if d.SpectraOnly && (d.ClassifierSteps > 0 || d.Steps > 0) {
			return fmt.Errorf("study: heat dataset %s: spectra only, yet %d training and %d classifier steps", d.Label(), d.Steps, d.ClassifierSteps)
		}
		if !d.SpectraOnly {
			if err := d.trainConfig(p.Seed).Validate(); err != nil {
				return fmt.Errorf("study: heat dataset %s: %w", d.Label(), err)
			}
		}
		if _, err := heat.NewSchedule(d.K, d.SigmaMax); err != nil {
			return fmt.Errorf("study: heat dataset %s: %w", d.Label(), err)
		}
		if d.NTrain < 2 || d.NTest < 2 {
			return fmt.Errorf("study: heat dataset %s: %d training and %d test images, novelty needs at least 2 of each", d.Label(), d.NTrain, d.NTest)
		}
		if d.Size < 4 {
			return fmt.Errorf("study: heat dataset %s: image side %d, the spectra need at least 4", d.Label(), d.Size)
		}
		if d.ClassifierSteps < 0 {
			return fmt.Errorf("study: heat dataset %s: %d classifier steps, want ≥ 0", d.Label(), d.ClassifierSteps)
		}
		if d.ClassifierSteps > 0 {
			if err := d.classifierConfig(p.Seed).Validate(); err != nil {
				return fmt.Errorf("study: heat dataset %s: %w", d.Label(), err)
			}
			if p.Samples <= 3 || d.NTest <= 3 {
				return fmt.Errorf("study: heat dataset %s: precision/recall (k = 3) needs more than 3 samples and test images, got %d and %d", d.Label(), p.Samples, d.NTest)
			}
		}
	}
	return nil
}
