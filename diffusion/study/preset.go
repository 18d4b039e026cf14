// Package study composes data, training, sampling and Jacobian analysis
// into the reproductions of docs/study.md: `harmonic study gahb` runs study A
// (Kadkhodaie, Guth, Simoncelli & Mallat, ICLR 2024) and writes figures,
// tables and a report that says, from the measured numbers, which claims
// hold at the chosen scale.
//
// A study is a plan of jobs (package plan): PlanGAHB lists study A's, one
// gahb-train job per model and the jobs that read the models (gahb-sweep,
// gahb-twonet, gahb-jacobian, gahb-slope). Each job writes its numbers to
// OUT/runs/<id>/metrics.json and its images beside it; RunGAHB runs the jobs
// not done, then reads them all back (collectGAHB) and judges the claims
// from those numbers only, so a report written after the jobs ran one per
// process (`harmonic job run`) is the report of an in-process run.
//
// `harmonic study locality` runs study B (Lukoianov et al., NeurIPS 2025)
// the same way: PlanLocality lists its locality-train, locality-stats,
// locality-fields, locality-wfield and locality-compare jobs, RunLocality
// runs them and judges claims B.1–B.3 (locality_claims.go).
package study

import (
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/sample"
)

// Preset fixes every size and budget of a GAHB run.
type Preset struct {
	Name string
	// Data is the N-sweep dataset (a data spec); the C^α, disk and
	// shuffled experiments use their own synthetic sets.
	Data string
	// Network and optimization, shared by every model of the run.
	Size, Levels, Base int
	Steps, Batch       int
	LR                 float64
	LREvery            int
	LRFactor           float64
	// SigmaWeight c > 0 divides each image's squared error in the blind
	// loss by σ² + c (train.Config.SigmaWeight); 0 is the paper's
	// unweighted loss, whose absolute error leaves small σ undertrained.
	SigmaWeight float64
	// Ns are the training-set sizes of the sweep; each N trains S1 (first
	// N) and S2 (last N) of a pool of 2·max(Ns, SlopeN) images.
	Ns []int
	// SlopeN is the training-set size of the C^α, disk and shuffled models.
	SlopeN int
	Alphas []float64
	// AAContour also trains a slope model on each α's area-coverage
	// (anti-aliased) contour, cmix:α:aa, reported beside the authors'
	// rounded contour: at 16–40 pixels the rounding whitens the contour's
	// spectrum, so the regularity the slope measures may not be in the
	// images.
	AAContour bool
	NTest     int // held-out images
	NEval     int // images per split in the PSNR curves
	// EvalSigmas draw the PSNR curves; SlopeSigmas fit slopes. The paper's
	// slopes are asymptotic in small σ; networks trained for minutes reach
	// a PSNR ceiling near 27–30 dB, so the quick preset fits σ ∈ [0.05, 0.2],
	// where the output PSNR still follows the input.
	EvalSigmas, SlopeSigmas []float64
	// Samples per model in the two-network experiment.
	Samples int
	Sampler sample.Options
	// JacSigmas are the noise levels of the Jacobian analysis; JacImages
	// test images average tr∇f, SURE and the true MSE.
	JacSigmas []float64
	JacImages int
	Seed      uint64
	// EstimateFull times a few steps of the full preset for the report.
	EstimateFull bool
}

// Quick is sized to finish within about 20 minutes on 2 cores: 16×16
// images, a 1-level UNet of base width 16, N up to 1000. Memorization at
// N = 1..10 and generalization at N = 1000 are visible at this size.
// The learning rate 3e-3 (the authors use 1e-3 over far longer runs) gained
// 1–1.3 dB of test PSNR and ~7 dB of N=1 memorization in 2000 steps.
// Every model gets the same number of steps, as in the authors' runs (a
// fixed number of samples per epoch whatever N). 2000 steps were too few
// to memorize N = 10: output PSNR on its own training images at σ = 0.01
// was 26.9 dB after 2000 steps and 32.7 dB after 8000 (N = 1: 43 dB), and
// its samples stayed at cosine 0.92 from the nearest training image. Models
// train two at a time (RunGAHB's default --jobs), which pays for the longer runs.
func Quick() Preset {
	s := sample.Defaults()
	s.MaxSteps = 1500
	// The paper's σ∞ = 0.05 (the code's 0.01 is below the residual error
	// ‖f(x) − x‖ of these small, briefly trained networks on clean images,
	// about 0.03–0.045 RMS, so a memorizing model would never stop).
	s.SigmaInf = 0.05
	// 32 samples per model (16 before divergence detection): some chains
	// diverge at N ≥ 100 and the A.2 statistics use only the pairs whose
	// chains both converged. Diverged chains now stop after ~250 steps
	// instead of running to MaxSteps, so the extra chains cost seconds.
	return Preset{
		Name: "quick", Data: "cmix:2",
		Size: 16, Levels: 1, Base: 16,
		Steps: 6000, Batch: 32, LR: 3e-3, LREvery: 4500, LRFactor: 0.5,
		Ns: []int{1, 10, 100, 1000}, SlopeN: 1000,
		Alphas: []float64{1, 2, 3, 5},
		NTest:  200, NEval: 100,
		EvalSigmas:  []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.4},
		SlopeSigmas: []float64{0.05, 0.07, 0.1, 0.14, 0.2},
		Samples:     32, Sampler: s,
		JacSigmas: []float64{0.02, 0.05, 0.1, 0.2, 0.4}, JacImages: 8,
		Seed: 1, EstimateFull: true,
	}
}

// Full follows the paper's scale where a CPU allows: 40×40 images, a
// 2-level UNet of base 64 (1.8M parameters), N = 1…10^5.
func Full() Preset {
	p := Quick()
	p.Name = "full"
	p.Size, p.Levels, p.Base = 40, 2, 64
	p.Steps, p.Batch, p.LREvery = 20000, 32, 8000
	p.Ns = []int{1, 10, 100, 1000, 10000, 100000}
	p.SlopeN = 10000
	p.NTest, p.NEval = 1000, 300
	p.Samples, p.JacImages = 64, 16
	p.Sampler.MaxSteps = 3000
	p.Sampler.SigmaInf = 0.01 // the authors' code: long-trained networks reach it
	p.SlopeSigmas = []float64{0.01, 0.015, 0.02, 0.03, 0.05}
	// The area-coverage contour's slope models too (4 more trainings; left
	// out of quick so that its first run stays at about 10 minutes).
	p.AAContour = true
	return p
}

// Medium sits between quick and full: 32×32 images, a 2-level UNet of base
// 16, N up to 10^4, and the σ-weighted loss (c = 1e-2). On the quick
// preset's C^α α=2 model that weight lifted held-out output PSNR at σ = 0.01
// from 29.6–31.2 dB to 38.4–39.0 dB over three seeds (a PyTorch control:
// 29.1–29.9 → 38.2–38.9) at no cost at σ = 0.4 (docs/reproduce.md). Its
// slope σs (the fit-range rule's fallback) are small, σ ≤ 0.05, where the
// paper's slopes are asymptotic; in its first run the rule chose
// σ ∈ [0.1, 0.4] for every α instead, as the floor still bends the curves
// below. Like full it also trains each α on the area-coverage contour. The
// first run (15 models, before the contour models) took 42m32s on 2 cores.
func Medium() Preset {
	p := Quick()
	p.Name = "medium"
	p.Size, p.Levels, p.Base = 32, 2, 16
	p.SigmaWeight = 1e-2
	p.Ns = []int{1, 10, 100, 1000, 10000}
	p.SlopeN = 10000
	p.NTest, p.NEval = 500, 200
	p.EvalSigmas = []float64{0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4}
	p.SlopeSigmas = []float64{0.01, 0.015, 0.02, 0.03, 0.05}
	p.AAContour = true
	return p
}

// smokeName is the name of the smoke preset, whose report says that its
// numbers mean nothing.
const smokeName = "smoke"

// Smoke is a preset for testing the whole pipeline (plan → jobs → report)
// in seconds: 14×14 images (the disks need 14), a UNet of base 4 trained 20 steps, N ∈ {1, 4},
// two C^α models so that every claim gets a verdict. Its numbers are not
// claimed to mean anything.
func Smoke() Preset {
	p := Quick()
	p.Name, p.Size, p.Base = smokeName, 14, 4
	p.Steps, p.Batch, p.LREvery = 20, 8, 0
	p.Ns, p.SlopeN, p.Alphas = []int{1, 4}, 4, []float64{1, 2}
	p.NTest, p.NEval = 6, 3
	p.EvalSigmas, p.SlopeSigmas = []float64{0.05, 0.1, 0.2}, []float64{0.05, 0.1}
	p.Samples, p.Sampler.MaxSteps = 3, 20
	p.JacSigmas, p.JacImages = []float64{0.1, 0.2}, 2
	p.EstimateFull = false
	p.AAContour = true // every kind of job the full preset has
	return p
}

// PresetByName returns quick, medium, full or smoke.
func PresetByName(name string) (Preset, error) {
	switch name {
	case "quick":
		return Quick(), nil
	case "medium":
		return Medium(), nil
	case "full":
		return Full(), nil
	case smokeName:
		return Smoke(), nil
	}
	return Preset{}, fmt.Errorf("study: unknown preset %q (want quick, medium, full or smoke)", name)
}

// pool is the number of training images generated per dataset.
func (p Preset) pool() int {
	m := p.SlopeN
	for _, n := range p.Ns {
		m = max(m, n)
	}
	return 2 * m
}

func (p Preset) largestN() int {
	m := 0
	for _, n := range p.Ns {
		m = max(m, n)
	}
	return m
}
