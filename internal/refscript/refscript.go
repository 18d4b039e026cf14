// Package refscript finds the Python reference scripts (the PyTorch twin
// torch_reference.py and the NumPy/SciPy analytic_reference.py, described in
// docs/reproduce.md) and an interpreter that can run them, for the parity
// tests behind the torchparity build tag.
//
// HARMONIC_PYTHON names the interpreter (default /usr/bin/python3, where
// Debian's python3-torch, python3-numpy and python3-scipy install). Each
// script has its own variable naming its path; a relative path starts at the
// module root, and the default is ../shared/tools/NAME, where CI places the
// reference folder beside the clone. Building with -tags torchparity asks for
// the comparison, so callers fail (never skip) on the error Find returns: a
// CI run whose parity check never ran must not pass.
package refscript

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Script is one reference script: its file name, the environment variable
// that overrides its path, and the Python modules it imports.
type Script struct {
	Name    string   // e.g. "torch_reference.py"
	Env     string   // e.g. "HARMONIC_TORCH_REFERENCE"
	Modules []string // e.g. torch, numpy
	Debian  string   // the packages that provide Modules, for the error message
}

type found struct{ python, script string }

var (
	mu    sync.Mutex
	cache = map[string]func() (found, error){}
)

// Find returns the interpreter and the script's path, looking once per test
// binary (importing torch takes seconds).
func Find(s Script) (python, script string, err error) {
	mu.Lock()
	f, ok := cache[s.Name]
	if !ok {
		f = sync.OnceValues(func() (found, error) { return find(s) })
		cache[s.Name] = f
	}
	mu.Unlock()
	r, err := f()
	return r.python, r.script, err
}

func find(s Script) (found, error) {
	python := cmp.Or(os.Getenv("HARMONIC_PYTHON"), "/usr/bin/python3")
	imports := strings.Join(s.Modules, ", ")
	if out, err := exec.Command(python, "-c", "import "+imports).CombinedOutput(); err != nil {
		return found{}, fmt.Errorf("torchparity: %s cannot import %s (%v: %s)\n"+
			"install Debian's packages (apt-get update && apt-get install -y %s) "+
			"or set HARMONIC_PYTHON to an interpreter that has them", python, imports, err, bytes.TrimSpace(out), s.Debian)
	}
	root, err := ModuleRoot()
	if err != nil {
		return found{}, fmt.Errorf("torchparity: %w", err)
	}
	def := "../shared/tools/" + s.Name
	script := cmp.Or(os.Getenv(s.Env), def)
	if !filepath.IsAbs(script) {
		script = filepath.Join(root, script)
	}
	if _, err := os.Stat(script); err != nil {
		return found{}, fmt.Errorf("torchparity: the reference script is missing: %v\n"+
			"set %s to %s (a relative path starts at the module root %s; default %s)",
			err, s.Env, s.Name, root, def)
	}
	return found{python, script}, nil
}

// ModuleRoot is the nearest directory at or above the working directory (the
// package's, under go test) that holds go.mod.
func ModuleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no go.mod at or above %s", wd)
		}
	}
}
