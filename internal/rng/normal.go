package rng

import "math"

// Xoshiro256 has two Gaussian methods because its two historical users drew
// normals differently and both streams are published: the dataset
// generators (NormalCos) and tensor.RNG (Normal, FillNormal). Both are
// Box–Muller over u1 = 1 − Float64() ∈ (0, 1] (so the logarithm is finite)
// and u2 = Float64().

// Normal returns a standard normal value. Normals come in pairs
// √(−2 ln u1)·(cos, sin)(2πu2), from math.Sincos; the sine is kept for the
// next call (and in the saved state).
func (r *Xoshiro256) Normal() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	a, b := r.normalPair()
	r.hasSpare, r.spare = true, b
	return a
}

func (r *Xoshiro256) normalPair() (float64, float64) {
	u1 := 1 - r.Float64()
	u2 := r.Float64()
	rad := math.Sqrt(-2 * math.Log(u1))
	s, c := math.Sincos(2 * math.Pi * u2)
	return rad * c, rad * s
}

// FillNormal fills dst with mean + std·z, z from the Normal stream (a
// pending spare is used first, and an odd tail leaves one), so mixing it
// with Normal stays deterministic.
func (r *Xoshiro256) FillNormal(dst []float32, mean, std float32) {
	m, s := float64(mean), float64(std)
	i := 0
	if r.hasSpare && len(dst) > 0 {
		dst[0] = float32(m + s*r.Normal())
		i = 1
	}
	for ; i+1 < len(dst); i += 2 {
		a, b := r.normalPair()
		dst[i] = float32(m + s*a)
		dst[i+1] = float32(m + s*b)
	}
	if i < len(dst) {
		dst[i] = float32(m + s*r.Normal())
	}
}

// NormalCos returns a standard normal value √(−2 ln u1)·cos 2πu2 from
// math.Cos, one per call: the sine branch is not kept, so every value costs
// two uniforms and the stream never has a pending spare. It is the dataset
// generators' normal (C^α backgrounds); it ignores and keeps any spare of
// Normal.
func (r *Xoshiro256) NormalCos() float64 {
	u1 := 1 - r.Float64()
	u2 := r.Float64()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}
