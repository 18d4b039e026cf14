package study

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/schedule"
	"github.com/harmonic-go/harmonic/diffusion/train"
)

// LocalityPreset fixes every size and budget of a run of study B
// (Lukoianov et al., NeurIPS 2025: locality in image diffusion models
// emerges from data statistics).
type LocalityPreset struct {
	Name     string
	Datasets []LocalityData
	// Samples drawn by every model from the same initial noise (DDIM,
	// STUDY.md's sampler: 10 steps t = 900..0, η = 0, x̂0 clipped).
	Samples int
	// FieldSteps are the DDPM steps t of the sensitivity fields (small
	// and medium noise: σ_t² = (1−ᾱ_t)/ᾱ_t), FieldPixels how many output
	// pixels per step (spread over the image, see fieldPixels).
	FieldSteps  []int
	FieldPixels int
	Seed        uint64
}

// LocalityData is one dataset of the study and the network trained on it.
type LocalityData struct {
	Spec     string `json:"spec"` // a data spec (data.ParseSpec)
	Size     int    `json:"size"`
	Channels int    `json:"channels,omitempty"` // 0/1 grayscale, 3 RGB
	NTrain   int    `json:"n"`
	NTest    int    `json:"ntest"`
	// Tau is the locality threshold τ (Lukoianov et al.'s per-dataset
	// values: 0.005 MNIST-like, 0.05 32×32 colour, 0.02 faces).
	Tau float64 `json:"tau"`
	// The tc-unet and its vp-eps training.
	Base   int     `json:"base"`
	Mult   []int   `json:"mult"`
	Groups int     `json:"groups,omitempty"`
	Steps  int     `json:"steps"`
	Batch  int     `json:"batch"`
	LR     float64 `json:"lr"`
	EMA    float64 `json:"ema,omitempty"`
	Warmup int     `json:"warmup,omitempty"`
	// WGammas are the strengths γ of the W manipulation (claim B.2): for
	// each, a second network of the same size is trained on the images
	// plus γ·c·W (grayscale data only).
	WGammas []float64 `json:"w_gammas,omitempty"`
	// BlindBase > 0 also trains study A's bias-free UNet (BlindLevels
	// levels, this base width, the blind σ-space objective, the same steps
	// and batch) on the same images; its fields are compared with the
	// Wiener filter's in σ-space, to see whether the effect is
	// architecture-agnostic.
	BlindBase   int `json:"blind_base,omitempty"`
	BlindLevels int `json:"blind_levels,omitempty"`
	// ELSSamples > 0 compares Kamb & Ganguli's ELS with the network on the
	// first ELSSamples samples (a locality-els job), its patch size per
	// step calibrated on the first ELSCalibSamples among ELSPatches.
	ELSSamples      int   `json:"els_samples,omitempty"`
	ELSCalibSamples int   `json:"els_calib_samples,omitempty"`
	ELSPatches      []int `json:"els_patches,omitempty"`
}

// Label names the dataset in the report (its spec, and RGB when in colour).
func (d LocalityData) Label() string {
	if d.Channels == 3 {
		return d.Spec + " RGB"
	}
	return d.Spec
}

// trainConfig is the vp-eps training run of d's network with the
// preset's seed: the config of its locality-train job.
func (d LocalityData) trainConfig(seed uint64) train.Config {
	return train.Config{
		Data: d.Spec, Size: d.Size, NTrain: d.NTrain, NTest: d.NTest, DataSeed: seed, Channels: d.Channels,
		Arch: "tc-unet", Base: d.Base, Mult: d.Mult, Groups: d.Groups,
		Steps: d.Steps, Batch: d.Batch, LR: d.LR, LRFactor: 1, Seed: seed + 17,
		Objective: "vp-eps", EMA: d.EMA, Warmup: d.Warmup, CheckpointEvery: 500,
	}
}

// blindConfig is the blind training run of d's bias-free UNet (study A's
// objective: images in [0,1], σ = U²).
func (d LocalityData) blindConfig(seed uint64) train.Config {
	return train.Config{
		Data: d.Spec, Size: d.Size, NTrain: d.NTrain, NTest: d.NTest, DataSeed: seed, Channels: d.Channels,
		Arch: "bf-unet", Levels: d.BlindLevels, Base: d.BlindBase,
		Steps: d.Steps, Batch: d.Batch, LR: 1e-3, LRFactor: 1, Seed: seed + 23, CheckpointEvery: 500,
	}
}

// dataOnly is the data part of a training config: the datasets of the
// statistics and comparison jobs, which do not depend on the network.
func dataOnly(c train.Config) train.Config {
	return train.Config{Data: c.Data, Size: c.Size, NTrain: c.NTrain, NTest: c.NTest, DataSeed: c.DataSeed, Channels: c.Channels, WGamma: c.WGamma}
}

// LocalitySmoke tests the whole pipeline (plan → jobs → report) in
// seconds: 8×8 C^α images, 64 of them, a tc-unet of base 4 trained 30
// steps (and one on the W-manipulated images, γ = 0.5), 4 samples. Its numbers are not claimed to mean anything.
func LocalitySmoke() LocalityPreset {
	return LocalityPreset{
		Name: smokeName,
		Datasets: []LocalityData{{Spec: "cmix:2", Size: 8, NTrain: 64, NTest: 4, Tau: 0.005,
			Base: 4, Mult: []int{1, 2}, Groups: 2, Steps: 30, Batch: 16, LR: 2e-3, Warmup: 5, WGammas: []float64{0.5},
			BlindBase: 4, BlindLevels: 1, ELSSamples: 2, ELSCalibSamples: 1, ELSPatches: []int{3, 5}}},
		Samples: 4, FieldSteps: []int{100, 300}, FieldPixels: 2, Seed: 1,
	}
}

// LocalityQuick is sized for about 35–45 minutes on 2 cores (see
// `--plan-only` for the estimate; it is not measured end to end): MNIST
// and grayscale 32×32 photo crops, 5000 training images each, a tc-unet
// of base 16 (mult 1,2,2) trained 3000 steps of batch 64 with EMA, 64
// samples; MNIST gets a second network trained with the W manipulation
// (γ = 0.5) and a bias-free UNet (2 levels, base 16). Networks this small and short-trained generalize less than the
// paper's, which favours the optimal denoiser: read B.3 with that in mind.
func LocalityQuick() LocalityPreset {
	net := func(d LocalityData) LocalityData {
		d.Base, d.Mult, d.Groups = 16, []int{1, 2, 2}, 8
		d.Steps, d.Batch, d.LR, d.EMA, d.Warmup = 3000, 64, 1e-3, 0.999, 100
		d.NTrain, d.NTest = 5000, 100
		return d
	}
	return LocalityPreset{
		Name: "quick",
		Datasets: []LocalityData{
			net(LocalityData{Spec: "mnist", Size: 28, Tau: 0.005, WGammas: []float64{0.5}, BlindBase: 16, BlindLevels: 2,
				ELSSamples: 4, ELSCalibSamples: 2, ELSPatches: elsPatches28}),
			net(LocalityData{Spec: "photos", Size: 32, Tau: 0.005}),
		},
		Samples: 64, FieldSteps: []int{50, 150, 300, 500}, FieldPixels: 3, Seed: 1,
	}
}

// LocalityFull is every dataset of the study at the papers' sizes: the
// whole MNIST and Fashion-MNIST training sets (60 000), 32×32 photo crops
// in gray and RGB and C^α images (50 000), a tc-unet of base 64 (mult
// 1,2,2, the paper's DDPM UNet without attention) trained 50 000 steps of
// batch 128, 128 samples, the W manipulation at γ = 0.1 and 0.5 on the
// grayscale sets, and study A's bias-free UNet (2 levels, base 64) on
// every set. Days on 2 cores: `--plan-only` prints the estimate.
func LocalityFull() LocalityPreset {
	net := func(d LocalityData) LocalityData {
		d.Base, d.Mult, d.Groups = 64, []int{1, 2, 2}, 32
		d.BlindBase, d.BlindLevels = 64, 2
		d.Steps, d.Batch, d.LR, d.EMA, d.Warmup = 50000, 128, 2e-4, 0.9999, 1000
		d.NTest = 1000
		return d
	}
	return LocalityPreset{
		Name: "full",
		Datasets: []LocalityData{
			net(LocalityData{Spec: "mnist", Size: 28, NTrain: 60000, Tau: 0.005, WGammas: []float64{0.1, 0.5},
				ELSSamples: 32, ELSCalibSamples: 8, ELSPatches: elsPatches28}),
			net(LocalityData{Spec: "fashion-mnist", Size: 28, NTrain: 60000, Tau: 0.005, WGammas: []float64{0.1, 0.5},
				ELSSamples: 32, ELSCalibSamples: 8, ELSPatches: elsPatches28}),
			net(LocalityData{Spec: "photos", Size: 32, NTrain: 50000, Tau: 0.005, WGammas: []float64{0.1, 0.5}}),
			net(LocalityData{Spec: "photos", Size: 32, Channels: 3, NTrain: 50000, Tau: 0.05}),
			net(LocalityData{Spec: "cmix:2", Size: 32, NTrain: 50000, Tau: 0.005}),
		},
		Samples: 128, FieldSteps: []int{20, 50, 150, 300, 500}, FieldPixels: 4, Seed: 1,
	}
}

// elsPatches28 are the ELS patch sizes calibrated on 28×28 images: from
// the smallest to the whole image, spaced like Kamb & Ganguli's MNIST
// schedule (3 at low noise … 27 at high).
var elsPatches28 = []int{3, 7, 11, 15, 21, 27}

// LocalityPresetByName returns smoke, quick or full.
func LocalityPresetByName(name string) (LocalityPreset, error) {
	switch name {
	case smokeName:
		return LocalitySmoke(), nil
	case "quick":
		return LocalityQuick(), nil
	case "full":
		return LocalityFull(), nil
	}
	return LocalityPreset{}, fmt.Errorf("study: unknown locality preset %q (want smoke, quick or full)", name)
}

// check validates the preset before any job is planned.
func (p LocalityPreset) check() error {
	if len(p.Datasets) == 0 {
		return fmt.Errorf("study: locality preset %q has no dataset", p.Name)
	}
	if p.Samples < 1 {
		return fmt.Errorf("study: locality preset %q: %d samples, want at least 1", p.Name, p.Samples)
	}
	if p.FieldPixels < 1 || len(p.FieldSteps) == 0 {
		return fmt.Errorf("study: locality preset %q: fields of %d pixels at %d steps, want at least one of each", p.Name, p.FieldPixels, len(p.FieldSteps))
	}
	for _, t := range p.FieldSteps {
		if T := schedule.DDPM().T(); t < 0 || t >= T {
			return fmt.Errorf("study: locality preset %q: field step t = %d outside the DDPM schedule [0, %d)", p.Name, t, T)
		}
	}
	for _, d := range p.Datasets {
		if err := d.trainConfig(p.Seed).Validate(); err != nil {
			return fmt.Errorf("study: locality dataset %s: %w", d.Label(), err)
		}
		if d.BlindBase > 0 {
			if err := d.blindConfig(p.Seed).Validate(); err != nil {
				return fmt.Errorf("study: locality dataset %s, bias-free UNet: %w", d.Label(), err)
			}
		}
		if d.NTrain < 2 {
			return fmt.Errorf("study: locality dataset %s: statistics need at least 2 training images, got %d", d.Label(), d.NTrain)
		}
		if d.ELSSamples > 0 {
			if d.ELSSamples < 2 || d.ELSCalibSamples < 1 || d.ELSCalibSamples > d.ELSSamples || len(d.ELSPatches) == 0 {
				return fmt.Errorf("study: locality dataset %s: ELS on %d samples, calibrated on %d, patches %v: want at least 2 samples, 1 to all of them for calibration, and a patch size",
					d.Label(), d.ELSSamples, d.ELSCalibSamples, d.ELSPatches)
			}
			for _, k := range d.ELSPatches {
				if k < 1 || k%2 == 0 || k > d.Size {
					return fmt.Errorf("study: locality dataset %s: ELS patch size %d: want odd, 1 to the image side %d", d.Label(), k, d.Size)
				}
			}
			if d.ELSSamples > p.Samples {
				return fmt.Errorf("study: locality dataset %s: ELS on %d samples, more than the comparison's %d", d.Label(), d.ELSSamples, p.Samples)
			}
		}
		if !(d.Tau >= 0) {
			return fmt.Errorf("study: locality dataset %s: threshold τ = %v must be >= 0", d.Label(), d.Tau)
		}
		for _, g := range d.WGammas {
			switch {
			case !(g > 0) || math.IsInf(g, 0):
				return fmt.Errorf("study: locality dataset %s: W manipulation γ = %v must be a finite number > 0", d.Label(), g)
			case d.Channels == 3:
				return fmt.Errorf("study: locality dataset %s: the W manipulation (γ = %v) is defined for grayscale images", d.Label(), g)
			case len(wSteps(g)) == 0:
				return fmt.Errorf("study: locality dataset %s: no DDPM step has σ_t well below the W's std at γ = %v", d.Label(), g)
			}
		}
	}
	return nil
}
