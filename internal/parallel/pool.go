package parallel

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// The pool. Starting a goroutine per call and waking it costs 15–50 µs on
// the shared VMs this runs on, as much as a small layer's whole work, so the
// workers live as long as the process and, after finishing a chunk, poll for
// the next job for a short while (spinWorker) before they park.
//
// A call posts a job (its chunks, claimed through an atomic counter) on the
// pool's list, wakes parked workers if any, and then claims chunks itself
// until none is left; only then does it wait, and only for chunks other
// goroutines are running. A caller therefore never waits for a worker that
// is busy elsewhere, which makes concurrent callers and nested calls safe:
// when every worker is busy, a call simply runs all its chunks itself. Waits
// point from a job's poster to the goroutines running its chunks, which
// claimed them while idle, so they can never form a cycle.

// spinWorker is how long an idle worker polls for a job before it parks, and
// spinCaller how long a caller whose chunks are done polls for the others'
// before it blocks: long enough to bridge the gap between a network's
// consecutive layers, short enough that a worker with nothing to do leaves
// its core within a small fraction of a millisecond. Both yield
// (runtime.Gosched) between polls, so goroutines with work run first.
const (
	spinWorker = 50 * time.Microsecond
	spinCaller = 50 * time.Microsecond
)

type pool struct {
	mu     sync.Mutex
	jobs   []*job       // posted jobs that may have unclaimed chunks, oldest first
	open   atomic.Int32 // len(jobs), polled by spinning workers without the lock
	wake   sync.Cond    // parked workers wait here
	parked int          // workers waiting on wake
	live   int          // worker goroutines
	size   int          // wanted workers: Workers() − 1
}

// defaultPool is the process's pool, sized in init and by SetWorkers.
var defaultPool *pool

func newPool(workers int) *pool {
	p := &pool{size: max(workers, 1) - 1}
	p.wake.L = &p.mu
	return p
}

// resize sets the number of worker goroutines to workers − 1: missing ones
// start when the next job is posted, extra ones exit when they next park.
func (p *pool) resize(workers int) {
	p.mu.Lock()
	p.size = max(workers, 1) - 1
	p.mu.Unlock()
	p.wake.Broadcast()
}

// job is one call's work: body over chunks of [0, n) split t ways.
type job struct {
	body    func(lo, hi int)
	n, t    int
	next    atomic.Int32 // next chunk to claim
	left    atomic.Int32 // chunks not finished
	done    chan struct{}
	failure atomic.Pointer[Panic] // the first panic of a body
}

// claim returns the next unclaimed chunk, or false if all are taken.
func (j *job) claim() (int, bool) {
	c := int(j.next.Add(1)) - 1
	return c, c < j.t
}

// runChunk runs chunk c, recording a panic instead of letting it unwind the
// goroutine, and signals the poster when it was the last chunk to finish.
func (j *job) runChunk(c int) {
	defer func() {
		if r := recover(); r != nil {
			j.failure.CompareAndSwap(nil, &Panic{Value: r, Stack: debug.Stack()})
		}
		if j.left.Add(-1) == 0 {
			j.done <- struct{}{}
		}
	}()
	lo, hi := Chunk(j.n, j.t, c)
	j.body(lo, hi)
}

// run posts body over t chunks of [0, n), takes part, and returns when every
// chunk has finished.
func (p *pool) run(n, t int, body func(lo, hi int)) {
	j := &job{body: body, n: n, t: t, done: make(chan struct{}, 1)}
	j.left.Store(int32(t))
	p.post(j)
	for c, ok := j.claim(); ok; c, ok = j.claim() {
		j.runChunk(c)
	}
	p.remove(j)
	if j.left.Load() > 0 {
		for start := time.Now(); j.left.Load() > 0 && time.Since(start) < spinCaller; {
			runtime.Gosched()
		}
	}
	<-j.done
	if f := j.failure.Load(); f != nil {
		panic(f)
	}
}

// post lists j, starts missing workers and wakes parked ones, as many as j
// has chunks for beyond the caller's.
func (p *pool) post(j *job) {
	p.mu.Lock()
	if p.size == 0 {
		p.mu.Unlock()
		return
	}
	p.jobs = append(p.jobs, j)
	p.open.Store(int32(len(p.jobs)))
	for p.live < p.size {
		p.live++
		go p.work()
	}
	wake := min(p.parked, j.t-1)
	p.mu.Unlock()
	for range wake {
		p.wake.Signal()
	}
}

// remove unlists j (all its chunks are claimed).
func (p *pool) remove(j *job) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, q := range p.jobs {
		if q == j {
			last := len(p.jobs) - 1
			copy(p.jobs[i:], p.jobs[i+1:])
			p.jobs[last] = nil // do not keep a finished body's closure alive
			p.jobs = p.jobs[:last]
			break
		}
	}
	p.open.Store(int32(len(p.jobs)))
}

// take claims a chunk of the oldest listed job that has one, unlisting jobs
// whose chunks are all claimed. The caller holds p.mu.
func (p *pool) take() (*job, int) {
	for len(p.jobs) > 0 {
		j := p.jobs[0]
		c, ok := j.claim()
		if !ok || c == j.t-1 {
			p.jobs[0] = nil
			p.jobs = p.jobs[1:]
			p.open.Store(int32(len(p.jobs)))
		}
		if ok {
			return j, c
		}
	}
	return nil, 0
}

// work is a worker goroutine: run chunks while there are any, poll for a
// while, then park until a job is posted (or exit if the pool shrank). The
// exit check and the park happen under one hold of p.mu, so a resize's
// broadcast cannot slip in between.
func (p *pool) work() {
	for {
		p.mu.Lock()
		j, c := p.take()
		for spun := false; j == nil; j, c = p.take() {
			if p.live > p.size {
				p.live--
				p.mu.Unlock()
				return
			}
			if !spun {
				p.mu.Unlock()
				p.poll()
				p.mu.Lock()
				spun = true
				continue
			}
			p.parked++
			p.wake.Wait()
			p.parked--
			spun = false
		}
		p.mu.Unlock()
		j.runChunk(c)
	}
}

// poll returns when a job is listed or after spinWorker.
func (p *pool) poll() {
	for start := time.Now(); p.open.Load() == 0 && time.Since(start) < spinWorker; {
		runtime.Gosched()
	}
}

// Panic is what For, ForEach and ForEachWorker panic with when a body
// panicked: the body's panic value and the stack of the goroutine it
// panicked on (often a pool worker, whose stack the re-raised panic would
// otherwise lose).
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string {
	return fmt.Sprintf("%v\n\n[parallel: the panic above was raised in a parallel body, on this goroutine:]\n%s", p.Value, p.Stack)
}

// Unwrap returns the panic value if it is an error, so that errors.Is and
// errors.As see through the re-raise.
func (p *Panic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
