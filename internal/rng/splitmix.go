package rng

import "math"

// golden is 2^64/φ, SplitMix64's increment (an odd number whose bits look
// random, so successive states differ in many bits).
const golden = 0x9e3779b97f4a7c15

// mix64 is SplitMix64's output finalizer (a variant of MurmurHash3's fmix64
// with better constants): a bijection on uint64 with full avalanche.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// SplitMix64At returns the k-th output (k counting from 1) of SplitMix64
// started at state seed, without drawing the k−1 before it: a seed for
// sub-stream k that depends only on (seed, k).
func SplitMix64At(seed, k uint64) uint64 { return mix64(seed + golden*k) }

// SplitMix64 is a 64-bit-state generator: an additive counter through a
// finalizer. It is statistically weaker than Xoshiro256 (period 2^64) but
// any seed is fine, which is why it seeds Xoshiro256. Its Gaussian methods
// draw the Lanczos start vectors.
type SplitMix64 struct {
	state uint64
	// Normal yields Box–Muller normals in pairs; the sine branch waits here.
	spare    float64
	hasSpare bool
}

// NewSplitMix64 returns a generator whose state is seed.
func NewSplitMix64(seed uint64) *SplitMix64 { return &SplitMix64{state: seed} }

// Uint64 advances the state and returns 64 uniformly random bits.
func (r *SplitMix64) Uint64() uint64 {
	r.state += golden
	return mix64(r.state)
}

// OpenFloat64 returns a uniform value in the open interval (0, 1), the
// midpoint of one of 2^53 equal cells: never 0, so its logarithm is finite.
func (r *SplitMix64) OpenFloat64() float64 {
	return (float64(r.Uint64()>>11) + 0.5) * 0x1p-53
}

// Normal returns a standard normal value by Box–Muller over two OpenFloat64
// uniforms u, v: √(−2 ln u)·cos 2πv first, then √(−2 ln u)·sin 2πv on the
// next call. (The cosine and sine come from math.Cos and math.Sin, not
// math.Sincos, so the Lanczos start vectors keep their bits.)
func (r *SplitMix64) Normal() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	u, v := r.OpenFloat64(), r.OpenFloat64()
	rad := math.Sqrt(-2 * math.Log(u))
	r.spare = rad * math.Sin(2*math.Pi*v)
	r.hasSpare = true
	return rad * math.Cos(2*math.Pi*v)
}

// FillNormal64 fills dst with successive Normal values.
func (r *SplitMix64) FillNormal64(dst []float64) {
	for i := range dst {
		dst[i] = r.Normal()
	}
}
