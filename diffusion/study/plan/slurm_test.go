package plan

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLevels(t *testing.T) {
	p, _ := testPlan(t) // a, b; c after a, e after b; d after c
	got, err := Levels(p)
	want := [][]int{{0, 1}, {2, 4}, {3}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Levels = %v, %v; want %v", got, err, want)
	}
}

var testSlurm = Slurm{
	Binary: "/opt/bin/harmonic", Partition: "gpu", MaxParallel: 3,
	SbatchOpts:  []string{"--time=1:00:00", "--requeue"},
	CollectArgs: []string{"study", "gahb", "--preset", "smoke", "--collect", "/r/out dir"},
	Threads:     2,
}

func TestLevelScriptGolden(t *testing.T) {
	got := testSlurm.LevelScript("/r/out dir", 1, 4)
	want := `#!/bin/sh
#SBATCH --job-name=harmonic-level-1
#SBATCH --output='/r/out dir/slurm/log/level-1.%a.log'
#SBATCH --partition=gpu
#SBATCH --time=1:00:00
#SBATCH --requeue
#SBATCH --array=0-3%3
i=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" '/r/out dir/slurm/level-1.idx')
[ -n "$i" ] || { echo "no plan index for task $SLURM_ARRAY_TASK_ID in '/r/out dir/slurm/level-1.idx'" >&2; echo 'failed 2' >'/r/out dir/slurm/status/level-1.'"$SLURM_ARRAY_TASK_ID"; exit 2; }
/opt/bin/harmonic job run --plan '/r/out dir/plan.json' --index "$i" --threads 2
rc=$?
if [ "$rc" -eq 0 ]; then echo ok >'/r/out dir/slurm/status/level-1.'"$SLURM_ARRAY_TASK_ID"; else echo "failed $rc" >'/r/out dir/slurm/status/level-1.'"$SLURM_ARRAY_TASK_ID"; fi
exit "$rc"
`
	if got != want {
		t.Errorf("level script:\n%s\nwant:\n%s", got, want)
	}
	// No limit, no partition, no options: only the array range.
	bare := Slurm{Binary: "/h"}.LevelScript("/o", 0, 1)
	if !strings.Contains(bare, "#SBATCH --array=0-0\n") || strings.Contains(bare, "--partition") || strings.Contains(bare, "%3") {
		t.Errorf("bare level script:\n%s", bare)
	}
}

func TestCollectScriptGolden(t *testing.T) {
	got := testSlurm.CollectScript("/r/out dir")
	want := `#!/bin/sh
#SBATCH --job-name=harmonic-collect
#SBATCH --output='/r/out dir/slurm/log/collect.log'
#SBATCH --partition=gpu
#SBATCH --time=1:00:00
#SBATCH --requeue
/opt/bin/harmonic study gahb --preset smoke --collect '/r/out dir'
rc=$?
if [ "$rc" -eq 0 ]; then echo ok >'/r/out dir/slurm/status/collect'; else echo "failed $rc" >'/r/out dir/slurm/status/collect'; fi
exit "$rc"
`
	if got != want {
		t.Errorf("collect script:\n%s\nwant:\n%s", got, want)
	}
}

func TestSbatchArgs(t *testing.T) {
	if got, want := SbatchArgs("/s/a.sbatch", nil), []string{"--parsable", "/s/a.sbatch"}; !reflect.DeepEqual(got, want) {
		t.Errorf("no deps: %q, want %q", got, want)
	}
	got := SbatchArgs("/s/b.sbatch", []string{"17", "18"})
	want := []string{"--parsable", "--dependency=afterok:17:18", "--kill-on-invalid-dep=yes", "/s/b.sbatch"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("deps: %q, want %q", got, want)
	}
}

// TestSubmitChainsLevels submits to a fake sbatch and checks the files
// written and that each level waits on the one before.
func TestSubmitChainsLevels(t *testing.T) {
	p, _ := testPlan(t)
	out := t.TempDir()
	next := 100
	sub, err := Slurm{Binary: "/h", MaxParallel: 2}.submit(p, out, func([]string) (string, error) {
		next++
		return fmt.Sprint(next), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sub.IDs, []string{"101", "102", "103"}) || sub.Collect != "104" {
		t.Fatalf("ids %v collect %s", sub.IDs, sub.Collect)
	}
	dir := filepath.Join(out, "slurm")
	want := [][]string{
		{"--parsable", filepath.Join(dir, "level-0.sbatch")},
		{"--parsable", "--dependency=afterok:101", "--kill-on-invalid-dep=yes", filepath.Join(dir, "level-1.sbatch")},
		{"--parsable", "--dependency=afterok:102", "--kill-on-invalid-dep=yes", filepath.Join(dir, "level-2.sbatch")},
		{"--parsable", "--dependency=afterok:103", "--kill-on-invalid-dep=yes", filepath.Join(dir, "collect.sbatch")},
	}
	if !reflect.DeepEqual(sub.sbatched, want) {
		t.Errorf("sbatch calls %q\nwant %q", sub.sbatched, want)
	}
	for k, idx := range []string{"0\n1\n", "2\n4\n", "3\n"} {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("level-%d.idx", k)))
		if err != nil || string(b) != idx {
			t.Errorf("level-%d.idx = %q, %v; want %q", k, b, err, idx)
		}
	}
	if _, err := Load(filepath.Join(out, planFile)); err != nil {
		t.Error(err)
	}
	if _, err := (Slurm{Binary: "harmonic"}).submit(p, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), `"harmonic"`) {
		t.Errorf("relative binary: %v", err)
	}
}

// TestLevelScriptRuns runs a level script with sh as Slurm would, the
// binary a fake that records its arguments and fails for one index.
func TestLevelScriptRuns(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	out := t.TempDir()
	bin := filepath.Join(out, "fake-harmonic")
	rec := filepath.Join(out, "args")
	fake := "#!/bin/sh\necho \"$@\" >>" + shellQuote(rec) + "\n[ \"$6\" != 4 ]\n"
	if err := os.WriteFile(bin, []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"slurm/status", "slurm/log"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(out, "slurm", "level-1.idx"), []byte("2\n4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(out, "l.sh")
	if err := os.WriteFile(script, []byte(Slurm{Binary: bin}.LevelScript(out, 1, 2)), 0o755); err != nil {
		t.Fatal(err)
	}
	for task, wantErr := range []bool{false, true, true} { // task 2 has no line in the index file
		cmd := exec.Command("sh", script)
		cmd.Env = append(os.Environ(), fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", task))
		if err := cmd.Run(); (err != nil) != wantErr {
			t.Errorf("task %d: %v", task, err)
		}
	}
	b, _ := os.ReadFile(rec)
	plan := filepath.Join(out, planFile)
	if want := "job run --plan " + plan + " --index 2 --threads 0\njob run --plan " + plan + " --index 4 --threads 0\n"; string(b) != want {
		t.Errorf("calls %q, want %q", b, want)
	}
	for task, want := range []string{"ok", "failed 1", "failed 2"} {
		if got := readStatus(out, fmt.Sprintf("level-1.%d", task)); got != want {
			t.Errorf("status of task %d = %q, want %q", task, got, want)
		}
	}
}

func TestCheckNamesFailedTask(t *testing.T) {
	p, ids := testPlan(t)
	out := t.TempDir()
	levels, _ := Levels(p)
	sub := &Submission{Out: out, Levels: levels, IDs: []string{"11", "12", "13"}, Collect: "14", plan: p}
	if err := os.MkdirAll(filepath.Join(out, "slurm", "status"), 0o755); err != nil {
		t.Fatal(err)
	}
	if done, err := sub.Check("11 0 COMPLETED\n11 1 RUNNING\n12 0-1 PENDING\n"); done || err != nil {
		t.Errorf("running: %v %v", done, err)
	}
	// A cancelled task (listed after the level it took down) is the one named.
	done, err := sub.Check("12 N/A CANCELLED\n13 N/A CANCELLED\n11 1 CANCELLED\n")
	if done || err == nil || !strings.Contains(err.Error(), ids["b"]) || !strings.Contains(err.Error(), "index 1") ||
		!strings.Contains(err.Error(), "11_1 is CANCELLED") || !strings.Contains(err.Error(), TaskLog(out, 0, 1)) {
		t.Errorf("cancelled task: %v %v", done, err)
	}
	// A task cancelled while pending vanishes from squeue; the collect job,
	// cancelled for it, leads to it: the first task without an ok status.
	for _, task := range []string{"level-0.0", "level-0.1", "level-1.0"} {
		if err := os.WriteFile(filepath.Join(out, "slurm", "status", task), []byte("ok\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sub.Check("14 N/A CANCELLED\n"); err == nil || !strings.Contains(err.Error(), ids["e"]) || !strings.Contains(err.Error(), "12_1 did not finish") || !strings.Contains(err.Error(), TaskLog(out, 1, 1)) {
		t.Errorf("vanished task: %v", err)
	}
	// A status file of a failed task wins over squeue having forgotten it.
	if err := os.WriteFile(filepath.Join(out, "slurm", "status", "level-1.1"), []byte("failed 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Check(""); err == nil || !strings.Contains(err.Error(), ids["e"]) || !strings.Contains(err.Error(), "failed 3") || !strings.Contains(err.Error(), TaskLog(out, 1, 1)) {
		t.Errorf("failed status: %v", err)
	}
	os.Remove(filepath.Join(out, "slurm", "status", "level-1.1"))
	if err := os.WriteFile(filepath.Join(out, "slurm", "status", "collect"), []byte("ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if done, err := sub.Check(""); !done || err != nil {
		t.Errorf("collected: %v %v", done, err)
	}
}
