package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harmonic-go/harmonic/internal/atomicfile"
)

// The fault tests run the harmonic binary on the smoke presets and hurt it:
// kill -9 at random moments, a full disk, a read-only output folder, two
// processes on one folder. They build the binary and take about a minute,
// so they run only with HARMONIC_FAULTS=1 (.ci/run's "faults" stage); the
// disk ones need root (mount(8) of a tmpfs) and are in faults_linux_test.go.

// faultStudies are the command lines the fault tests run, each with
// --out DIR appended, and how many kills each takes. HARMONIC_FAULTS_STUDY
// replaces them by one (e.g. "study all --preset smoke").
var faultStudies = []faultStudy{
	{"gahb", []string{"study", "--preset", "smoke"}, 12},
	{"locality", []string{"study", "locality", "--preset", "smoke"}, 10},
	{"heat", []string{"study", "heat", "--preset", "smoke"}, 10},
}

type faultStudy struct {
	name  string
	args  []string
	kills int
}

func studiesUnderFault(t *testing.T) []faultStudy {
	if s := os.Getenv("HARMONIC_FAULTS_STUDY"); s != "" {
		return []faultStudy{{"custom", strings.Fields(s), 12}}
	}
	return faultStudies
}

var faultBin struct {
	once sync.Once
	path string
	err  error
}

// faultBinary builds the harmonic binary once for every fault test of the
// run (into a directory removed when the test binary exits... or left in the
// system temp folder if it is killed; it is small).
func faultBinary(t *testing.T) string {
	t.Helper()
	if os.Getenv("HARMONIC_FAULTS") != "1" {
		t.Skip("set HARMONIC_FAULTS=1 to run the fault tests (they build the binary and take about a minute)")
	}
	faultBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "harmonic-faults-bin")
		if err != nil {
			faultBin.err = err
			return
		}
		faultBin.path = filepath.Join(dir, "harmonic")
		if b, err := exec.Command("go", "build", "-o", faultBin.path, ".").CombinedOutput(); err != nil {
			faultBin.err = fmt.Errorf("go build: %v\n%s", err, b)
		}
	})
	if faultBin.err != nil {
		t.Fatal(faultBin.err)
	}
	return faultBin.path
}

// runToEnd runs a study into out to the end, returning its log.
func runToEnd(t *testing.T, bin string, s faultStudy, out string) string {
	t.Helper()
	b, err := exec.Command(bin, append(slices.Clone(s.args), "--out", out)...).CombinedOutput()
	if err != nil {
		t.Fatalf("harmonic %s --out %s: %v\n%s", strings.Join(s.args, " "), out, err, b)
	}
	return string(b)
}

// invocationMetric says which metrics describe the invocation that ran a
// job rather than its result: timings, and the training steps that
// invocation took (fewer when it resumed from a checkpoint).
func invocationMetric(name string) bool {
	return strings.HasSuffix(name, "seconds") || name == "steps_trained"
}

// stripInvocation deletes invocation metrics at any depth of a decoded JSON value.
func stripInvocation(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if invocationMetric(k) {
				delete(x, k)
			} else {
				x[k] = stripInvocation(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = stripInvocation(e)
		}
	}
	return v
}

func readJSON(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return stripInvocation(v)
}

// studyNumbers are a finished study's report numbers: claims.json, the
// study's metrics.json (if it writes one), every job's metrics.json
// (invocation metrics left out) and every table.
func studyNumbers(t *testing.T, out string) map[string]any {
	t.Helper()
	nums := map[string]any{"claims.json": readJSON(t, filepath.Join(out, "claims.json"))}
	if _, err := os.Stat(filepath.Join(out, "metrics.json")); err == nil {
		nums["metrics.json"] = readJSON(t, filepath.Join(out, "metrics.json"))
	}
	metrics, _ := filepath.Glob(filepath.Join(out, "runs", "*", "metrics.json"))
	tables, _ := filepath.Glob(filepath.Join(out, "tables", "*"))
	if len(metrics) == 0 {
		t.Fatalf("no job metrics under %s", out)
	}
	for _, m := range metrics {
		rel, _ := filepath.Rel(out, m)
		nums[filepath.ToSlash(rel)] = readJSON(t, m)
	}
	for _, tb := range tables {
		b, err := os.ReadFile(tb)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(out, tb)
		nums[filepath.ToSlash(rel)] = string(b)
	}
	return nums
}

func sameNumbers(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	var diff []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			diff = append(diff, k+": missing")
		} else if !reflect.DeepEqual(g, w) {
			diff = append(diff, fmt.Sprintf("%s: %v, want %v", k, g, w))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diff = append(diff, k+": not in the uninterrupted run")
		}
	}
	sort.Strings(diff)
	t.Errorf("%s: report numbers differ from the uninterrupted run's:\n%s", what, strings.Join(diff, "\n"))
}

// checkDoneJobs checks that every job under out counted done (it has a
// metrics.json) holds exactly the files the uninterrupted run's job holds,
// byte for byte (metrics.json up to invocation metrics); temporary files of
// interrupted atomic writes are allowed and counted. It returns the number
// of done jobs and of temporary files.
func checkDoneJobs(t *testing.T, what, out, ref string) (done, temps int) {
	t.Helper()
	runs, _ := filepath.Glob(filepath.Join(out, "runs", "*"))
	for _, dir := range runs {
		if _, err := os.Stat(filepath.Join(dir, "metrics.json")); err != nil {
			continue
		}
		done++
		refDir := filepath.Join(ref, "runs", filepath.Base(dir))
		want := jobFiles(t, refDir, nil)
		got := jobFiles(t, dir, &temps)
		for name, b := range want {
			g, ok := got[name]
			switch {
			case !ok:
				t.Errorf("%s: job %s is done but lacks %s", what, filepath.Base(dir), name)
			case name == "metrics.json":
				if !reflect.DeepEqual(readJSON(t, filepath.Join(dir, name)), readJSON(t, filepath.Join(refDir, name))) {
					t.Errorf("%s: job %s is done with other metrics:\n%s\nwant\n%s", what, filepath.Base(dir), g, b)
				}
			case !bytes.Equal(g, b):
				t.Errorf("%s: job %s is done but its %s differs from the uninterrupted run's (%d bytes, want %d)", what, filepath.Base(dir), name, len(g), len(b))
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s: job %s is done with a file the uninterrupted run has not: %s", what, filepath.Base(dir), name)
			}
		}
	}
	return done, temps
}

// jobFiles reads a job directory's files by slash path; temporary files of
// atomic writes are counted in temps (when not nil) and left out.
func jobFiles(t *testing.T, dir string, temps *int) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if atomicfile.IsTemp(d.Name()) {
			if temps != nil {
				*temps++
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

var logLine = regexp.MustCompile(`(?m)^\[([0-9a-f]{16}) ([^ \]]+)\] (start|done in|failed|already done)`)

// runningAt reads a killed run's log: the kinds of the jobs started and
// not finished, or what the run was doing between jobs.
func runningAt(log string) string {
	running := map[string]string{}
	var order []string
	starts := 0
	for _, m := range logLine.FindAllStringSubmatch(log, -1) {
		id, kind, ev := m[1], m[2], m[3]
		switch ev {
		case "start":
			starts++
			running[id] = kind
			order = append(order, id)
		default:
			delete(running, id)
		}
	}
	var kinds []string
	for _, id := range order {
		if k, ok := running[id]; ok {
			kinds = append(kinds, k)
		}
	}
	switch {
	case len(kinds) > 0:
		return strings.Join(kinds, "+")
	case strings.Contains(log, "plan: ") && starts == 0 && strings.Contains(log, " 0 to run"):
		return "(report: no job left)"
	case starts == 0:
		return "(start-up, before any job)"
	default:
		return "(between jobs or writing the report)"
	}
}

// TestKillNineAtRandomMoments runs each smoke study uninterrupted, then
// again under kill -9 at moments drawn uniformly from the uninterrupted
// run's wall time (fixed seed), restarting after every kill (a run that
// finished before its kill starts over in a fresh folder), and finally
// runs the last folder to the end. After every kill no job counted done
// may lack an output or hold one that differs from the uninterrupted
// run's; at the end the report numbers must be the uninterrupted run's.
// It logs which job kinds were running at each kill.
func TestKillNineAtRandomMoments(t *testing.T) {
	bin := faultBinary(t)
	total, landed := 0, map[string]int{}
	for si, s := range studiesUnderFault(t) {
		ref := filepath.Join(t.TempDir(), "ref")
		t0 := time.Now()
		runToEnd(t, bin, s, ref)
		wall := time.Since(t0)
		want := studyNumbers(t, ref)
		rng := rand.New(rand.NewPCG(17, uint64(si)))
		folder, finished := 0, 0
		out := filepath.Join(t.TempDir(), "killed-0")
		kills := 0
		for attempt := 0; kills < s.kills; attempt++ {
			if attempt > 4*s.kills {
				t.Fatalf("%s: only %d of %d kills landed in %d attempts", s.name, kills, s.kills, attempt)
			}
			at := time.Duration(rng.Float64() * float64(wall))
			var log bytes.Buffer
			cmd := exec.Command(bin, append(slices.Clone(s.args), "--out", out)...)
			cmd.Stdout, cmd.Stderr = &log, &log
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case err := <-exited: // finished before its kill: check it, start over
				if err != nil {
					t.Fatalf("%s: run in %s after %d kills failed: %v\n%s", s.name, out, kills, err, log.String())
				}
				sameNumbers(t, fmt.Sprintf("%s after %d kills", s.name, kills), studyNumbers(t, out), want)
				finished++
				folder++
				out = filepath.Join(t.TempDir(), fmt.Sprintf("killed-%d", folder))
				continue
			case <-time.After(at):
			}
			cmd.Process.Kill() // SIGKILL
			<-exited
			kills++
			what := runningAt(log.String())
			landed[what]++
			done, temps := checkDoneJobs(t, fmt.Sprintf("%s kill %d", s.name, kills), out, ref)
			t.Logf("%s kill %2d at %6.3fs of %.3fs: running %s; %d jobs done, %d temporary files left", s.name, kills, at.Seconds(), wall.Seconds(), what, done, temps)
		}
		runToEnd(t, bin, s, out)
		sameNumbers(t, s.name+" after the last kill", studyNumbers(t, out), want)
		if _, temps := checkDoneJobs(t, s.name+" at the end", out, ref); temps > 0 {
			t.Errorf("%s: %d temporary files left in job folders after the rerun", s.name, temps)
		}
		t.Logf("%s: %d kills survived (uninterrupted run %.3fs; %d runs finished before their kill)", s.name, kills, wall.Seconds(), finished)
		total += kills
	}
	var summary []string
	for what, n := range landed {
		summary = append(summary, fmt.Sprintf("%d× %s", n, what))
	}
	sort.Strings(summary)
	t.Logf("%d kills survived; running at each: %s", total, strings.Join(summary, ", "))
}

// TestSecondStudyOnTheSameFolderRefuses starts a study, and once it runs a
// job starts a second one on the same folder: the second must refuse at
// once naming the first's process, and every job must run once.
func TestSecondStudyOnTheSameFolderRefuses(t *testing.T) {
	bin := faultBinary(t)
	s := studiesUnderFault(t)[0]
	out := filepath.Join(t.TempDir(), "shared")
	first := exec.Command(bin, append(slices.Clone(s.args), "--out", out)...)
	var log syncLog
	first.Stdout, first.Stderr = &log, &log
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- first.Wait() }()
	for !strings.Contains(log.String(), "] start") {
		select {
		case err := <-exited:
			t.Fatalf("the first study ended (%v) before the test saw a job start:\n%s", err, log.String())
		case <-time.After(time.Millisecond):
		}
	}
	t0 := time.Now()
	b, err := exec.Command(bin, append(slices.Clone(s.args), "--out", out)...).CombinedOutput()
	refused := time.Since(t0)
	if err == nil {
		t.Fatalf("the second study on %s succeeded while the first ran:\n%s", out, b)
	}
	wantMsg := fmt.Sprintf("locked by process %d", first.Process.Pid)
	if !strings.Contains(string(b), wantMsg) || !strings.Contains(string(b), filepath.Join(out, "plan.lock")) {
		t.Errorf("second study: %s; want it to name the lock and %q", b, wantMsg)
	}
	if strings.Contains(string(b), "] start") {
		t.Errorf("the refused study started a job:\n%s", b)
	}
	if err := <-exited; err != nil {
		t.Fatalf("first study: %v\n%s", err, log.String())
	}
	starts := map[string]int{}
	for _, m := range logLine.FindAllStringSubmatch(log.String(), -1) {
		if m[3] == "start" {
			starts[m[1]]++
		}
	}
	for id, n := range starts {
		if n != 1 {
			t.Errorf("job %s started %d times", id, n)
		}
	}
	again := runToEnd(t, bin, s, out)
	if strings.Contains(again, "] start") {
		t.Errorf("the rerun after the first finished ran jobs:\n%s", again)
	}
	t.Logf("second study refused in %s: %s", refused.Round(time.Millisecond), strings.TrimSpace(string(b)))
}

// syncLog is a buffer a child process writes while the test reads it.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
