//go:build linux

package tensor

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/harmonic-go/harmonic/simd"
)

// TestGemmTune is a tuning aid, not a test: GEMM_TUNE="m,k,n" prints the best
// time of every micro-kernel (and GEMM_BLOCKS="mc,kc,nc" overrides blocking;
// GEMM_RANDOM=1 multiplies uniform random values instead of small integers,
// which on Zen 5 changes the speed by up to 10%: the clock follows power).
func TestGemmTune(t *testing.T) {
	spec := os.Getenv("GEMM_TUNE")
	if spec == "" {
		t.Skip("set GEMM_TUNE=m,k,n")
	}
	var d [3]int
	for i, f := range strings.Split(spec, ",") {
		d[i], _ = strconv.Atoi(f)
	}
	m, k, n := d[0], d[1], d[2]
	if bs := os.Getenv("GEMM_BLOCKS"); bs != "" {
		var b [3]int
		for i, f := range strings.Split(bs, ",") {
			b[i], _ = strconv.Atoi(f)
		}
		gemmTuning.blocks = &gemmBlocks{mc: b[0], kc: b[1], nc: b[2]}
		defer func() { gemmTuning.blocks = nil }()
	}
	if v, err := strconv.ParseFloat(os.Getenv("GEMM_REPS"), 64); err == nil {
		gemmRepsScale = v
	}
	gemmTuning.chunks, _ = strconv.Atoi(os.Getenv("GEMM_CHUNKS"))
	gemmTuning.noPrefetch = os.Getenv("GEMM_NOPREFETCH") != ""
	defer func() { gemmTuning.noPrefetch = false }()
	defer func() { gemmTuning.chunks = 0 }()
	th, _ := strconv.Atoi(os.Getenv("GEMM_THREADS"))
	th = max(th, 1)
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range b {
		b[i] = float32(i%5) - 2
	}
	if os.Getenv("GEMM_RANDOM") != "" {
		x := uint32(1)
		for _, s := range [][]float32{a, b} {
			for i := range s {
				x = x*1664525 + 1013904223 // an LCG: any spread of values will do
				s[i] = float32(x>>8)/(1<<24) - 0.5
			}
		}
	}
	fmt.Printf("caches %+v\n", caches)
	for _, mic := range simd.GemmMicros()[1:] {
		if want := os.Getenv("GEMM_MICRO"); want != "" && !strings.Contains(mic.Name, want) {
			continue
		}
		gemmTuning.micro = &mic
		fmt.Printf("%-14s blocks %+v\n", mic.Name, chooseBlocks(m, k, m, mic.MR, mic.NR))
		best := time.Hour
		reps := max(3, int(gemmRepsScale*3e9/float64(2*m*n*k)))
		runtime.LockOSThread()
		for r := 0; r < reps; r++ {
			t0, w0, p0 := threadCPU(), time.Now(), processCPU()
			gemmPacked(m, n, k, 1, matrix{data: a, rs: k, cs: 1}, matrix{data: b, rs: n, cs: 1}, 0, c, n, th)
			el := threadCPU() - t0
			if th > 1 {
				el = time.Since(w0)
				if os.Getenv("GEMM_CPU") != "" {
					// Process CPU time over threads: the wall time on an idle machine.
					el = (processCPU() - p0) / time.Duration(th)
				}
			}
			best = min(best, el)
		}
		runtime.UnlockOSThread()
		fmt.Printf("%-14s %dx%dx%d threads=%d best %.3fms %.1f GFLOP/s\n", mic.Name, m, k, n, th, best.Seconds()*1e3, 2*float64(m*n*k)/best.Seconds()/1e9)
	}
	gemmTuning.micro = nil
}

// gemmRepsScale stretches the tuning runs (for profiles).
var gemmRepsScale = 1.0

// threadCPU is the CPU time of the calling OS thread: on a shared machine it
// measures the work done rather than the time slices other processes took.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
