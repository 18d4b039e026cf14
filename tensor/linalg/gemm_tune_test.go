//go:build linux

package linalg

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

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// TestLaGemmTune is a tuning aid, not a test: DGEMM_TUNE="m,k,n" prints the
// best single-thread CPU time of laGemm with each float64 micro-kernel
// (DGEMM_BLOCKS="mc,nc;mc,nc…" tries block sizes in turn, DGEMM_MICRO picks
// kernels by name, DGEMM_ROUNDS repeats the whole set to beat noise;
// DGEMM_THREADS=t > 1 reports wall time and process CPU time per thread).
func TestLaGemmTune(t *testing.T) {
	spec := os.Getenv("DGEMM_TUNE")
	if spec == "" {
		t.Skip("set DGEMM_TUNE=m,k,n")
	}
	var d [3]int
	for i, f := range strings.Split(spec, ",") {
		d[i], _ = strconv.Atoi(f)
	}
	m, k, n := d[0], d[1], d[2]
	blocks := [][2]int{{0, 0}} // 0: laGemmBlocks
	if bs := os.Getenv("DGEMM_BLOCKS"); bs != "" {
		blocks = nil
		for _, b := range strings.Split(bs, ";") {
			f := strings.Split(b, ",")
			mc, _ := strconv.Atoi(f[0])
			nc, _ := strconv.Atoi(f[1])
			blocks = append(blocks, [2]int{mc, nc})
		}
	}
	rounds, _ := strconv.Atoi(os.Getenv("DGEMM_ROUNDS"))
	defer func() { laGemmTuning.mc, laGemmTuning.nc, laGemmTuning.micro = 0, 0, nil }()
	defer parallel.SetWorkers(parallel.Workers())
	th, _ := strconv.Atoi(os.Getenv("DGEMM_THREADS"))
	th = max(th, 1)
	parallel.SetWorkers(th)
	a, b, c := laBenchMatrix(max(m, k)), laBenchMatrix(max(k, n)), make([]float64, m*n)
	fmt.Printf("caches %+v\n", caches)
	for range max(rounds, 1) {
		for _, mic := range simd.DgemmMicros()[1:] {
			if want := os.Getenv("DGEMM_MICRO"); want != "" && !strings.Contains(mic.Name, want) {
				continue
			}
			laGemmTuning.micro = &mic
			for _, bl := range blocks {
				laGemmTuning.mc, laGemmTuning.nc = bl[0], bl[1]
				best, bestCPU := time.Hour, time.Hour
				runtime.LockOSThread()
				for r := 0; r < max(3, int(3e9/float64(2*m*n*k))); r++ {
					t0, w0, p0 := threadCPU(), time.Now(), processCPU()
					laGemm(false, false, m, n, k, 1, a, max(m, k), b, max(k, n), c, n)
					if th == 1 {
						best = min(best, threadCPU()-t0)
					} else {
						best, bestCPU = min(best, time.Since(w0)), min(bestCPU, (processCPU()-p0)/time.Duration(th))
					}
				}
				runtime.UnlockOSThread()
				fmt.Printf("%-14s blocks %v %dx%dx%d threads=%d best %.3fms %.1f GFLOP/s", mic.Name, bl, m, k, n, th, best.Seconds()*1e3, 2*float64(m*n*k)/best.Seconds()/1e9)
				if th > 1 {
					fmt.Printf(", CPU/thread %.3fms", bestCPU.Seconds()*1e3)
				}
				fmt.Println()
			}
		}
	}
}

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
