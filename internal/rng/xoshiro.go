package rng

import (
	"fmt"
	"math/bits"
)

// Xoshiro256 is a xoshiro256** generator (Blackman & Vigna, 2018): 256 bits
// of state, period 2^256−1, fast, and it passes BigCrush. Seeds are expanded
// to state with SplitMix64, as the authors recommend. The zero value is not
// usable (an all-zero state outputs only zeros): start from New, Derive or
// Seed, or load a saved state.
type Xoshiro256 struct {
	s [4]uint64
	// Normal yields Box–Muller normals in pairs; the second is kept for the
	// next call and is part of the saved state, so a resumed run continues
	// identically.
	hasSpare bool
	spare    float64
}

// New returns a generator seeded from seed (any value, including 0).
func New(seed uint64) *Xoshiro256 {
	r := &Xoshiro256{}
	r.Seed(seed)
	return r
}

// Derive returns the generator of sub-stream k of seed (e.g. image k of a
// generated set): it depends only on (seed, k), so item k does not depend on
// how many items came before it and sets of different sizes share prefixes.
func Derive(seed, k uint64) *Xoshiro256 {
	return New(seed*golden ^ (k+1)*0xd1b54a32d192ed03)
}

// Seed resets the generator to the stream of New(seed), with no pending
// normal.
func (r *Xoshiro256) Seed(seed uint64) {
	sm := SplitMix64{state: seed}
	for i := range r.s {
		r.s[i] = sm.Uint64()
	}
	r.hasSpare, r.spare = false, 0
}

// Uint64 returns 64 uniformly random bits. With it, *Xoshiro256 satisfies
// math/rand/v2's Source interface.
func (r *Xoshiro256) Uint64() uint64 {
	s := &r.s
	out := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return out
}

// Jump advances the state by 2^128 draws (and drops a pending normal);
// calling it k times on copies of one generator gives k streams that never
// overlap in practice.
func (r *Xoshiro256) Jump() {
	jump := [4]uint64{0x180ec6d33cfd0aba, 0xd5a61266f0c9392c, 0xa9582618e03fc9aa, 0x39abdc4529b1661c}
	var t [4]uint64
	for _, j := range jump {
		for b := 0; b < 64; b++ {
			if j&(1<<b) != 0 {
				for i := range t {
					t[i] ^= r.s[i]
				}
			}
			r.Uint64()
		}
	}
	r.s = t
	r.hasSpare, r.spare = false, 0
}

// Float64 returns a uniform value in [0, 1) with 53 random bits.
func (r *Xoshiro256) Float64() float64 { return float64(r.Uint64()>>11) * 0x1p-53 }

// Float32 returns a uniform value in [0, 1) with 24 random bits.
func (r *Xoshiro256) Float32() float32 { return float32(r.Uint64()>>40) * 0x1p-24 }

// Uniform returns lo + (hi−lo)·u, u = Float64(): uniform in [lo, hi) up to
// rounding.
func (r *Xoshiro256) Uniform(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// FillUniform fills dst with lo + (hi−lo)·u, u = Float64(), rounded to
// float32 (which can produce hi itself when hi−lo is large relative to
// ulp(hi)).
func (r *Xoshiro256) FillUniform(dst []float32, lo, hi float32) {
	w := float64(hi) - float64(lo)
	for i := range dst {
		dst[i] = float32(float64(lo) + w*r.Float64())
	}
}

// Intn returns a uniform integer in [0, n) without modulo bias (Lemire's
// multiply-and-reject method). It panics if n <= 0, as math/rand does: a
// bound is the caller's invariant, not input.
func (r *Xoshiro256) Intn(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("rng: Intn(%d): n must be positive", n))
	}
	bound := uint64(n)
	hi, lo := bits.Mul64(r.Uint64(), bound)
	if lo < bound {
		thresh := -bound % bound
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), bound)
		}
	}
	return int(hi)
}

// Perm returns a uniformly random permutation of 0..n−1 (Fisher–Yates).
func (r *Xoshiro256) Perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r.Shuffle(p)
	return p
}

// Shuffle permutes p uniformly at random in place.
func (r *Xoshiro256) Shuffle(p []int) {
	for i := len(p) - 1; i > 0; i-- {
		j := r.Intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
}
