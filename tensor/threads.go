package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
)

var threads atomic.Int32

func init() { threads.Store(int32(runtime.GOMAXPROCS(0))) }

// Threads is the number of goroutines the parallel routines (GEMM, convolution)
// split their work across. It defaults to GOMAXPROCS.
func Threads() int { return int(threads.Load()) }

// SetThreads sets Threads (values below 1 mean 1). Results never depend on it:
// work is split over independent output blocks, never over a reduction.
func SetThreads(n int) {
	if n < 1 {
		n = 1
	}
	threads.Store(int32(n))
}

// ParallelFor runs body(lo, hi) over a partition of [0, n) into at most
// Threads() contiguous chunks, for layers above tensor that split independent
// work (per channel, per element) the same deterministic way.
func ParallelFor(n int, body func(lo, hi int)) { parallelFor(n, body) }

// parallelFor runs body(lo, hi) over a partition of [0, n) into at most
// Threads() contiguous chunks. Each index must be computed independently of the
// chunk it falls in, so the result is the same for any thread count.
func parallelFor(n int, body func(lo, hi int)) {
	t := Threads()
	if t > n {
		t = n
	}
	if t <= 1 {
		if n > 0 {
			body(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for w := 1; w < t; w++ {
		lo, hi := w*n/t, (w+1)*n/t
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(lo, hi)
		}()
	}
	body(0, n/t)
	wg.Wait()
}
