package study

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// fakeClock is a progress clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock               { return &fakeClock{t: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)} }
func seconds(s float64) time.Duration        { return time.Duration(s * float64(time.Second)) }
func etaOf(t *testing.T, line string) string {
	t.Helper()
	_, eta, ok := strings.Cut(line, "; ETA ")
	if !ok {
		t.Fatalf("no ETA in %q", line)
	}
	return eta
}

// quickJobs is study A's quick plan with the positions of its estimated
// (training) and unestimated jobs.
func quickJobs(t *testing.T) (p *plan.Plan, trains, others []int, cost []float64) {
	t.Helper()
	p, err := PlanGAHB(Quick())
	if err != nil {
		t.Fatal(err)
	}
	cost = make([]float64, len(p.Jobs))
	for i, j := range p.Jobs {
		sec, ok, err := plan.Estimate(j)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			trains, cost[i] = append(trains, i), sec
		} else {
			others = append(others, i)
		}
	}
	if len(trains) < 3 || len(others) < 2 {
		t.Fatalf("quick plan: %d estimated and %d unestimated jobs", len(trains), len(others))
	}
	return p, trains, others, cost
}

func TestProgressETAStartsFromTheCostModelAndLearnsFromFinishedJobs(t *testing.T) {
	p, trains, others, cost := quickJobs(t)
	all := make([]int, len(p.Jobs))
	var total float64
	for i := range all {
		all[i] = i
		total += cost[i]
	}
	var out bytes.Buffer
	clock := newFakeClock()
	pr := newProgress(&out, false, 2)
	pr.now = clock.now

	// Before anything ran: the --plan-only total over the 2 jobs at a time.
	pr.Planned(p, all)
	if got, want := etaOf(t, pr.line(clock.now())), formatETA(seconds(total/2)); got != want {
		t.Errorf("ETA before any job: %s, want %s (total %.0f s over 2 jobs)", got, want, total)
	}

	// Two trainings run; the first takes twice its estimate.
	a, b := trains[0], trains[1]
	pr.Started(a)
	pr.Started(b)
	clock.advance(seconds(2 * cost[a]))
	pr.Finished(a, nil)
	scale := 2.0
	want := 0.0
	for _, i := range trains[2:] {
		want += scale * cost[i]
	}
	want += max(scale*cost[b]-2*cost[a], 0) // b has run as long as a
	if got := pr.line(clock.now()); etaOf(t, got) != formatETA(seconds(want/2)) || !strings.Contains(got, "progress: 1/") ||
		!strings.Contains(got, "running gahb-train "+p.Jobs[b].ID[:8]) {
		t.Errorf("after one training at twice its estimate: %q, want ETA %s", got, formatETA(seconds(want/2)))
	}

	// An unestimated job that finished in 30 s stands for its kind's others.
	c := others[0]
	pr.Started(c)
	clock.advance(30 * time.Second)
	pr.Finished(c, nil)
	same := 0
	for _, i := range others[1:] {
		if p.Jobs[i].Kind == p.Jobs[c].Kind {
			same++
		}
	}
	want = float64(same) * 30
	for _, i := range trains[2:] {
		want += scale * cost[i]
	}
	want += max(scale*cost[b]-2*cost[a]-30, 0)
	if got := etaOf(t, pr.line(clock.now())); got != formatETA(seconds(want/2)) {
		t.Errorf("after a %s job: ETA %s, want %s (%d more of its kind at 30 s)", p.Jobs[c].Kind, got, formatETA(seconds(want/2)), same)
	}

	// A failure is counted, not learnt from; one line per change, none without.
	lines := strings.Count(out.String(), "\n")
	pr.Started(others[1])
	pr.Finished(others[1], errors.New("broke"))
	pr.draw()
	if got := strings.Count(out.String(), "\n") - lines; got != 2 {
		t.Errorf("start, failure and an unchanged redraw printed %d lines, want 2:\n%s", got, out.String())
	}
	if !strings.Contains(pr.line(clock.now()), "2/"+fmt.Sprint(len(p.Jobs))+" jobs done, 1 failed") {
		t.Errorf("after a failure: %q", pr.line(clock.now()))
	}
	if strings.Contains(out.String(), "\r") {
		t.Error("a line not on a terminal has a carriage return")
	}
}

func TestProgressLineNamesTwoRunningJobsAndEndsWithoutETA(t *testing.T) {
	p, trains, _, _ := quickJobs(t)
	clock := newFakeClock()
	pr := newProgress(&bytes.Buffer{}, false, 3)
	pr.now = clock.now
	pr.Planned(p, trains[:3])
	for _, i := range trains[:3] {
		pr.Started(i)
	}
	id := func(k int) string { return p.Jobs[trains[k]].ID[:8] }
	want := fmt.Sprintf("progress: 0/3 jobs done; running gahb-train %s, gahb-train %s +1 more; ETA ", id(0), id(1))
	if got := pr.line(clock.now()); !strings.HasPrefix(got, want) {
		t.Errorf("line %q, want it to start %q", got, want)
	}
	for _, i := range trains[:3] {
		pr.Finished(i, nil)
	}
	if got := pr.line(clock.now()); got != "progress: 3/3 jobs done" {
		t.Errorf("at the end: %q", got)
	}
}

func TestProgressOnATerminalRedrawsInPlace(t *testing.T) {
	p, trains, _, cost := quickJobs(t)
	i := trains[0]
	var out bytes.Buffer
	clock := newFakeClock()
	pr := newProgress(&out, true, 2)
	pr.now = clock.now
	pr.Planned(p, []int{i})
	pr.Started(i)
	fmt.Fprintln(pr.logWriter(&out), "a log line")
	pr.Finished(i, nil)
	pr.close()
	eta := formatETA(seconds(cost[i])) // one job left: it alone, not over 2
	l0 := "progress: 0/1 jobs done; ETA " + eta
	l1 := "progress: 0/1 jobs done; running gahb-train " + p.Jobs[i].ID[:8] + "; ETA " + eta
	l2 := "progress: 1/1 jobs done"
	want := "\r" + l0 + "\r" + l1 + // drawn, then redrawn over itself
		"\r" + strings.Repeat(" ", len(l1)) + "\r" + "a log line\n" + "\r" + l1 + // cleared for the log line, drawn below it
		"\r" + l2 + strings.Repeat(" ", len(l1)-len(l2)) + "\n" // padded over the longer line, ended by close
	if got := out.String(); got != want {
		t.Errorf("terminal output\n%q\nwant\n%q", got, want)
	}
}

func TestFormatETA(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{seconds(4.4), "4s"},
		{seconds(599.6), "10m0s"},
		{seconds(754), "13m"},
		{seconds(3600*2 + 65), "2h1m"},
		{seconds(3600 * 37.4), "37h"},
	} {
		if got := formatETA(c.d); got != c.want {
			t.Errorf("formatETA(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
