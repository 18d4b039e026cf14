// Package refscript finds the Python interpreter and the reference scripts
// (torch_reference.py, analytic_reference.py) that the torchparity tests run
// harmonic against. The scripts live outside the module, in shared/tools
// beside the module root (see docs/reproduce.md); a test that cannot find
// them or the Python modules they import skips with installation
// instructions rather than failing.
package refscript

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Script names a reference script and what it needs to run.
type Script struct {
	// Name is the script's file name in shared/tools, e.g. "torch_reference.py".
	Name string
	// PathEnv is the environment variable that overrides the script's path.
	PathEnv string
	// Modules are the Python modules the script imports; Debian ships each
	// as the package python3-<module>.
	Modules []string
}

// DefaultPython is the interpreter used unless HARMONIC_PYTHON names another.
const DefaultPython = "/usr/bin/python3"

// Locate returns the Python interpreter and the script's path, or skips t
// with instructions when the interpreter lacks s.Modules or the script is not
// found.
func Locate(t testing.TB, s Script) (python, script string) {
	t.Helper()
	python = os.Getenv("HARMONIC_PYTHON")
	if python == "" {
		python = DefaultPython
	}
	mods := strings.Join(s.Modules, ", ")
	if out, err := exec.Command(python, "-c", "import "+mods).CombinedOutput(); err != nil {
		debs := make([]string, len(s.Modules))
		for i, m := range s.Modules {
			debs[i] = "python3-" + m
		}
		t.Skipf("%s cannot import %s (%v: %s).\nInstall Debian's packages: sudo apt-get update && sudo apt-get install -y %s\n(or set HARMONIC_PYTHON to an interpreter that has them)",
			python, strings.Join(s.Modules, " and "), err, bytes.TrimSpace(out), strings.Join(debs, " "))
	}
	if p := os.Getenv(s.PathEnv); p != "" {
		return python, p
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := find(dir, s.Name); ok {
		return python, p
	}
	t.Skipf("%s not found at ../shared/tools/ from the module root; set %s to its path", s.Name, s.PathEnv)
	return "", ""
}

// find walks up from dir to the module root (the first folder with a go.mod)
// and looks for shared/tools/name beside it: ../shared/tools in the
// development checkout, ../../shared/tools from a worktree one level deeper.
func find(dir, name string) (string, bool) {
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			for _, rel := range []string{"../shared/tools", "../../shared/tools"} {
				p := filepath.Join(dir, rel, name)
				if _, err := os.Stat(p); err == nil {
					return p, true
				}
			}
			return "", false
		}
		if filepath.Dir(dir) == dir {
			return "", false
		}
	}
}
