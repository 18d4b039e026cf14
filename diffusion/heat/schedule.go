package heat

import (
	"fmt"
	"math"
)

// SigmaMin is the blur of level 1 in pixels, the same in every released
// config.
const SigmaMin = 0.5

// Schedule is the blur schedule of K levels: σ_B,0 = 0 (level 0 is the
// clean image) and σ_B,1..σ_B,K geometric from SigmaMin to σ_max, as the
// released configs build it:
//
//	blur_schedule = [0] + exp(linspace(log(0.5), log(σ_max), K))
//
// (numpy's linspace: both endpoints included, σ_B,K = exp(log σ_max)).
type Schedule struct {
	sigmas []float64 // K+1 values
}

// NewSchedule builds the schedule of k ≥ 1 levels up to sigmaMax > 0.5.
// With k = 1 the only blurred level is σ_B,1 = 0.5, as numpy's
// linspace(a, b, 1) = [a] gives.
func NewSchedule(k int, sigmaMax float64) (Schedule, error) {
	if k < 1 {
		return Schedule{}, fmt.Errorf("heat: a schedule needs K ≥ 1 levels, got K = %d", k)
	}
	if !(sigmaMax > SigmaMin) || math.IsInf(sigmaMax, 0) {
		return Schedule{}, fmt.Errorf("heat: σ_max = %v must be finite and above σ_min = %v", sigmaMax, SigmaMin)
	}
	lo, hi := math.Log(SigmaMin), math.Log(sigmaMax)
	s := make([]float64, k+1)
	for i := 0; i < k; i++ {
		// numpy: start + i·step, the last of k > 1 samples set to stop.
		v := lo
		if i == k-1 && k > 1 {
			v = hi
		} else if i > 0 {
			v = lo + float64(i)*((hi-lo)/float64(k-1))
		}
		s[i+1] = math.Exp(v)
	}
	return Schedule{sigmas: s}, nil
}

// K is the number of blurred levels (levels run 0..K).
func (s Schedule) K() int { return len(s.sigmas) - 1 }

// Sigma returns σ_B,k, the Gaussian blur of level k in pixels; it panics
// for k outside 0..K (a programmer error).
func (s Schedule) Sigma(k int) float64 {
	s.check(k)
	return s.sigmas[k]
}

// Time returns t_k = σ_B,k²/2, the diffusion time of level k: the heat
// equation run for t blurs by a Gaussian of variance 2t.
func (s Schedule) Time(k int) float64 {
	s.check(k)
	return s.sigmas[k] * s.sigmas[k] / 2
}

// Sigmas returns σ_B,0..σ_B,K (a copy).
func (s Schedule) Sigmas() []float64 { return append([]float64(nil), s.sigmas...) }

func (s Schedule) check(k int) {
	if k < 0 || k > s.K() {
		panic(fmt.Sprintf("heat: level %d outside 0..%d", k, s.K()))
	}
}
