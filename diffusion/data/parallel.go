package data

import (
	"runtime"
	"sync"
)

// parallelImages runs body(i) for i in [0, n) on up to GOMAXPROCS goroutines.
// Each image draws from its own derived stream, so the result does not depend
// on the number of goroutines or on scheduling.
func parallelImages(n int, body func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			body(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				body(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
