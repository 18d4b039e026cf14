//go:build torchparity

package nn

import (
	"testing"

	"github.com/harmonic-go/harmonic/internal/refscript"
)

// torchReference returns the Python interpreter and the PyTorch twin
// torch_reference.py (see docs/reproduce.md) the parity tests run;
// HARMONIC_PYTHON and HARMONIC_TORCH_REFERENCE override them (package
// refscript). Under the torchparity tag a missing interpreter, torch or
// script fails the test instead of skipping it.
func torchReference(t *testing.T) (python, script string) {
	t.Helper()
	python, script, err := refscript.Find(refscript.Script{
		Name: "torch_reference.py", Env: "HARMONIC_TORCH_REFERENCE",
		Modules: []string{"torch", "numpy"}, Debian: "python3-torch python3-numpy",
	})
	if err != nil {
		t.Fatal(err)
	}
	return python, script
}
