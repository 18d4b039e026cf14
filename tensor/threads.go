package tensor

import "github.com/harmonic-go/harmonic/internal/parallel"

// Threads is the number of goroutines the parallel routines (GEMM,
// convolution) split their work across, the caller included: the size of
// the process's one worker pool (internal/parallel), GOMAXPROCS by default.
// Concurrent callers share the pool; results never depend on Threads.
func Threads() int { return parallel.Workers() }

// SetThreads sets Threads (values below 1 mean 1). It is a program's
// start-up setting: call it from main after parsing flags and before any
// work, or from a test or benchmark between the runs it compares. Library
// code never calls it; to run several jobs side by side, run them on the
// shared pool. Results never depend on it: work is split over independent
// output blocks, never over a reduction.
func SetThreads(n int) { parallel.SetWorkers(n) }
