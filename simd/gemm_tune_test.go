//go:build linux

package simd

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// TestGemmMicroSpeed is a tuning aid: GEMM_MICRO_SPEED=1 prints each kernel's
// in-cache GFLOP/s (best of several runs).
func TestGemmMicroSpeed(t *testing.T) {
	if os.Getenv("GEMM_MICRO_SPEED") == "" {
		t.Skip("set GEMM_MICRO_SPEED=1")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, g := range GemmMicros()[1:] {
		for _, kc := range []int{128, 256, 384} {
			a, b, c := make([]float32, kc*g.MR), make([]float32, kc*g.NR), make([]float32, g.MR*g.NR)
			const reps = 20000
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

// threadCPU is the CPU time of the calling OS thread (immune to time slices
// other processes take on a shared machine).
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}
