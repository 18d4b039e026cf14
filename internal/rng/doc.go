// Package rng is the one place that defines harmonic's random number
// generators, so that a seed names the same stream wherever it is used:
//
//   - Xoshiro256 (xoshiro256**, Blackman & Vigna 2018), seeded through
//     SplitMix64: the generator behind tensor.RNG (weights, training noise,
//     sampler noise, checkpoints' RNG state) and the dataset generators.
//   - SplitMix64 (Steele, Lea & Flood 2014): the seeder of Xoshiro256, the
//     derivation of per-index seeds (SplitMix64At) and, on its own, the
//     Lanczos start vectors' generator.
//
// Published results name seeds and checkpoints hold generator state, so
// nothing here may change the bits it produces: the golden tests of the
// packages that use it (tensor, tensor/linalg, diffusion/data,
// diffusion/sample) pin the streams. Where callers historically drew normals
// differently, each algorithm is a distinct, documented method (Normal,
// NormalCos, SplitMix64.Normal) rather than a second generator.
//
// Generators are not safe for concurrent use; give each goroutine its own
// (Derive or Jump give independent streams). Normals go through math.Log,
// math.Sqrt and math.Sin/Cos/Sincos, so their bits are reproducible on one
// architecture; Go may round those functions differently elsewhere.
package rng
