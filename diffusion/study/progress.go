package study

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// progress is the one-line view of a running plan (Options.Progress), a
// plan.Observer: the jobs done of those to run, the running ones (kind and
// short ID) and the time left. On a terminal the line is redrawn in place
// (\r, every second and at every change) with the log lines scrolling above
// it; elsewhere (a file, a pipe) it is printed as a line of its own at every
// change, so a log keeps one line per job start and end.
//
// The time left starts from the plan's cost model, the estimates
// --plan-only sums (plan.Estimate: seconds of one job on one thread), and is
// corrected by the time jobs actually took: each estimate is scaled by the
// ratio of actual to estimated seconds of the estimated jobs finished so far,
// a job of a kind without estimates counts as long as the finished jobs of
// its kind took on average (nothing before one finished), a running job
// counts what its guess leaves after the time it has run, and the sum is
// divided by the jobs that can run at once. The DAG can make the wall time
// longer (a job waiting for another), never shorter.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	jobs     int // jobs run at once
	now      func() time.Time

	p        *plan.Plan
	guess    []float64 // each job's estimate, seconds on one thread
	estimate []bool    // whether its kind has one
	total    int       // jobs to run
	done     int
	failed   int
	pending  map[int]bool      // to run, not started
	running  map[int]time.Time // when each running job started
	started  []int             // running jobs in the order they started

	// The correction: finished estimated jobs' actual and estimated seconds,
	// and the seconds finished jobs of unestimated kinds took, by kind.
	actual, estimated float64
	kindSeconds       map[string]float64
	kindJobs          map[string]int

	shown string // the line on screen (terminal) or last printed
	stop  chan struct{}
	ended sync.WaitGroup
}

// newProgress draws on w, in place if terminal, for a run of jobs at a time.
func newProgress(w io.Writer, terminal bool, jobs int) *progress {
	return &progress{w: w, terminal: terminal, jobs: max(jobs, 1), now: time.Now,
		pending: map[int]bool{}, running: map[int]time.Time{}, kindSeconds: map[string]float64{}, kindJobs: map[string]int{}}
}

// isTerminal reports whether w is a character device (a terminal), where
// the progress line is redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Planned records the jobs to run and their estimates (plan.Observer).
func (pr *progress) Planned(p *plan.Plan, toRun []int) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.p = p
	pr.guess = make([]float64, len(p.Jobs))
	pr.estimate = make([]bool, len(p.Jobs))
	for i, j := range p.Jobs {
		// A cost that fails to compute is no estimate: the run itself reports a bad config.
		if sec, ok, err := plan.Estimate(j); err == nil && ok {
			pr.guess[i], pr.estimate[i] = sec, true
		}
	}
	pr.total = len(toRun)
	for _, i := range toRun {
		pr.pending[i] = true
	}
	if pr.total == 0 {
		return
	}
	pr.draw()
	if pr.terminal && pr.stop == nil {
		pr.stop = make(chan struct{})
		pr.ended.Add(1)
		go pr.tick(pr.stop)
	}
}

// Started marks job i running (plan.Observer).
func (pr *progress) Started(i int) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	delete(pr.pending, i)
	pr.running[i] = pr.now()
	pr.started = append(pr.started, i)
	pr.draw()
}

// Finished marks job i done or failed and learns from its time (plan.Observer).
func (pr *progress) Finished(i int, err error) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	t0, ok := pr.running[i]
	if !ok {
		return
	}
	delete(pr.running, i)
	for k, s := range pr.started {
		if s == i {
			pr.started = append(pr.started[:k], pr.started[k+1:]...)
			break
		}
	}
	if err != nil {
		pr.failed++
		pr.draw()
		return
	}
	pr.done++
	sec := pr.now().Sub(t0).Seconds()
	if pr.estimate[i] {
		pr.actual += sec
		pr.estimated += pr.guess[i]
	} else {
		kind := pr.p.Jobs[i].Kind
		pr.kindSeconds[kind] += sec
		pr.kindJobs[kind]++
	}
	pr.draw()
}

// remaining is the estimated wall time left at now, and whether any job
// left has a guess (otherwise the time left is unknown).
func (pr *progress) remaining(now time.Time) (time.Duration, bool) {
	scale := 1.0
	if pr.estimated > 0 {
		scale = pr.actual / pr.estimated
	}
	guess := func(i int) (float64, bool) {
		if pr.estimate[i] {
			return pr.guess[i] * scale, true
		}
		kind := pr.p.Jobs[i].Kind
		if n := pr.kindJobs[kind]; n > 0 {
			return pr.kindSeconds[kind] / float64(n), true
		}
		return 0, false
	}
	var work float64
	left, known := 0, false
	for i := range pr.pending {
		g, ok := guess(i)
		work += g
		left++
		known = known || ok
	}
	for i, t0 := range pr.running {
		g, ok := guess(i)
		work += max(g-now.Sub(t0).Seconds(), 0)
		left++
		known = known || ok
	}
	if left == 0 {
		return 0, true
	}
	return time.Duration(work / float64(min(pr.jobs, left)) * float64(time.Second)), known
}

// maxShownRunning is how many running jobs the line names before "+N more",
// so it stays one line of a terminal.
const maxShownRunning = 2

// line is the progress line at now.
func (pr *progress) line(now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "progress: %d/%d jobs done", pr.done, pr.total)
	if pr.failed > 0 {
		fmt.Fprintf(&b, ", %d failed", pr.failed)
	}
	if len(pr.started) > 0 {
		b.WriteString("; running ")
		for k, i := range pr.started {
			if k == maxShownRunning {
				fmt.Fprintf(&b, " +%d more", len(pr.started)-k)
				break
			}
			if k > 0 {
				b.WriteString(", ")
			}
			j := pr.p.Jobs[i]
			fmt.Fprintf(&b, "%s %s", j.Kind, j.ID[:8])
		}
	}
	if pr.done+pr.failed < pr.total {
		if left, ok := pr.remaining(now); ok {
			fmt.Fprintf(&b, "; ETA %s", formatETA(left))
		} else {
			b.WriteString("; ETA unknown")
		}
	}
	return b.String()
}

// formatETA rounds a time left to what is worth reading: seconds under ten
// minutes, minutes under ten hours, then hours.
func formatETA(d time.Duration) string {
	switch {
	case d < 10*time.Minute:
		return d.Round(time.Second).String()
	case d < 10*time.Hour:
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	default:
		return fmt.Sprintf("%.0fh", d.Hours())
	}
}

// draw shows the line: in place on a terminal, else as a new line if it
// changed. pr.mu is held.
func (pr *progress) draw() {
	l := pr.line(pr.now())
	if !pr.terminal {
		if l != pr.shown {
			fmt.Fprintln(pr.w, l)
			pr.shown = l
		}
		return
	}
	pad := max(len([]rune(pr.shown))-len([]rune(l)), 0)
	fmt.Fprint(pr.w, "\r"+l+strings.Repeat(" ", pad))
	pr.shown = l
}

// clear removes the line from a terminal before another line is written. pr.mu is held.
func (pr *progress) clear() {
	if pr.terminal && pr.shown != "" {
		fmt.Fprint(pr.w, "\r"+strings.Repeat(" ", len([]rune(pr.shown)))+"\r")
	}
}

// tick redraws the terminal line every second, so the time left counts down.
func (pr *progress) tick(stop <-chan struct{}) {
	defer pr.ended.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			pr.mu.Lock()
			pr.draw()
			pr.mu.Unlock()
		}
	}
}

// close stops the redrawing and, on a terminal, ends the line so that what
// is written next starts on a line of its own.
func (pr *progress) close() {
	pr.mu.Lock()
	stop := pr.stop
	pr.stop = nil
	pr.mu.Unlock()
	if stop != nil {
		close(stop)
		pr.ended.Wait()
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.terminal && pr.shown != "" {
		fmt.Fprintln(pr.w)
		pr.shown = ""
	}
}

// logWriter returns a writer for the log lines of the run that, on a
// terminal, takes the progress line away while a line is written and
// redraws it below.
func (pr *progress) logWriter(log io.Writer) io.Writer {
	if !pr.terminal {
		return log
	}
	return writerFunc(func(b []byte) (int, error) {
		pr.mu.Lock()
		defer pr.mu.Unlock()
		pr.clear()
		n, err := log.Write(b)
		if pr.shown != "" && len(b) > 0 && b[len(b)-1] == '\n' {
			pr.draw()
		}
		return n, err
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
