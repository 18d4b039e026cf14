package data

import (
	"math"
	"math/bits"
)

// rng is the generator behind every random choice in this package. It is
// xoshiro256** seeded through splitmix64, kept here (rather than borrowed from
// tensor) so that a dataset drawn from a seed stays bit-identical even if the
// engine's general-purpose generator changes: published results name a seed,
// and that seed must keep meaning the same images.
type rng struct{ s [4]uint64 }

func newRNG(seed uint64) *rng {
	r := &rng{}
	x := seed
	for i := range r.s {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		r.s[i] = z ^ (z >> 31)
	}
	return r
}

// derive returns an independent stream for sub-task k of seed (e.g. image k of
// a generated set), so image i does not depend on how many images came before
// it and sets of different sizes share their prefixes.
func derive(seed uint64, k uint64) *rng {
	return newRNG(seed*0x9e3779b97f4a7c15 ^ (k+1)*0xd1b54a32d192ed03)
}

func rotl(x uint64, k uint) uint64 { return x<<k | x>>(64-k) }

func (r *rng) uint64() uint64 {
	s := &r.s
	out := rotl(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = rotl(s[3], 45)
	return out
}

// float64 is uniform in [0, 1) with 53 random bits.
func (r *rng) float64() float64 { return float64(r.uint64()>>11) / (1 << 53) }

// uniform is uniform in [lo, hi).
func (r *rng) uniform(lo, hi float64) float64 { return lo + (hi-lo)*r.float64() }

// normal is a standard Gaussian (Box–Muller, one value per call).
func (r *rng) normal() float64 {
	u := 1 - r.float64() // (0, 1]: log is finite
	v := r.float64()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// intn is uniform in [0, n) without modulo bias (Lemire's method).
func (r *rng) intn(n int) int {
	if n <= 0 {
		panic("data: intn of a non-positive bound")
	}
	bound := uint64(n)
	threshold := -bound % bound
	for {
		hi, lo := bits.Mul64(r.uint64(), bound)
		if lo >= threshold {
			return int(hi)
		}
	}
}

// perm is a uniform random permutation of 0..n-1 (Fisher–Yates).
func (r *rng) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}
