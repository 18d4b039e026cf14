package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Benchmarks per kernel, level and length. SetBytes counts the bytes each call
// reads and writes, so the MB/s column is the memory traffic the kernel moves:
//
//	go test -run '^$' -bench . ./simd/
var benchLengths = []int{256, 4096, 65536}

type benchKernel struct {
	name    string
	streams int // float32 streams read + written per element
	run     func(d, x, y []float32)
}

var benchKernels = []benchKernel{
	{"Dot", 2, func(d, x, y []float32) { benchSink = Dot(x, y) }},
	{"Axpy", 3, func(d, x, y []float32) { Axpy(0.5, x, d) }},
	{"Scale", 2, func(d, x, y []float32) { Scale(1, d) }},
	{"Add", 3, func(d, x, y []float32) { Add(d, x, y) }},
	{"Sub", 3, func(d, x, y []float32) { Sub(d, x, y) }},
	{"Mul", 3, func(d, x, y []float32) { Mul(d, x, y) }},
	{"ReLU", 2, func(d, x, y []float32) { ReLU(d, x) }},
	{"ReLUBackward", 3, func(d, x, y []float32) { ReLUBackward(d, y, x) }},
	{"Sum", 1, func(d, x, y []float32) { benchSink = Sum(x) }},
	{"SumSquares", 1, func(d, x, y []float32) { benchSink = SumSquares(x) }},
}

var benchSink float32

func BenchmarkKernels(b *testing.B) {
	for _, k := range benchKernels {
		b.Run(k.name, func(b *testing.B) { benchEachLevel(b, k.streams, k.run) })
	}
}

// benchEachLevel runs run on every available level and length.
func benchEachLevel(b *testing.B, streams int, run func(d, x, y []float32)) {
	for _, l := range Available() {
		for _, n := range benchLengths {
			b.Run(fmt.Sprintf("%s/n=%d", l, n), func(b *testing.B) {
				prev := Current()
				if err := Use(string(l)); err != nil {
					b.Fatal(err)
				}
				defer Use(string(prev))
				rng := rand.New(rand.NewPCG(1, 1))
				d, x, y := make([]float32, n), make([]float32, n), make([]float32, n)
				fillRandom(rng, x, false)
				fillRandom(rng, y, false)
				b.SetBytes(int64(4 * n * streams))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					run(d, x, y)
				}
			})
		}
	}
}
