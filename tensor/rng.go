package tensor

import (
	"fmt"

	"github.com/harmonic-go/harmonic/internal/rng"
)

// RNG is a xoshiro256** generator (Blackman & Vigna, 2018): 256 bits of state,
// period 2^256-1, fast, and passes BigCrush. Seeds are expanded to state with
// SplitMix64, as the authors recommend. All randomness in harmonic flows from
// explicit RNGs, so the same seed gives bit-identical results; Normal uses
// math.Log/Sqrt/Sincos, so streams of normals are identical on one
// architecture (Go may fuse multiply-adds differently elsewhere).
//
// The algorithms live in internal/rng, shared with the dataset generators
// and the eigensolvers; RNG is their exported face, and its saved state
// (MarshalBinary) is what checkpoints hold.
//
// An RNG is not safe for concurrent use; give each goroutine its own (see
// Jump for non-overlapping streams).
type RNG struct{ g rng.Xoshiro256 }

// NewRNG returns a generator seeded from seed (any value, including 0).
func NewRNG(seed uint64) *RNG {
	r := &RNG{}
	r.Seed(seed)
	return r
}

// Seed resets the generator to the stream of NewRNG(seed).
func (r *RNG) Seed(seed uint64) { r.g.Seed(seed) }

// Uint64 returns 64 uniformly random bits. With it, *RNG satisfies
// math/rand/v2's Source interface.
func (r *RNG) Uint64() uint64 { return r.g.Uint64() }

// Jump advances the state by 2^128 draws; calling it k times on copies of one
// generator gives k streams that never overlap in practice.
func (r *RNG) Jump() { r.g.Jump() }

// Float64 returns a uniform value in [0, 1) with 53 random bits.
func (r *RNG) Float64() float64 { return r.g.Float64() }

// Float32 returns a uniform value in [0, 1) with 24 random bits.
func (r *RNG) Float32() float32 { return r.g.Float32() }

// Intn returns a uniform integer in [0, n) without modulo bias (Lemire's
// multiply-and-reject method). It panics if n <= 0, as math/rand does.
func (r *RNG) Intn(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("tensor: RNG.Intn(%d): n must be positive", n))
	}
	return r.g.Intn(n)
}

// Perm returns a uniformly random permutation of 0..n-1 (Fisher–Yates).
func (r *RNG) Perm(n int) []int { return r.g.Perm(n) }

// Shuffle permutes p uniformly at random in place.
func (r *RNG) Shuffle(p []int) { r.g.Shuffle(p) }

// Normal returns a standard normal value (Box–Muller transform, exact up to
// floating-point rounding; uses two uniforms per pair of normals, the second
// normal of a pair kept for the next call).
func (r *RNG) Normal() float64 { return r.g.Normal() }

// FillUniform fills dst with lo + (hi-lo)·u, u uniform in [0, 1). Rounding to
// float32 can produce hi itself when hi-lo is large relative to ulp(hi).
func (r *RNG) FillUniform(dst []float32, lo, hi float32) { r.g.FillUniform(dst, lo, hi) }

// FillNormal fills dst with mean + std·z, z standard normal. It continues the
// same stream as Normal (a pending spare is used first), so mixing the two
// stays deterministic.
func (r *RNG) FillNormal(dst []float32, mean, std float32) { r.g.FillNormal(dst, mean, std) }

// MarshalBinary returns the exact generator state (including a pending
// Box–Muller spare) for checkpoints.
func (r *RNG) MarshalBinary() ([]byte, error) { return r.g.MarshalBinary() }

// UnmarshalBinary restores a state written by MarshalBinary; the generator
// then continues exactly where the saved one stopped.
func (r *RNG) UnmarshalBinary(b []byte) error { return prefixed(r.g.UnmarshalBinary(b)) }

// MarshalText is MarshalBinary as a hex string, for text containers such as
// safetensors metadata.
func (r *RNG) MarshalText() ([]byte, error) { return r.g.MarshalText() }

// UnmarshalText restores a state written by MarshalText.
func (r *RNG) UnmarshalText(text []byte) error { return prefixed(r.g.UnmarshalText(text)) }

// prefixed names this package in an error from internal/rng.
func prefixed(err error) error {
	if err != nil {
		return fmt.Errorf("tensor: %w", err)
	}
	return nil
}
