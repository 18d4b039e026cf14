// Package parallel is harmonic's one parallel-for, on one persistent pool of
// Workers()−1 goroutines plus the caller (pool.go). Work is split into
// contiguous chunks that depend only on the size and Workers(), and every
// caller computes each index independently of the chunk or goroutine it lands
// on, so results never depend on the worker count or on which goroutine ran
// what.
//
// The pool is safe for concurrent callers (a study trains models side by side
// on it) and for nesting (a body may call For: the inner call runs on its
// caller, helped by whichever workers are idle, and never waits for a worker
// that is busy). A panic in a body is re-raised in the caller, after every
// chunk has finished, as a *Panic carrying the panicking goroutine's stack.
package parallel

import (
	"runtime"
	"sync/atomic"
)

var workers atomic.Int32

func init() {
	n := runtime.GOMAXPROCS(0)
	workers.Store(int32(n))
	defaultPool = newPool(n)
}

// Workers is the number of goroutines For and ForEach split their work
// across, the caller included. It defaults to GOMAXPROCS.
func Workers() int { return int(workers.Load()) }

// SetWorkers sets Workers (values below 1 mean 1). It is for a program's
// main (flag parsing, before any work) and for tests and benchmarks that
// compare worker counts between runs; library code never calls it. Results
// never depend on it: work is split over independent outputs, never over a
// reduction. Calls already running keep the count they started with.
func SetWorkers(n int) {
	if n < 1 {
		n = 1
	}
	workers.Store(int32(n))
	defaultPool.resize(n)
}

// Chunk returns chunk c of For's partition of [0, n) into t chunks: the
// same bounds whoever runs it.
func Chunk(n, t, c int) (lo, hi int) { return c * n / t, (c + 1) * n / t }

// For runs body(lo, hi) over a partition of [0, n) into min(n, Workers())
// contiguous chunks (Chunk), spread over the pool and the calling goroutine.
// Each index must be computed independently of the chunk it falls in, so the
// result is the same for any worker count.
func For(n int, body func(lo, hi int)) {
	t := min(Workers(), n)
	if t <= 1 {
		if n > 0 {
			body(0, n)
		}
		return
	}
	defaultPool.run(n, t, body)
}

// ForEach runs body(i) for every i in [0, n), handing indices out one at a
// time to at most Workers() goroutines: the shape for items of uneven cost
// (an image, a block of Jacobian columns). Each index must be computed
// independently of the goroutine that takes it.
func ForEach(n int, body func(i int)) {
	ForEachWorker(Workers(), n, func(_, i int) { body(i) })
}

// ForEachWorker is ForEach with a team of min(workers, n) members that also
// tells body which member runs it (worker in [0, min(workers, n))), so a
// caller can keep scratch space or a first error per member. A member runs on
// one goroutine from start to end, so body calls with the same worker never
// overlap; members the pool has no goroutine for run after the others on the
// caller and find the indices taken. With one member the indices run on the
// caller in order.
func ForEachWorker(workers, n int, body func(worker, i int)) {
	t := min(workers, n)
	if t <= 1 {
		for i := 0; i < n; i++ {
			body(0, i)
		}
		return
	}
	var next atomic.Int64
	defaultPool.run(t, t, func(lo, hi int) {
		for w := lo; w < hi; w++ {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				body(w, i)
			}
		}
	})
}
