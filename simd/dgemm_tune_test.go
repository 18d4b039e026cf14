//go:build linux

package simd

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"
)

// TestDgemmMicroSpeed is a tuning aid: DGEMM_MICRO_SPEED=1 prints each
// float64 kernel's in-cache GFLOP/s (best of several runs, thread CPU time).
func TestDgemmMicroSpeed(t *testing.T) {
	if os.Getenv("DGEMM_MICRO_SPEED") == "" {
		t.Skip("set DGEMM_MICRO_SPEED=1")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, g := range DgemmMicros() {
		for _, kc := range []int{128, 256, 384} {
			a, b, c := make([]float64, kc*g.MR), make([]float64, kc*g.NR), make([]float64, g.MR*g.NR)
			reps := 200000 / (g.MR * g.NR)
			best := time.Hour
			for r := 0; r < 5; r++ {
				t0 := threadCPU()
				for i := 0; i < reps; i++ {
					g.Kernel(kc, a, b, c, g.NR, 1, 1)
				}
				best = min(best, threadCPU()-t0)
			}
			fmt.Printf("%-14s kc=%d %.1f GFLOP/s\n", g.Name, kc, float64(2*g.MR*g.NR*kc*reps)/best.Seconds()/1e9)
		}
	}
}
