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

// The script is found at ../shared/tools from the module root (the
// development checkout) and at ../../shared/tools (a worktree one level
// deeper), from any folder inside the module.
func TestFindBesideModuleRoot(t *testing.T) {
	for _, root := range [][]string{{"main"}, {"wt", "x"}} {
		top := t.TempDir()
		touch(t, filepath.Join(append(append([]string{top}, root...), "go.mod")...))
		touch(t, filepath.Join(top, "shared", "tools", "ref.py"))
		from := filepath.Join(append(append([]string{top}, root...), "pkg", "sub")...)
		got, ok := find(from, "ref.py")
		if want := filepath.Join(top, "shared", "tools", "ref.py"); !ok || got != want {
			t.Fatalf("find from %s = %q, %v; want %q", from, got, ok, want)
		}
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
