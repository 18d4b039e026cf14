package tensor

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// RNG is a xoshiro256** generator (Blackman & Vigna, 2018): 256 bits of state,
// period 2^256-1, fast, and passes BigCrush. Seeds are expanded to state with
// SplitMix64, as the authors recommend. All randomness in harmonic flows from
// explicit RNGs, so the same seed gives bit-identical results; Normal uses
// math.Log/Sqrt/Sincos, so streams of normals are identical on one
// architecture (Go may fuse multiply-adds differently elsewhere).
//
// An RNG is not safe for concurrent use; give each goroutine its own (see
// Jump for non-overlapping streams).
type RNG struct {
	s [4]uint64
	// Box–Muller yields normals in pairs; the second is kept for the next call
	// and is part of the saved state so a resumed run continues identically.
	hasSpare bool
	spare    float64
}

// NewRNG returns a generator seeded from seed (any value, including 0).
func NewRNG(seed uint64) *RNG {
	r := &RNG{}
	r.Seed(seed)
	return r
}

// Seed resets the generator to the stream of NewRNG(seed).
func (r *RNG) Seed(seed uint64) {
	sm := seed
	for i := range r.s {
		r.s[i] = splitMix64(&sm)
	}
	r.hasSpare, r.spare = false, 0
}

// splitMix64 advances *x and returns the next SplitMix64 output.
func splitMix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Uint64 returns 64 uniformly random bits. With it, *RNG satisfies
// math/rand/v2's Source interface.
func (r *RNG) Uint64() uint64 {
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

// Jump advances the state by 2^128 draws; calling it k times on copies of one
// generator gives k streams that never overlap in practice.
func (r *RNG) Jump() {
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
func (r *RNG) Float64() float64 { return float64(r.Uint64()>>11) * 0x1p-53 }

// Float32 returns a uniform value in [0, 1) with 24 random bits.
func (r *RNG) Float32() float32 { return float32(r.Uint64()>>40) * 0x1p-24 }

// Intn returns a uniform integer in [0, n) without modulo bias (Lemire's
// multiply-and-reject method). It panics if n <= 0, as math/rand does.
func (r *RNG) Intn(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("tensor: RNG.Intn(%d): n must be positive", n))
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

// Perm returns a uniformly random permutation of 0..n-1 (Fisher–Yates).
func (r *RNG) Perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r.Shuffle(p)
	return p
}

// Shuffle permutes p uniformly at random in place.
func (r *RNG) Shuffle(p []int) {
	for i := len(p) - 1; i > 0; i-- {
		j := r.Intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
}

// Normal returns a standard normal value (Box–Muller transform, exact up to
// floating-point rounding; uses two uniforms per pair of normals).
func (r *RNG) Normal() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	a, b := r.normalPair()
	r.hasSpare, r.spare = true, b
	return a
}

// normalPair draws two independent standard normals. u1 is in (0, 1] so the
// logarithm is finite.
func (r *RNG) normalPair() (float64, float64) {
	u1 := 1 - r.Float64()
	u2 := r.Float64()
	rad := math.Sqrt(-2 * math.Log(u1))
	s, c := math.Sincos(2 * math.Pi * u2)
	return rad * c, rad * s
}

// FillUniform fills dst with lo + (hi-lo)·u, u uniform in [0, 1). Rounding to
// float32 can produce hi itself when hi-lo is large relative to ulp(hi).
func (r *RNG) FillUniform(dst []float32, lo, hi float32) {
	w := float64(hi) - float64(lo)
	for i := range dst {
		dst[i] = float32(float64(lo) + w*r.Float64())
	}
}

// FillNormal fills dst with mean + std·z, z standard normal. It continues the
// same stream as Normal (a pending spare is used first), so mixing the two
// stays deterministic.
func (r *RNG) FillNormal(dst []float32, mean, std float32) {
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

// rngMagic versions the serialized state.
const rngMagic = "xoshiro256ss/v1\x00"

const rngStateLen = len(rngMagic) + 4*8 + 1 + 8

// MarshalBinary returns the exact generator state (including a pending
// Box–Muller spare) for checkpoints.
func (r *RNG) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, rngStateLen)
	b = append(b, rngMagic...)
	for _, w := range r.s {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	if r.hasSpare {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(r.spare)), nil
}

// UnmarshalBinary restores a state written by MarshalBinary; the generator
// then continues exactly where the saved one stopped.
func (r *RNG) UnmarshalBinary(b []byte) error {
	if len(b) != rngStateLen || string(b[:len(rngMagic)]) != rngMagic {
		return fmt.Errorf("tensor: RNG state is %d bytes or has a wrong tag; want %d bytes from RNG.MarshalBinary", len(b), rngStateLen)
	}
	p := b[len(rngMagic):]
	var s [4]uint64
	for i := range s {
		s[i] = binary.LittleEndian.Uint64(p[8*i:])
	}
	if s == [4]uint64{} {
		return errors.New("tensor: RNG state is all zero (xoshiro256** would output only zeros)")
	}
	if p[32] > 1 {
		return fmt.Errorf("tensor: RNG state has spare flag %d, want 0 or 1", p[32])
	}
	r.s = s
	r.hasSpare = p[32] == 1
	r.spare = math.Float64frombits(binary.LittleEndian.Uint64(p[33:]))
	return nil
}

// MarshalText is MarshalBinary as a hex string, for text containers such as
// safetensors metadata.
func (r *RNG) MarshalText() ([]byte, error) {
	b, _ := r.MarshalBinary()
	return []byte(hex.EncodeToString(b)), nil
}

// UnmarshalText restores a state written by MarshalText.
func (r *RNG) UnmarshalText(text []byte) error {
	b, err := hex.DecodeString(string(text))
	if err != nil {
		return fmt.Errorf("tensor: RNG state is not hex: %v", err)
	}
	return r.UnmarshalBinary(b)
}
