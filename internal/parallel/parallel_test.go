package parallel

import (
	"sync/atomic"
	"testing"
)

func withWorkers(t testing.TB, n int) {
	t.Helper()
	old := Workers()
	SetWorkers(n)
	t.Cleanup(func() { SetWorkers(old) })
}

// TestForCoversOnce checks that For's chunks partition [0, n) exactly, with
// at most Workers() chunks, for every worker count and size.
func TestForCoversOnce(t *testing.T) {
	for _, w := range []int{1, 2, 3, 8} {
		withWorkers(t, w)
		for _, n := range []int{0, 1, 2, 5, 17, 100} {
			hits := make([]atomic.Int32, n)
			var chunks atomic.Int32
			For(n, func(lo, hi int) {
				chunks.Add(1)
				if lo >= hi {
					t.Errorf("workers %d, n %d: empty chunk [%d,%d)", w, n, lo, hi)
				}
				for i := lo; i < hi; i++ {
					hits[i].Add(1)
				}
			})
			for i := range hits {
				if h := hits[i].Load(); h != 1 {
					t.Fatalf("workers %d, n %d: index %d ran %d times", w, n, i, h)
				}
			}
			if c := int(chunks.Load()); c > w || (n > 0 && c == 0) {
				t.Fatalf("workers %d, n %d: %d chunks", w, n, c)
			}
		}
	}
}

// TestForEachWorkerCoversOnce checks that every index runs exactly once and
// that worker ids stay below min(workers, n).
func TestForEachWorkerCoversOnce(t *testing.T) {
	for _, w := range []int{1, 2, 3, 8} {
		withWorkers(t, w)
		for _, n := range []int{0, 1, 2, 5, 17, 100} {
			hits := make([]atomic.Int32, n)
			ForEachWorker(w, n, func(worker, i int) {
				if worker < 0 || worker >= min(w, n) {
					t.Errorf("workers %d, n %d: worker id %d", w, n, worker)
				}
				hits[i].Add(1)
			})
			for i := range hits {
				if h := hits[i].Load(); h != 1 {
					t.Fatalf("workers %d, n %d: index %d ran %d times", w, n, i, h)
				}
			}
			var sum atomic.Int64
			ForEach(n, func(i int) { sum.Add(int64(i)) })
			if got, want := sum.Load(), int64(n*(n-1)/2); got != want {
				t.Fatalf("workers %d, n %d: ForEach index sum %d, want %d", w, n, got, want)
			}
		}
	}
}

func TestSetWorkersFloor(t *testing.T) {
	withWorkers(t, 4)
	SetWorkers(0)
	if Workers() != 1 {
		t.Fatalf("SetWorkers(0) left %d workers, want 1", Workers())
	}
}
