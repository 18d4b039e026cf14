//go:build torchparity

package nn

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// defaultTorchReference is where the PyTorch twin torch_reference.py (see
// docs/reproduce.md) lies relative to the module root when the checkout sits
// beside the shared reference folder, as it does in CI.
const defaultTorchReference = "../shared/tools/torch_reference.py"

// torchReference returns the Python interpreter and the torch_reference.py
// script the parity tests run. HARMONIC_PYTHON names the interpreter
// (default /usr/bin/python3, where Debian's python3-torch installs);
// HARMONIC_TORCH_REFERENCE names the script, a relative path starting at the
// module root (default defaultTorchReference).
//
// Building with -tags torchparity asks for the comparison, so a missing
// interpreter, torch or script fails the test instead of skipping it: a CI
// run whose parity check never ran must not pass.
func torchReference(t *testing.T) (python, script string) {
	t.Helper()
	ref, err := findTorchReference()
	if err != nil {
		t.Fatal(err)
	}
	return ref.python, ref.script
}

type torchRef struct{ python, script string }

// findTorchReference looks once per test binary: importing torch takes
// seconds.
var findTorchReference = sync.OnceValues(func() (torchRef, error) {
	python := cmp.Or(os.Getenv("HARMONIC_PYTHON"), "/usr/bin/python3")
	if out, err := exec.Command(python, "-c", "import torch, numpy").CombinedOutput(); err != nil {
		return torchRef{}, fmt.Errorf("torchparity: %s cannot import torch and numpy (%v: %s)\n"+
			"install Debian's packages (apt-get update && apt-get install -y python3-torch python3-numpy) "+
			"or set HARMONIC_PYTHON to an interpreter that has them", python, err, bytes.TrimSpace(out))
	}
	root, err := moduleRoot()
	if err != nil {
		return torchRef{}, fmt.Errorf("torchparity: %w", err)
	}
	script := cmp.Or(os.Getenv("HARMONIC_TORCH_REFERENCE"), defaultTorchReference)
	if !filepath.IsAbs(script) {
		script = filepath.Join(root, script)
	}
	if _, err := os.Stat(script); err != nil {
		return torchRef{}, fmt.Errorf("torchparity: the PyTorch reference script is missing: %v\n"+
			"set HARMONIC_TORCH_REFERENCE to torch_reference.py (a relative path starts at the module root %s; default %s)",
			err, root, defaultTorchReference)
	}
	return torchRef{python, script}, nil
})

// moduleRoot is the nearest directory at or above the working directory (the
// package's, under go test) that holds go.mod.
func moduleRoot() (string, error) {
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
