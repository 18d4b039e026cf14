package bench

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/linalg"
)

// gemmShape is M×K×N: square sizes and the im2col shape of a 3×3 64→64
// convolution over 16 images of 40×40 (64 × 576 × 25600).
type gemmShape struct{ m, k, n int }

func (s gemmShape) String() string {
	if s.m == s.k && s.k == s.n {
		return fmt.Sprint(s.m)
	}
	return fmt.Sprintf("%dx%dx%d", s.m, s.k, s.n)
}

var gemmShapes = []gemmShape{{64, 64, 64}, {128, 128, 128}, {256, 256, 256}, {512, 512, 512},
	{1024, 1024, 1024}, {2048, 2048, 2048}, {64, 576, 25600}}

func randFloats(n int, seed int64) []float32 {
	rng := rand.New(rand.NewSource(seed))
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// BenchmarkGemm runs Sgemm per shape and thread count, e.g. -bench 'Gemm/1024/threads=1'.
func BenchmarkGemm(b *testing.B) {
	defer tensor.SetThreads(tensor.Threads())
	for _, s := range gemmShapes {
		a, bm, c := randFloats(s.m*s.k, 1), randFloats(s.k*s.n, 2), make([]float32, s.m*s.n)
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%v/threads=%d", s, th), func(b *testing.B) {
				tensor.SetThreads(th)
				var times []time.Duration
				for b.Loop() {
					t0 := time.Now()
					tensor.Sgemm(false, false, s.m, s.n, s.k, 1, a, s.k, bm, s.n, 0, c, s.n)
					times = append(times, time.Since(t0))
				}
				reportGFLOPs(b, s, times)
			})
		}
	}
}

// reportGFLOPs reports GFLOP/s of the median call, as the OpenBLAS reference
// script does: on a shared machine the mean mostly measures other processes.
func reportGFLOPs(b *testing.B, s gemmShape, times []time.Duration) {
	slices.Sort(times)
	med := times[len(times)/2]
	b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)/med.Seconds()/1e9, "GFLOP/s")
}

// BenchmarkDgemm runs the float64 linalg.Dgemm per square size and thread count,
// e.g. -bench 'Dgemm/1024/threads=1'.
func BenchmarkDgemm(b *testing.B) {
	defer tensor.SetThreads(tensor.Threads())
	for _, n := range []int{256, 512, 1024, 2048} {
		s := gemmShape{n, n, n}
		rng := rand.New(rand.NewSource(int64(n)))
		a, bm, c := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		for i := range a {
			a[i], bm[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%v/threads=%d", s, th), func(b *testing.B) {
				tensor.SetThreads(th)
				var times []time.Duration
				for b.Loop() {
					t0 := time.Now()
					linalg.Dgemm(false, false, n, n, n, 1, a, n, bm, n, 0, c, n)
					times = append(times, time.Since(t0))
				}
				reportGFLOPs(b, s, times)
			})
		}
	}
}

// BenchmarkGemmNaive is the textbook i-k-j loop, for scale on the small sizes.
func BenchmarkGemmNaive(b *testing.B) {
	for _, s := range gemmShapes[:4] {
		a, bm, c := randFloats(s.m*s.k, 1), randFloats(s.k*s.n, 2), make([]float32, s.m*s.n)
		b.Run(s.String(), func(b *testing.B) {
			var times []time.Duration
			for b.Loop() {
				t0 := time.Now()
				clear(c)
				for i := 0; i < s.m; i++ {
					ci := c[i*s.n : (i+1)*s.n]
					for p := 0; p < s.k; p++ {
						av := a[i*s.k+p]
						bp := bm[p*s.n : (p+1)*s.n]
						for j := range ci {
							ci[j] += av * bp[j]
						}
					}
				}
				times = append(times, time.Since(t0))
			}
			reportGFLOPs(b, s, times)
		})
	}
}
