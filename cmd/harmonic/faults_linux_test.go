package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// mountTmpfs mounts a tmpfs with the given options at a new directory,
// unmounted when the test ends. It needs root: the test is skipped
// otherwise.
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount -o %s: %v: %s", opts, err, b)
	}
	t.Cleanup(func() {
		if b, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, b)
		}
	})
	return dir
}

func remount(t *testing.T, dir, opts string) {
	t.Helper()
	if b, err := exec.Command("mount", "-o", "remount,"+opts, dir).CombinedOutput(); err != nil {
		t.Fatalf("mount -o remount,%s %s: %v: %s", opts, dir, err, b)
	}
}

// folderBytes is the size of every file under dir.
func folderBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFullDisk runs each smoke study into a tmpfs too small for its output
// (5% to 90% of what an uninterrupted run writes, so the disk fills in
// different jobs and in the report): the run must fail with an error
// naming a path in the folder and "no space left on device", no job
// counted done may lack an output; once the tmpfs is grown the rerun must
// finish with the uninterrupted run's numbers.
func TestFullDisk(t *testing.T) {
	bin := faultBinary(t)
	for _, s := range studiesUnderFault(t) {
		ref := filepath.Join(t.TempDir(), "ref")
		runToEnd(t, bin, s, ref)
		want, size := studyNumbers(t, ref), folderBytes(t, ref)
		for _, frac := range []float64{0.05, 0.3, 0.6, 0.9} {
			limit := int64(frac * float64(size))
			mnt := mountTmpfs(t, fmt.Sprintf("size=%d", limit))
			out := filepath.Join(mnt, s.name)
			b, err := exec.Command(bin, append(slices.Clone(s.args), "--out", out)...).CombinedOutput()
			if err == nil {
				t.Fatalf("%s on a %d-byte disk (its output is %d bytes) succeeded", s.name, limit, size)
			}
			msg := lastLine(string(b))
			if !strings.Contains(msg, "no space left on device") || !strings.Contains(msg, out) || strings.Contains(string(b), "panic") {
				t.Errorf("%s on a %d-byte disk: %q; want an error naming a path under %s and \"no space left on device\"", s.name, limit, msg, out)
			}
			done, temps := checkDoneJobs(t, fmt.Sprintf("%s, %d-byte disk", s.name, limit), out, ref)
			t.Logf("%s, disk of %d bytes (%.0f%% of %d): %d jobs done, %d temporary files; error: %s", s.name, limit, 100*frac, size, done, temps, msg)
			remount(t, mnt, "size=64m")
			runToEnd(t, bin, s, out)
			sameNumbers(t, fmt.Sprintf("%s after the %d-byte disk grew", s.name, limit), studyNumbers(t, out), want)
		}
	}
}

// lastLine is the last non-empty line of a command's output: its error.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestReadOnlyOutputFolder: a study whose output folder is on a read-only
// mount, or whose folder cannot be created there, fails at once with an
// error naming the folder and runs no job.
func TestReadOnlyOutputFolder(t *testing.T) {
	bin := faultBinary(t)
	s := studiesUnderFault(t)[0]
	mnt := mountTmpfs(t, "size=1m")
	existing := filepath.Join(mnt, "existing")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	remount(t, mnt, "ro")
	for _, tc := range []struct{ out, want string }{
		{existing, "plan: the output folder " + existing + " is not writable"},
		{filepath.Join(mnt, "new"), "plan: cannot create the output folder " + filepath.Join(mnt, "new")},
	} {
		t0 := time.Now()
		b, err := exec.Command(bin, append(slices.Clone(s.args), "--out", tc.out)...).CombinedOutput()
		took := time.Since(t0)
		if err == nil {
			t.Fatalf("%s on a read-only folder succeeded:\n%s", s.name, b)
		}
		msg := lastLine(string(b))
		if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "read-only file system") {
			t.Errorf("read-only %s: %q; want %q (read-only file system)", tc.out, msg, tc.want)
		}
		if strings.Contains(string(b), "] start") {
			t.Errorf("a job started on a read-only folder:\n%s", b)
		}
		t.Logf("read-only %s: failed in %s: %s", tc.out, took.Round(time.Millisecond), msg)
	}
}
