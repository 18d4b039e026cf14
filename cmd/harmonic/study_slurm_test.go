package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestStudySlurmMatchesLocal runs every study's smoke preset as one plan
// (harmonic study all) on a real Slurm cluster
// (HARMONIC_SLURM=1 and SLURM_CONF set, e.g. by scripts/slurm-local.sh start;
// it starts none itself) and with the local executor, and checks that the
// reports' numbers agree; then runs it again on Slurm with one array task
// cancelled mid-run, which must fail naming the task, and a rerun, which must
// agree again. .ci/run runs it.
func TestStudySlurmMatchesLocal(t *testing.T) {
	if os.Getenv("HARMONIC_SLURM") != "1" {
		t.Skip("set HARMONIC_SLURM=1 with a Slurm cluster up (scripts/slurm-local.sh start) to run this")
	}
	if _, err := exec.Command("sinfo", "-h").Output(); err != nil {
		t.Skipf("HARMONIC_SLURM=1 but no cluster answers sinfo (%v): start one with scripts/slurm-local.sh start", err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "harmonic")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	run := func(args ...string) {
		t.Helper()
		t0 := time.Now()
		b, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("harmonic %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		t.Logf("harmonic %s: %s", strings.Join(args, " "), time.Since(t0).Round(time.Millisecond))
	}
	local, slurm, faulty := filepath.Join(dir, "local"), filepath.Join(dir, "slurm"), filepath.Join(dir, "faulty")
	run("study", "all", "--preset", "smoke", "--out", local)
	run("study", "all", "--preset", "smoke", "--executor", "slurm", "--wait", "--max-parallel", "2", "--out", slurm)
	want := reportNumbers(t, local)
	if got := reportNumbers(t, slurm); !reflect.DeepEqual(got, want) {
		t.Fatalf("slurm report numbers differ from local:\n%v\nwant\n%v", got, want)
	}

	// Cancel the first task of the second level while it waits for the first.
	cmd := exec.Command(bin, "study", "all", "--preset", "smoke", "--executor", "slurm", "--wait", "--out", faulty)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	cancelled := ""
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		log.WriteString(line + "\n")
		if _, rest, ok := strings.Cut(line, "(arrays "); ok && cancelled == "" {
			ids := strings.Fields(strings.Split(rest, ",")[0])
			if len(ids) < 2 {
				t.Fatalf("want at least 2 levels: %s", line)
			}
			cancelled = ids[1] + "_0"
			if b, err := exec.Command("scancel", cancelled).CombinedOutput(); err != nil {
				t.Fatalf("scancel %s: %v %s", cancelled, err, b)
			}
		}
	}
	err = cmd.Wait()
	if err == nil || !strings.Contains(log.String(), cancelled+" did not finish") || !strings.Contains(log.String(), "level-1.0.log") {
		t.Fatalf("run with task %s cancelled: %v\n%s", cancelled, err, log.String())
	}
	run("study", "all", "--preset", "smoke", "--executor", "slurm", "--wait", "--out", faulty)
	if got := reportNumbers(t, faulty); !reflect.DeepEqual(got, want) {
		t.Fatalf("after a cancelled task and a rerun, the report numbers differ from local:\n%v\nwant\n%v", got, want)
	}
}

// reportNumbers is the index's claims.json, each study's claims.json and
// metrics.json, and every job's metrics.json under out, without the timings
// (names ending in "seconds"), which differ run to run.
func reportNumbers(t *testing.T, out string) map[string]any {
	t.Helper()
	nums := map[string]any{}
	read := func(path string) any {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return v
	}
	nums["claims.json"] = read(filepath.Join(out, "claims.json"))
	for _, name := range []string{"gahb/claims.json", "locality/claims.json", "locality/metrics.json", "heat/claims.json", "heat/metrics.json"} {
		nums[name] = read(filepath.Join(out, filepath.FromSlash(name)))
	}
	metrics, _ := filepath.Glob(filepath.Join(out, "runs", "*", "metrics.json"))
	if len(metrics) == 0 {
		t.Fatalf("no metrics under %s", out)
	}
	for _, m := range metrics {
		v := read(m)
		if obj, ok := v.(map[string]any); ok {
			for k := range obj {
				if strings.HasSuffix(k, "seconds") {
					delete(obj, k)
				}
			}
		}
		rel, _ := filepath.Rel(out, m)
		nums[rel] = v
	}
	return nums
}
