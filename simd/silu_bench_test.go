package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// One res block's activation at the 28×28 level of the tc-unet (batch 64,
// 32 channels): 1.6 M floats, larger than L2, as in the training step.
func BenchmarkSiLU(b *testing.B) {
	const n = 64 * 32 * 28 * 28
	x, g, dst := make([]float32, n), make([]float32, n), make([]float32, n)
	fillRandom(rand.New(rand.NewPCG(1, 2)), x, false)
	fillRandom(rand.New(rand.NewPCG(3, 4)), g, false)
	for _, l := range Available() {
		for _, k := range []string{"forward", "backward"} {
			b.Run(fmt.Sprintf("%s/%s", k, l), func(b *testing.B) {
				prev := Current()
				if err := Use(string(l)); err != nil {
					b.Fatal(err)
				}
				defer Use(string(prev))
				streams := int64(2) // x in, dst out; the backward pass also reads g
				if k == "backward" {
					streams = 3
				}
				b.SetBytes(4 * n * streams)
				for b.Loop() {
					if k == "forward" {
						SiLU(dst, x)
					} else {
						SiLUBackward(dst, g, x)
					}
				}
			})
		}
	}
}

// The memory-bound reference for BenchmarkSiLU: dst = x + g over as many floats.
func BenchmarkSiLUBandwidthAdd(b *testing.B) {
	const n = 64 * 32 * 28 * 28
	x, g, dst := make([]float32, n), make([]float32, n), make([]float32, n)
	b.SetBytes(4 * n * 3)
	for b.Loop() {
		Add(dst, g, x)
	}
}
