// Package train is the one training loop of the studies: Adam with a step
// learning-rate schedule (optionally a linear warm-up, gradient clipping
// by global norm and an EMA of the weights) on one of the objectives
// (Objectives):
//
//   - blind (study A, blind networks): images in [0,1], noise level σ = U²
//     with U ~ Uniform[0,1] per image, noisy = x + σz,
//     loss = Σ (net(noisy) − σz)² / batch, or with a σ weight c (SigmaWeight)
//     Σ_i ‖net(noisy_i) − σ_i z_i‖² / (σ_i² + c) / batch;
//   - vp-eps (studies B, C, time-conditioned networks): x = 2u − 1 in
//     [−1,1], t ~ U{0..T−1} of the DDPM schedule, x_t = √ᾱ_t x + √(1−ᾱ_t) ε,
//     loss = Σ (ε̂(x_t, t) − ε)² / batch;
//   - heat (study C, time-conditioned networks): images in [0,1], a level
//     k ~ U{1..K} of the heat blur schedule, input ũ = u_k + 0.01ε, loss
//     Σ (u_{k−1} − (ũ + f(ũ, k)))² / batch.
//
// Runs checkpoint periodically (model, optimizer and RNG state) and a
// resumed run ends bit-identical to an uninterrupted one.
package train

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/heat"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

// Config is everything that determines a run. It is stored in the checkpoint
// so a run can be resumed and its data regenerated for evaluation.
type Config struct {
	// Data source (a data.ParseSpec spec), image side, training and test
	// set sizes, the data seed and the pixel-shuffle control.
	Data     string `json:"data"`
	Size     int    `json:"size"`
	NTrain   int    `json:"n"`
	NTest    int    `json:"ntest"`
	DataSeed uint64 `json:"data_seed"`
	Shuffle  bool   `json:"shuffle"`
	// WGamma > 0 adds WGamma·c·W to every image (data.Options.WGamma: the
	// W manipulation of study B; 0, and absent from the stored config, is
	// none).
	WGamma float64 `json:"w_gamma,omitempty"`

	// Network: a registered nn architecture (nn.Archs) and its sizes, e.g.
	// "bf-unet" (Levels, Base), "bf-cnn" (Layers, Base) or "tc-unet" (Base,
	// Mult, ResBlocks, Groups); see NetConfig.
	Arch      string `json:"arch"`
	Levels    int    `json:"levels,omitempty"`
	Layers    int    `json:"layers,omitempty"`
	Base      int    `json:"base"`
	Mult      []int  `json:"mult,omitempty"`
	ResBlocks int    `json:"res_blocks,omitempty"`
	Groups    int    `json:"groups,omitempty"`
	// Channels of the images and the network: 1 or 0 grayscale (stored
	// as 0, so a grayscale run's config reads as before channels existed),
	// 3 RGB (photos, folder and npy data).
	Channels int `json:"channels,omitempty"`

	// Optimization: total steps, batch size, Adam learning rate, multiplied
	// by LRFactor every LREvery steps (0: constant).
	Steps    int     `json:"steps"`
	Batch    int     `json:"batch"`
	LR       float64 `json:"lr"`
	LREvery  int     `json:"lr_every"`
	LRFactor float64 `json:"lr_factor"`
	// Seed drives initialization, batch order and the noise.
	Seed uint64 `json:"seed"`

	// Objective is one of Objectives ("" is blind, and stays "" in the
	// stored config so study A's runs keep their bytes).
	Objective string `json:"objective,omitempty"`
	// Warmup multiplies the learning rate of step s (from 0) by
	// min(1, (s+1)/Warmup) (0: none).
	Warmup int `json:"warmup,omitempty"`
	// EMA is the decay of the exponential moving average of the weights
	// (0: none); with it model.safetensors holds the average and the
	// training state the raw weights.
	EMA float64 `json:"ema,omitempty"`
	// HeatK is the heat objective's number of blur levels K and
	// HeatSigmaMax its largest blur σ_B,K in pixels (0: DefaultHeatK,
	// DefaultHeatSigmaMax; other objectives leave them 0).
	HeatK        int     `json:"heat_k,omitempty"`
	HeatSigmaMax float64 `json:"heat_sigma_max,omitempty"`
	// SigmaWeight c > 0 divides each image's squared error in the blind
	// objective by σ² + c, so that small noise levels, whose errors are
	// small in absolute terms, carry weight in the loss (0: the unweighted
	// loss of the paper; other objectives leave it 0).
	SigmaWeight float64 `json:"sigma_weight,omitempty"`
	// Clip rescales the gradient to global L2 norm at most Clip, as
	// torch.nn.utils.clip_grad_norm_ (0: none).
	Clip float64 `json:"clip,omitempty"`
	// CheckpointEvery saves a checkpoint every this many steps (0: only at
	// the end or when stopped).
	CheckpointEvery int `json:"checkpoint_every"`
}

// Validate checks the ranges of every field.
func (c Config) Validate() error {
	if _, err := data.ParseSpec(c.Data); err != nil {
		return err
	}
	switch {
	case c.Size < 1:
		return fmt.Errorf("train: image size %d must be positive", c.Size)
	case c.NTrain < 1:
		return fmt.Errorf("train: needs at least one training image, got n = %d", c.NTrain)
	case c.NTest < 0:
		return fmt.Errorf("train: test set size %d is negative", c.NTest)
	case c.Steps < 0:
		return fmt.Errorf("train: steps %d is negative", c.Steps)
	case c.Batch < 1:
		return fmt.Errorf("train: batch size %d must be positive", c.Batch)
	case !(c.LR > 0):
		return fmt.Errorf("train: learning rate %v must be positive", c.LR)
	case c.LREvery < 0 || !(c.LRFactor > 0 && c.LRFactor <= 1):
		return fmt.Errorf("train: lr schedule (×%v every %d steps) needs a factor in (0,1] and a period >= 0", c.LRFactor, c.LREvery)
	case c.CheckpointEvery < 0:
		return fmt.Errorf("train: checkpoint period %d is negative", c.CheckpointEvery)
	case !(c.WGamma >= 0) || math.IsInf(c.WGamma, 0):
		return fmt.Errorf("train: W manipulation strength γ = %v must be a finite number >= 0 (0: none)", c.WGamma)
	}
	switch {
	case c.Warmup < 0:
		return fmt.Errorf("train: warm-up %d steps is negative", c.Warmup)
	case !(c.EMA >= 0 && c.EMA < 1):
		return fmt.Errorf("train: EMA decay %v must lie in [0,1) (0: no EMA)", c.EMA)
	case !(c.Clip >= 0) || math.IsInf(c.Clip, 0):
		return fmt.Errorf("train: gradient clip %v must be a finite norm >= 0 (0: none)", c.Clip)
	}
	obj, err := lookupObjective(c.Objective)
	if err != nil {
		return err
	}
	if obj.name == "heat" {
		if _, err := heat.NewSchedule(c.HeatLevels(), c.HeatSigmaMaxOrDefault()); err != nil {
			return fmt.Errorf("train: %w", err)
		}
	} else if c.HeatK != 0 || c.HeatSigmaMax != 0 {
		return fmt.Errorf("train: heat levels %d and σ_max %v belong to the heat objective, not %q", c.HeatK, c.HeatSigmaMax, obj.name)
	}
	if !(c.SigmaWeight >= 0) || math.IsInf(c.SigmaWeight, 0) {
		return fmt.Errorf("train: σ weight c = %v must be a finite number >= 0 (0: unweighted)", c.SigmaWeight)
	}
	if c.SigmaWeight != 0 && obj.name != "blind" {
		return fmt.Errorf("train: the σ weight c = %v belongs to the blind objective, not %q", c.SigmaWeight, obj.name)
	}
	if c.Channels != 0 && c.Channels != 1 && c.Channels != 3 {
		return fmt.Errorf("train: %d image channels; want 1 (grayscale) or 3 (RGB)", c.Channels)
	}
	net := c.NetConfig()
	if err := nn.Check(net); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if m, _ := nn.InputMultiple(net); c.Size%m != 0 {
		return fmt.Errorf("train: %s needs the image size divisible by %d, got %d", net, m, c.Size)
	}
	// Which kind of network the architecture builds, without building it.
	if classifier, _ := nn.IsClassifier(net); classifier {
		return fmt.Errorf("train: %s is an image classifier, not a denoiser: no denoising objective trains it (`harmonic classifier train` does)", net)
	}
	if conditioned, _ := nn.IsConditioned(net); conditioned != obj.conditioned {
		kind := "a blind network (bf-unet, bf-cnn)"
		if obj.conditioned {
			kind = "a time-conditioned network (tc-unet)"
		}
		return fmt.Errorf("train: objective %q trains %s, not %s", obj.name, kind, net)
	}
	return nil
}

// HeatLevels is the heat objective's K (HeatK, or DefaultHeatK).
func (c Config) HeatLevels() int {
	if c.HeatK == 0 {
		return DefaultHeatK
	}
	return c.HeatK
}

// HeatSigmaMaxOrDefault is the heat objective's σ_max (HeatSigmaMax, or
// DefaultHeatSigmaMax).
func (c Config) HeatSigmaMaxOrDefault() float64 {
	if c.HeatSigmaMax == 0 {
		return DefaultHeatSigmaMax
	}
	return c.HeatSigmaMax
}

// Schedule is the run's learning-rate schedule.
func (c Config) Schedule() nn.StepLR {
	return nn.StepLR{Base: c.LR, Every: c.LREvery, Factor: c.LRFactor}
}

// NetConfig is the network part of the run (its architecture ignores the
// sizes it does not use, e.g. a bf-unet's Layers).
func (c Config) NetConfig() nn.Config {
	return nn.Config{Arch: c.Arch, Channels: c.Channels, Base: c.Base, Levels: c.Levels, Layers: c.Layers,
		Mult: c.Mult, ResBlocks: c.ResBlocks, Groups: c.Groups}
}

// NewNet builds the configured network, initialized from Seed.
func (c Config) NewNet() (nn.Model, error) {
	return nn.New(c.NetConfig(), tensor.NewRNG(c.Seed))
}

// DataOptions are the data.Open options of the run: `harmonic data export`
// uses them too, so it writes exactly the images the run trains on.
func (c Config) DataOptions() data.Options {
	return data.Options{NTrain: c.NTrain, NTest: c.NTest, Seed: c.DataSeed, Shuffle: c.Shuffle, WGamma: c.WGamma, Channels: c.Channels}
}

// OpenData loads or generates the configured train and test sets.
func (c Config) OpenData() (*data.Dataset, error) {
	return data.Open(c.Data, c.Size, c.DataOptions())
}

func (c Config) marshal() string {
	if c.Channels == 1 {
		c.Channels = 0 // a grayscale run's config reads as before channels existed
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a struct of plain fields always marshals
	}
	return string(b)
}

func parseConfig(s string) (Config, error) {
	var c Config
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	return c, c.Validate()
}
