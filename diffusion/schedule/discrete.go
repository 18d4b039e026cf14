package schedule

import (
	"fmt"
	"math"
	"sort"
)

// Discrete is a DDPM noise schedule over T steps t = 0..T−1: β_t, the
// cumulative products ᾱ_t = Π_{s≤t}(1−β_s) and the σ-space levels
// σ_t = √((1−ᾱ_t)/ᾱ_t), which increase strictly with t.
type Discrete struct {
	Name     string
	Beta     []float64
	AlphaBar []float64
	Sigma    []float64
}

// FromBetas builds the schedule of the given β_t, each in (0,1).
func FromBetas(name string, betas []float64) (*Discrete, error) {
	if len(betas) == 0 {
		return nil, fmt.Errorf("schedule %s: no steps", name)
	}
	s := &Discrete{Name: name, Beta: append([]float64(nil), betas...), AlphaBar: make([]float64, len(betas)), Sigma: make([]float64, len(betas))}
	prod := 1.0
	for t, b := range betas {
		if !(b > 0 && b < 1) {
			return nil, fmt.Errorf("schedule %s: β_%d = %v must lie in (0,1)", name, t, b)
		}
		prod *= 1 - b
		s.AlphaBar[t] = prod
		s.Sigma[t] = SigmaOfAlphaBar(prod)
	}
	return s, nil
}

// LinearBeta is the schedule of Ho et al. (DDPM): β_t evenly spaced from
// beta0 to betaEnd over T steps (numpy.linspace: β_t = beta0 + t·(betaEnd −
// beta0)/(T−1), the last exactly betaEnd).
func LinearBeta(T int, beta0, betaEnd float64) (*Discrete, error) {
	if T < 2 {
		return nil, fmt.Errorf("schedule linear: T = %d steps, need at least 2", T)
	}
	betas := make([]float64, T)
	step := (betaEnd - beta0) / float64(T-1)
	for t := range betas {
		betas[t] = beta0 + float64(t)*step
	}
	betas[T-1] = betaEnd
	return FromBetas(fmt.Sprintf("linear(%g..%g, T=%d)", beta0, betaEnd, T), betas)
}

// DDPM is the linear β schedule study B evaluates with: 1e-4 to 0.02 over
// T = 1000 steps.
func DDPM() *Discrete {
	s, err := LinearBeta(1000, 1e-4, 0.02)
	if err != nil {
		panic(err) // constant arguments
	}
	return s
}

// CosineMaxBeta is the clip of the cosine schedule's β (Nichol & Dhariwal:
// without it the last steps' β → 1 and ᾱ_{T−1} = 0).
const CosineMaxBeta = 0.999

// Cosine is the schedule of Nichol & Dhariwal (improved DDPM) with offset
// s (0.008 there): f(τ) = cos²((τ+s)/(1+s)·π/2), and step t covers
// continuous time τ from t/T to (t+1)/T, β_t = min(1 − f((t+1)/T)/f(t/T),
// CosineMaxBeta), as their betas_for_alpha_bar. So ᾱ_t = f((t+1)/T)/f(0)
// wherever no β was clipped (all steps but the last for s = 0.008, T ≥ 2).
func Cosine(T int, s float64) (*Discrete, error) {
	if T < 1 {
		return nil, fmt.Errorf("schedule cosine: T = %d steps, need at least 1", T)
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return nil, fmt.Errorf("schedule cosine: offset s = %v must be a positive number", s)
	}
	betas := make([]float64, T)
	for t := range betas {
		b := 1 - CosineF(float64(t+1)/float64(T), s)/CosineF(float64(t)/float64(T), s)
		betas[t] = min(b, CosineMaxBeta)
	}
	return FromBetas(fmt.Sprintf("cosine(s=%g, T=%d)", s, T), betas)
}

// CosineF is f(τ) = cos²((τ+s)/(1+s)·π/2) of the cosine schedule.
func CosineF(tau, s float64) float64 {
	c := math.Cos((tau + s) / (1 + s) * math.Pi / 2)
	return c * c
}

// T is the number of steps.
func (s *Discrete) T() int { return len(s.Beta) }

// Nearest is the step whose σ_t is nearest to sigma (ties go to the smaller
// t). σ below σ_0 gives 0, above σ_{T−1} gives T−1. sigma must not be NaN.
func (s *Discrete) Nearest(sigma float64) int {
	// First t with σ_t ≥ sigma; then the closer of t−1 and t.
	t := sort.SearchFloat64s(s.Sigma, sigma)
	switch {
	case t == 0:
		return 0
	case t == len(s.Sigma):
		return t - 1
	case sigma-s.Sigma[t-1] <= s.Sigma[t]-sigma:
		return t - 1
	}
	return t
}
