package bench

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/harmonic-go/harmonic/simd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Run times each workload at each thread count, reps times, and prints the
// table of torch_reference.py bench: workload, threads, median, min and max ms.
// Like the reference it warms every (workload, threads) pair up once, then
// interleaves: each repetition visits every workload at every thread count, so
// a burst of noise on the shared machine spreads over all rows.
// Comparing thread counts is what a benchmark is for, so Run resizes the
// process's worker pool (tensor.SetThreads) between timed calls, never while
// one runs, and restores it; it is the one caller of the setter outside
// main and tests, and must not run beside other work.
func Run(out io.Writer, ws []Workload, threads []int, reps int, progress io.Writer) error {
	if reps < 1 {
		return fmt.Errorf("bench: reps must be at least 1, got %d", reps)
	}
	for _, t := range threads {
		if t < 1 {
			return fmt.Errorf("bench: thread count must be at least 1, got %d", t)
		}
	}
	defer tensor.SetThreads(tensor.Threads())
	runs := make([]func(), len(ws))
	calls := make([][]int, len(ws))
	for i, w := range ws {
		run, err := w.Prepare()
		if err != nil {
			return fmt.Errorf("bench: %s: %w", w.Name, err)
		}
		runs[i] = run
		for _, t := range threads {
			tensor.SetThreads(t)
			calls[i] = append(calls[i], callsPerRep(run))
		}
	}
	times := make([][][]float64, len(ws))
	for i := range times {
		times[i] = make([][]float64, len(threads))
	}
	for r := 0; r < reps; r++ {
		if progress != nil {
			fmt.Fprintf(progress, "\rrepetition %d/%d", r+1, reps)
		}
		for i, run := range runs {
			for j, t := range threads {
				tensor.SetThreads(t)
				n := calls[i][j]
				t0 := time.Now()
				for c := 0; c < n; c++ {
					run()
				}
				times[i][j] = append(times[i][j], float64(time.Since(t0))/1e6/float64(n))
			}
		}
	}
	if progress != nil {
		fmt.Fprintln(progress)
	}
	fmt.Fprintf(out, "# harmonic, kernels %s, reps %d\n", simd.Current(), reps)
	fmt.Fprintf(out, "%-55s threads  median_ms  min_ms  max_ms\n", "workload")
	for i, w := range ws {
		for j, t := range threads {
			med, lo, hi := summarize(times[i][j])
			fmt.Fprintf(out, "%-55s %7d %10.2f %7.2f %7.2f\n", w.Name, t, med, lo, hi)
		}
	}
	return nil
}

func summarize(ms []float64) (median, lo, hi float64) {
	s := append([]float64(nil), ms...)
	sort.Float64s(s)
	n := len(s)
	median = s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return median, s[0], s[n-1]
}

// minRep is the shortest repetition worth timing: a sub-millisecond call timed
// alone measures the clock and the scheduler as much as the work, so short
// workloads repeat their call within one repetition and report the mean per call
// (openblas_sgemm.py likewise medians many calls of small shapes).
const minRep = 20 * time.Millisecond

// callsPerRep runs run once as a warm-up and returns how many calls make one
// repetition last at least minRep (1 for anything slower than that).
func callsPerRep(run func()) int {
	t0 := time.Now()
	run()
	once := time.Since(t0)
	if once >= minRep {
		return 1
	}
	if once <= 0 {
		once = time.Microsecond
	}
	return int(minRep/once) + 1
}
