// Package parallel is harmonic's one parallel-for: it splits independent work
// over Workers() goroutines. Every caller computes each index independently of
// the chunk or goroutine it lands on, so results never depend on the worker
// count.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

var workers atomic.Int32

func init() { workers.Store(int32(runtime.GOMAXPROCS(0))) }

// Workers is the number of goroutines For and ForEach split their work
// across. It defaults to GOMAXPROCS.
func Workers() int { return int(workers.Load()) }

// SetWorkers sets Workers (values below 1 mean 1). Results never depend on it:
// work is split over independent outputs, never over a reduction.
func SetWorkers(n int) {
	if n < 1 {
		n = 1
	}
	workers.Store(int32(n))
}

// For runs body(lo, hi) over a partition of [0, n) into at most Workers()
// contiguous chunks, the first on the calling goroutine. Each index must be
// computed independently of the chunk it falls in, so the result is the same
// for any worker count.
func For(n int, body func(lo, hi int)) {
	t := Workers()
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

// ForEach runs body(i) for every i in [0, n), handing indices out one at a
// time to at most Workers() goroutines: the shape for items of uneven cost
// (an image, a block of Jacobian columns). Each index must be computed
// independently of the goroutine that takes it.
func ForEach(n int, body func(i int)) {
	ForEachWorker(Workers(), n, func(_, i int) { body(i) })
}

// ForEachWorker is ForEach on min(workers, n) goroutines that also tells body
// which one runs it (worker in [0, min(workers, n))), so a caller can keep
// scratch space or a first error per worker. Worker 0 is the calling
// goroutine; with one worker the indices run on it in order.
func ForEachWorker(workers, n int, body func(worker, i int)) {
	t := min(workers, n)
	if t <= 1 {
		for i := 0; i < n; i++ {
			body(0, i)
		}
		return
	}
	var next atomic.Int64
	run := func(w int) {
		for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
			body(w, i)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < t; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(w)
		}()
	}
	run(0)
	wg.Wait()
}
