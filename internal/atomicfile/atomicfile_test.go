package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileModeAndContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.bin")
	if err := WriteFile(path, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := st.Mode().Perm(); m != 0o644 {
		t.Fatalf("mode %o, want 644", m)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "hello" {
		t.Fatalf("read %q, %v; want \"hello\"", b, err)
	}
}

func TestWriteReplacesExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("a much longer old content"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "new" {
		t.Fatalf("read %q, %v; want \"new\"", b, err)
	}
	st, _ := os.Stat(path)
	if m := st.Mode().Perm(); m != 0o644 {
		t.Fatalf("replaced file has mode %o, want 644", m)
	}
	assertOnly(t, dir, "out.txt")
}

// TestWriteFailingWriterLeavesNothing checks that an error from write leaves
// the old file untouched, no temporary file behind, and an error naming path.
func TestWriteFailingWriterLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keep.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		// More than the buffer, so part of it reaches the temporary file.
		if _, err := w.Write(make([]byte, 1<<17)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v: want it to wrap boom and name %s", err, path)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "old" {
		t.Fatalf("old file now holds %d bytes, want \"old\"", len(b))
	}
	assertOnly(t, dir, "keep.txt")

	fresh := filepath.Join(dir, "fresh.txt")
	if err := Write(fresh, func(io.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Fatalf("failed write created %s (stat error %v)", fresh, err)
	}
	assertOnly(t, dir, "keep.txt")
}

func TestWriteMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "f")
	if err := WriteFile(path, nil); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want one naming %s", err, path)
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("directory holds %v, want %v", got, names)
	}
}

// TestRemoveTempsFindsWritesTemporaries: the name of the temporary file a
// Write in progress holds is IsTemp (so a process killed there leaves a file
// RemoveTemps deletes); the targets and other dot files are not.
func TestRemoveTempsFindsWritesTemporaries(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	var temps []string
	for _, path := range []string{filepath.Join(dir, "model.safetensors"), filepath.Join(sub, "a.tmp1")} {
		err := Write(path, func(w io.Writer) error {
			entries, _ := os.ReadDir(filepath.Dir(path))
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), "."+filepath.Base(path)) {
					temps = append(temps, e.Name())
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(temps) != 2 {
		t.Fatalf("saw temporary files %v during the writes, want 2", temps)
	}
	for _, name := range temps {
		if !IsTemp(name) {
			t.Errorf("IsTemp(%q) = false for Write's temporary file", name)
		}
	}
	for _, name := range []string{"model.safetensors", "a.tmp1", ".hidden", ".tmp", ".x.tmp", ".x.tmpabc", ".x.tmp12a"} {
		if IsTemp(name) {
			t.Errorf("IsTemp(%q) = true", name)
		}
	}
	// What a kill -9 during those writes would have left.
	for _, p := range []string{filepath.Join(dir, temps[0]), filepath.Join(sub, temps[1]), filepath.Join(dir, ".hidden")} {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n, err := RemoveTemps(dir)
	if err != nil || n != 2 {
		t.Fatalf("RemoveTemps: %d, %v; want 2 removed", n, err)
	}
	assertOnly(t, sub, "a.tmp1")
	if _, err := os.Stat(filepath.Join(dir, ".hidden")); err != nil {
		t.Errorf("RemoveTemps removed a file not its own: %v", err)
	}
}
