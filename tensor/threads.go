package tensor

import "github.com/harmonic-go/harmonic/internal/parallel"

// Threads is the number of goroutines the parallel routines (GEMM, convolution)
// split their work across: parallel.Workers(), GOMAXPROCS by default.
func Threads() int { return parallel.Workers() }

// SetThreads sets Threads (values below 1 mean 1) through parallel.SetWorkers.
// Results never depend on it: work is split over independent output blocks,
// never over a reduction.
func SetThreads(n int) { parallel.SetWorkers(n) }
