package schedule

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// ᾱ_t of the linear schedule, a running product, against the closed form
// exp(Σ_{s≤t} log(1−β_s)) with β_s from the linspace formula written out,
// and σ_t against its definition.
func TestLinearBetaAlphaBarMatchesLogSum(t *testing.T) {
	s := DDPM()
	if s.T() != 1000 || s.Beta[0] != 1e-4 || s.Beta[999] != 0.02 {
		t.Fatalf("T %d, β_0 %v, β_999 %v", s.T(), s.Beta[0], s.Beta[999])
	}
	var logSum float64
	for k := 0; k < 1000; k++ {
		beta := 1e-4 + (0.02-1e-4)*float64(k)/999
		if math.Abs(s.Beta[k]-beta) > 1e-17 {
			t.Fatalf("β_%d = %v, linspace %v", k, s.Beta[k], beta)
		}
		logSum += math.Log1p(-beta)
		want := math.Exp(logSum)
		if e := math.Abs(s.AlphaBar[k]-want) / want; e > 1e-12 {
			t.Fatalf("ᾱ_%d = %v, exp(Σlog(1−β)) = %v: relative %.2g", k, s.AlphaBar[k], want, e)
		}
		if sig := math.Sqrt((1 - want) / want); math.Abs(s.Sigma[k]-sig) > 1e-10*sig {
			t.Fatalf("σ_%d = %v, want %v", k, s.Sigma[k], sig)
		}
	}
	// The values the locality reference tabulates (float32 schedule,
	// four or five digits) at the 10-step DDIM grid.
	for _, c := range []struct {
		t            int
		alphaBar, sg float64
	}{{900, 2.702e-4, 60.82}, {500, 7.780e-2, 3.443}, {300, 0.39401, 1.240}, {100, 0.89514, 0.3423}, {0, 0.99990, 0.0100}} {
		if e := math.Abs(s.AlphaBar[c.t]-c.alphaBar) / c.alphaBar; e > 5e-4 {
			t.Errorf("ᾱ_%d = %.5g, reference table %.5g", c.t, s.AlphaBar[c.t], c.alphaBar)
		}
		if e := math.Abs(s.Sigma[c.t]-c.sg) / c.sg; e > 5e-3 {
			t.Errorf("σ_%d = %.5g, reference table %.5g", c.t, s.Sigma[c.t], c.sg)
		}
	}
}

// The cosine schedule's ᾱ_t is f((t+1)/T)/f(0) wherever β was not clipped;
// only the last step is, and its β is exactly the clip.
func TestCosineAlphaBarMatchesClosedForm(t *testing.T) {
	const T, off = 1000, 0.008
	s, err := Cosine(T, off)
	if err != nil {
		t.Fatal(err)
	}
	f := func(tau float64) float64 { c := math.Cos((tau + off) / (1 + off) * math.Pi / 2); return c * c }
	for k := 0; k < T-1; k++ {
		if s.Beta[k] >= CosineMaxBeta {
			t.Fatalf("β_%d = %v was clipped", k, s.Beta[k])
		}
		want := f(float64(k+1)/T) / f(0)
		if e := math.Abs(s.AlphaBar[k]-want) / want; e > 1e-10 {
			t.Fatalf("ᾱ_%d = %v, f(t)/f(0) = %v: relative %.2g", k, s.AlphaBar[k], want, e)
		}
	}
	if s.Beta[T-1] != CosineMaxBeta {
		t.Fatalf("the last β = %v, want the clip %v (f(1) = 0)", s.Beta[T-1], CosineMaxBeta)
	}
	if want := s.AlphaBar[T-2] * (1 - CosineMaxBeta); math.Abs(s.AlphaBar[T-1]-want) > 1e-15*want {
		t.Fatalf("ᾱ_%d = %v, want ᾱ_%d·(1−0.999) = %v", T-1, s.AlphaBar[T-1], T-2, want)
	}
	for k := 1; k < T; k++ {
		if !(s.Sigma[k] > s.Sigma[k-1]) {
			t.Fatalf("σ_t not increasing at %d: %v then %v", k, s.Sigma[k-1], s.Sigma[k])
		}
	}
	if _, err := Cosine(10, 0); err == nil {
		t.Error("offset s = 0 accepted")
	}
}

func TestFromBetasErrors(t *testing.T) {
	for _, b := range [][]float64{nil, {0.1, 0}, {0.5, 1}, {math.NaN()}, {-0.1}} {
		if _, err := FromBetas("bad", b); err == nil {
			t.Errorf("betas %v accepted", b)
		}
	}
	if _, err := LinearBeta(1, 1e-4, 0.02); err == nil {
		t.Error("T = 1 accepted")
	}
}

// Nearest against a linear scan for σ on, between and outside the grid.
func TestNearestMatchesScan(t *testing.T) {
	s := DDPM()
	scan := func(sigma float64) int {
		best := 0
		for k, v := range s.Sigma {
			if math.Abs(v-sigma) < math.Abs(s.Sigma[best]-sigma) {
				best = k
			}
		}
		return best
	}
	rng := tensor.NewRNG(3)
	sigmas := []float64{0, 1e-9, s.Sigma[0], s.Sigma[417], s.Sigma[999], 1e9}
	for range 2000 {
		sigmas = append(sigmas, math.Exp(rng.Float64()*12-6))
	}
	for k := 0; k+1 < s.T(); k += 37 { // midpoints: ties go to the smaller t
		sigmas = append(sigmas, s.Sigma[k]+(s.Sigma[k+1]-s.Sigma[k])/2)
	}
	for _, sg := range sigmas {
		if got, want := s.Nearest(sg), scan(sg); got != want {
			t.Fatalf("Nearest(%v) = %d (σ %v), scan %d (σ %v)", sg, got, s.Sigma[got], want, s.Sigma[want])
		}
	}
	if s.Nearest(math.Inf(1)) != 999 {
		t.Fatal("σ = +Inf is not nearest to the last step")
	}
	if s.Nearest(s.Sigma[417]) != 417 {
		t.Fatal("σ_417 is not nearest to itself")
	}
}

// VP ↔ σ-space: the conversions invert each other, and x_t = VPScale(σ)·y
// with y = x + σz is √ᾱ·x + √(1−ᾱ)·z at ᾱ = AlphaBarOfSigma(σ).
func TestVPConversions(t *testing.T) {
	for _, sg := range []float64{0, 1e-3, 0.1, 1, 7.5, 60.82} {
		ab := AlphaBarOfSigma(sg)
		if back := SigmaOfAlphaBar(ab); math.Abs(back-sg) > 1e-12*math.Max(sg, 1) {
			t.Errorf("σ %v → ᾱ %v → σ %v", sg, ab, back)
		}
		c := VPScale(sg)
		if math.Abs(c-math.Sqrt(ab)) > 1e-15 || math.Abs(c*sg-math.Sqrt(1-ab)) > 1e-12 {
			t.Errorf("σ %v: scale %v, √ᾱ %v, σ·scale %v, √(1−ᾱ) %v", sg, c, math.Sqrt(ab), c*sg, math.Sqrt(1-ab))
		}
	}
	if !math.IsInf(SigmaOfAlphaBar(0), 1) || SigmaOfAlphaBar(1) != 0 {
		t.Error("ᾱ = 0 must be σ = +Inf and ᾱ = 1 σ = 0")
	}
}

// BlindSigma is U² of one uniform draw: the same stream squared.
func TestBlindSigmaIsUSquared(t *testing.T) {
	a, b := tensor.NewRNG(9), tensor.NewRNG(9)
	var below int
	for range 10000 {
		u := b.Float64()
		s := BlindSigma(a)
		if s != u*u {
			t.Fatalf("σ = %v, U² = %v", s, u*u)
		}
		if s < 0.25 {
			below++
		}
	}
	// P(U² < 1/4) = P(U < 1/2) = 1/2: 10⁴ draws, 4 standard errors.
	if math.Abs(float64(below)/10000-0.5) > 4*0.005 {
		t.Fatalf("%d of 10000 draws below 0.25, want about half", below)
	}
}
