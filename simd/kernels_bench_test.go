package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Benchmarks per kernel, level and length. SetBytes counts the bytes each call
// reads and writes, so the MB/s column is the memory traffic the kernel moves:
//
//	go test -run '^$' -bench . ./simd/
var benchLengths = []int{256, 4096, 65536}

// benchBufs are the operands: d is written, x and y are read, v is a
// non-negative buffer for AdamStep's second moment.
type benchBufs struct{ d, x, y, v []float32 }

type benchKernel struct {
	name    string
	streams int // float32 streams read + written per element
	run     func(b benchBufs)
}

var benchKernels = []benchKernel{
	{"Dot", 2, func(b benchBufs) { benchSink = Dot(b.x, b.y) }},
	{"Axpy", 3, func(b benchBufs) { Axpy(0.5, b.x, b.d) }},
	{"Scale", 2, func(b benchBufs) { Scale(1, b.d) }},
	{"ScaleTo", 2, func(b benchBufs) { ScaleTo(b.d, 1, b.x) }},
	{"Axpby", 3, func(b benchBufs) { Axpby(0.5, b.x, 0.5, b.d) }},
	{"AddConst", 2, func(b benchBufs) { AddConst(b.d, 1, b.x) }},
	{"Add", 3, func(b benchBufs) { Add(b.d, b.x, b.y) }},
	{"Sub", 3, func(b benchBufs) { Sub(b.d, b.x, b.y) }},
	{"Mul", 3, func(b benchBufs) { Mul(b.d, b.x, b.y) }},
	{"Div", 3, func(b benchBufs) { Div(b.d, b.x, b.y) }},
	{"ReLU", 2, func(b benchBufs) { ReLU(b.d, b.x) }},
	{"ReLUBackward", 3, func(b benchBufs) { ReLUBackward(b.d, b.y, b.x) }},
	{"Sum", 1, func(b benchBufs) { benchSink = Sum(b.x) }},
	{"SumSquares", 1, func(b benchBufs) { benchSink = SumSquares(b.x) }},
	{"Dot64", 2, func(b benchBufs) { benchSink64 = Dot64(b.x, b.y) }},
	{"Sum64", 1, func(b benchBufs) { benchSink64 = Sum64(b.x) }},
	{"SumSquares64", 1, func(b benchBufs) { benchSink64 = SumSquares64(b.x) }},
	// param, m, v read and written, grad read. The values drift over the
	// iterations but stay finite (m and v converge), so the timing is fair.
	{"AdamStep", 7, func(b benchBufs) { AdamStep(b.d, b.x, b.y, b.v, 1e-3, 0.9, 0.999, 1e-8, 0.1, 0.001) }},
}

var (
	benchSink   float32
	benchSink64 float64
)

func BenchmarkKernels(b *testing.B) {
	for _, k := range benchKernels {
		b.Run(k.name, func(b *testing.B) { benchEachLevel(b, k.streams, k.run) })
	}
}

// benchEachLevel runs run on every available level and length.
func benchEachLevel(b *testing.B, streams int, run func(benchBufs)) {
	for _, l := range Available() {
		for _, n := range benchLengths {
			b.Run(fmt.Sprintf("%s/n=%d", l, n), func(b *testing.B) {
				prev := Current()
				if err := Use(string(l)); err != nil {
					b.Fatal(err)
				}
				defer Use(string(prev))
				rng := rand.New(rand.NewPCG(1, 1))
				bufs := benchBufs{make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)}
				fillRandom(rng, bufs.x, false)
				fillRandom(rng, bufs.y, false)
				fillRandom(rng, bufs.v, false)
				for i, v := range bufs.v {
					bufs.v[i] = float32(math.Abs(float64(v)))
				}
				b.SetBytes(int64(4 * n * streams))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					run(bufs)
				}
			})
		}
	}
}
