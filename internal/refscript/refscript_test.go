package refscript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestModuleRootFindsGoMod(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("ModuleRoot() = %s without go.mod: %v", root, err)
	}
	if rel, _ := filepath.Rel(root, "."); strings.HasPrefix(rel, "..") {
		t.Fatalf("ModuleRoot() = %s is not above the package folder", root)
	}
}

// An absolute path in the script's variable is used as it is; a missing
// script is an error naming the variable and the default.
func TestFindUsesTheVariableAndNamesItWhenMissing(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH to stand in for the interpreter")
	}
	t.Setenv("HARMONIC_PYTHON", python)
	script := filepath.Join(t.TempDir(), "ref.py")
	if err := os.WriteFile(script, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HARMONIC_REFSCRIPT_TEST", script)
	_, got, err := Find(Script{Name: "ref.py", Env: "HARMONIC_REFSCRIPT_TEST"})
	if err != nil || got != script {
		t.Fatalf("Find = %q, %v; want %q", got, err, script)
	}
	t.Setenv("HARMONIC_REFSCRIPT_MISSING", filepath.Join(t.TempDir(), "absent.py"))
	_, _, err = Find(Script{Name: "absent.py", Env: "HARMONIC_REFSCRIPT_MISSING"})
	if err == nil || !strings.Contains(err.Error(), "HARMONIC_REFSCRIPT_MISSING") || !strings.Contains(err.Error(), "../shared/tools/absent.py") {
		t.Fatalf("missing script: err = %v, want one naming the variable and the default", err)
	}
}
