//go:build torchparity

package main

import (
	"testing"

	"github.com/harmonic-go/harmonic/internal/refscript"
)

// analyticReference returns the interpreter (with numpy and scipy) and
// analytic_reference.py; HARMONIC_PYTHON and HARMONIC_ANALYTIC_REFERENCE
// override them (package refscript). Under the torchparity tag a missing one
// fails the test instead of skipping it.
func analyticReference(t *testing.T) (python, script string) {
	t.Helper()
	python, script, err := refscript.Find(refscript.Script{
		Name: "analytic_reference.py", Env: "HARMONIC_ANALYTIC_REFERENCE",
		Modules: []string{"numpy", "scipy"}, Debian: "python3-numpy python3-scipy python3-torch",
	})
	if err != nil {
		t.Fatal(err)
	}
	return python, script
}
