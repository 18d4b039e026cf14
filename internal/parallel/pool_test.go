package parallel

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestForChunkBounds checks that For hands out exactly the chunks Chunk
// describes: min(n, Workers()) of them, each once, whatever goroutine runs it.
func TestForChunkBounds(t *testing.T) {
	for _, w := range []int{2, 3, 5} {
		withWorkers(t, w)
		for _, n := range []int{2, 3, 7, 64, 1001} {
			chunks := min(n, w)
			seen := make([]atomic.Int32, chunks)
			For(n, func(lo, hi int) {
				for c := range chunks {
					if wlo, whi := Chunk(n, chunks, c); wlo == lo && whi == hi {
						seen[c].Add(1)
						return
					}
				}
				t.Errorf("workers %d, n %d: chunk [%d,%d) is none of Chunk's", w, n, lo, hi)
			})
			for c := range seen {
				if s := seen[c].Load(); s != 1 {
					t.Fatalf("workers %d, n %d: chunk %d ran %d times", w, n, c, s)
				}
			}
		}
	}
}

// TestForUsesWorkers checks that the pool really runs chunks beside the
// caller: with two workers, each of For's two chunks waits for the other to
// start, which one goroutine alone could never satisfy.
func TestForUsesWorkers(t *testing.T) {
	withWorkers(t, 2)
	for rep := 0; rep < 50; rep++ {
		var started sync.WaitGroup
		started.Add(2)
		all := make(chan struct{})
		go func() { started.Wait(); close(all) }()
		var timedOut atomic.Bool
		For(2, func(lo, hi int) {
			started.Done()
			select {
			case <-all:
			case <-time.After(10 * time.Second):
				timedOut.Store(true)
			}
		})
		if timedOut.Load() {
			t.Fatalf("rep %d: the two chunks never ran at the same time", rep)
		}
	}
}

// TestForNested runs For and ForEachWorker inside bodies, three deep, with
// more outer chunks than workers: every index must run once and nothing may
// deadlock.
func TestForNested(t *testing.T) {
	for _, w := range []int{1, 2, 4} {
		withWorkers(t, w)
		const outer, mid, inner = 6, 5, 37
		var hits [outer * mid * inner]atomic.Int32
		ForEachWorker(outer, outer, func(_, a int) {
			For(mid, func(lo, hi int) {
				for b := lo; b < hi; b++ {
					ForEach(inner, func(c int) { hits[(a*mid+b)*inner+c].Add(1) })
				}
			})
		})
		for i := range hits {
			if h := hits[i].Load(); h != 1 {
				t.Fatalf("workers %d: index %d ran %d times", w, i, h)
			}
		}
	}
}

// TestForConcurrentCallers has several goroutines use the pool at once, as
// models trained side by side do, each checking its own sums.
func TestForConcurrentCallers(t *testing.T) {
	withWorkers(t, 3)
	const callers, calls, n = 6, 300, 257
	var wg sync.WaitGroup
	errs := make(chan string, callers)
	for g := 0; g < callers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]int, n)
			for call := 0; call < calls; call++ {
				For(n, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						out[i] = g*call + i
					}
				})
				for i, v := range out {
					if v != g*call+i {
						errs <- "wrong value"
						return
					}
				}
				var sum atomic.Int64
				ForEachWorker(4, 50, func(_, i int) { sum.Add(int64(i)) })
				if sum.Load() != 50*49/2 {
					errs <- "wrong ForEachWorker sum"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// TestForEachWorkerMembersSerial checks that calls with one worker id never
// overlap, so per-worker scratch is safe.
func TestForEachWorkerMembersSerial(t *testing.T) {
	withWorkers(t, 4)
	const members = 3
	var busy [members]atomic.Int32
	ForEachWorker(members, 500, func(w, i int) {
		if busy[w].Add(1) != 1 {
			t.Errorf("worker %d runs two indices at once", w)
		}
		time.Sleep(time.Microsecond)
		busy[w].Add(-1)
	})
}

// TestForPanicPropagates checks that a body's panic reaches the caller as a
// *Panic with the original value and a stack, after all other chunks ran.
func TestForPanicPropagates(t *testing.T) {
	withWorkers(t, 2)
	sentinel := errors.New("sentinel")
	for _, value := range []any{"boom", sentinel} {
		for _, bad := range []int{0, 1} { // the caller's first chunk, or the other
			var ran atomic.Int32
			got := func() (r any) {
				defer func() { r = recover() }()
				For(2, func(lo, hi int) {
					if lo == bad {
						panic(value)
					}
					time.Sleep(time.Millisecond)
					ran.Add(1)
				})
				return nil
			}()
			p, ok := got.(*Panic)
			if !ok {
				t.Fatalf("panic in chunk %d: recovered %v (%T), want *Panic", bad, got, got)
			}
			if p.Value != value || !strings.Contains(string(p.Stack), "TestForPanicPropagates") ||
				!strings.Contains(p.Error(), "boom") && !errors.Is(p, sentinel) {
				t.Fatalf("panic in chunk %d: %+v", bad, p)
			}
			if ran.Load() != 1 {
				t.Fatalf("panic in chunk %d: the other chunk ran %d times before the re-raise", bad, ran.Load())
			}
		}
	}
	// The pool keeps working after a panic.
	var sum atomic.Int64
	For(100, func(lo, hi int) { sum.Add(int64(hi - lo)) })
	if sum.Load() != 100 {
		t.Fatalf("after a panic For covered %d of 100", sum.Load())
	}
}

// TestPoolResize grows and shrinks the pool between calls; surplus workers
// exit when they next park.
func TestPoolResize(t *testing.T) {
	withWorkers(t, 1)
	for _, w := range []int{4, 1, 3, 2, 6, 1} {
		SetWorkers(w)
		var sum atomic.Int64
		For(1000, func(lo, hi int) { sum.Add(int64(hi - lo)) })
		if sum.Load() != 1000 {
			t.Fatalf("workers %d: covered %d of 1000", w, sum.Load())
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		defaultPool.mu.Lock()
		live := defaultPool.live
		defaultPool.mu.Unlock()
		if live == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d workers still live after shrinking to 1", live)
		}
		time.Sleep(time.Millisecond)
	}
}
