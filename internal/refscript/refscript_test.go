package refscript

import (
	"os"
	"path/filepath"
	"testing"
)

// touch creates the file path (and its folders).
func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFindBesideModuleRoot(t *testing.T) {
	top := t.TempDir()
	touch(t, filepath.Join(top, "main", "go.mod"))
	touch(t, filepath.Join(top, "shared", "tools", "ref.py"))
	got, ok := find(filepath.Join(top, "main", "pkg", "sub"), "ref.py")
	if want := filepath.Join(top, "shared", "tools", "ref.py"); !ok || got != want {
		t.Fatalf("find from the checkout = %q, %v; want %q", got, ok, want)
	}
}

func TestFindFromWorktree(t *testing.T) {
	top := t.TempDir()
	touch(t, filepath.Join(top, "wt", "x", "go.mod"))
	touch(t, filepath.Join(top, "shared", "tools", "ref.py"))
	got, ok := find(filepath.Join(top, "wt", "x", "pkg"), "ref.py")
	if want := filepath.Join(top, "shared", "tools", "ref.py"); !ok || got != want {
		t.Fatalf("find from a worktree = %q, %v; want %q", got, ok, want)
	}
}

func TestFindStopsAtModuleRoot(t *testing.T) {
	top := t.TempDir()
	// A script above the module root but not at ../shared/tools or
	// ../../shared/tools of it is not found, nor is a missing name.
	touch(t, filepath.Join(top, "a", "b", "c", "go.mod"))
	touch(t, filepath.Join(top, "shared", "tools", "ref.py"))
	if got, ok := find(filepath.Join(top, "a", "b", "c"), "ref.py"); ok {
		t.Fatalf("find = %q, want not found (three levels up)", got)
	}
	touch(t, filepath.Join(top, "m", "go.mod"))
	if got, ok := find(filepath.Join(top, "m"), "other.py"); ok {
		t.Fatalf("find(other.py) = %q, want not found", got)
	}
}

func TestLocateScriptPathFromEnv(t *testing.T) {
	// "sys" is always importable, so only the path lookup is under test.
	if _, err := os.Stat(DefaultPython); err != nil {
		t.Skipf("no %s: %v", DefaultPython, err)
	}
	t.Setenv("HARMONIC_PYTHON", "")
	t.Setenv("HARMONIC_REFSCRIPT_TEST", "/somewhere/ref.py")
	python, script := Locate(t, Script{Name: "ref.py", PathEnv: "HARMONIC_REFSCRIPT_TEST", Modules: []string{"sys"}})
	if python != DefaultPython || script != "/somewhere/ref.py" {
		t.Fatalf("Locate = %q, %q; want %q, /somewhere/ref.py", python, script, DefaultPython)
	}
}
