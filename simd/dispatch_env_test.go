package simd

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestHarmonicSIMDEnv starts this test binary again with HARMONIC_SIMD set, so
// that package init runs with it: a valid name is honoured, an unknown one is
// reported on stderr and the default (best) level is used instead.
func TestHarmonicSIMDEnv(t *testing.T) {
	if os.Getenv("HARMONIC_SIMD_CHILD") != "" {
		fmt.Printf("level=%s\n", Current())
		return
	}
	cases := []struct{ env, level, stderr string }{
		{"generic", "generic", ""},
		{"nonsense-isa", string(best()), "HARMONIC_SIMD=nonsense-isa ignored"},
	}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHarmonicSIMDEnv$", "-test.count=1")
		cmd.Env = append(os.Environ(), "HARMONIC_SIMD="+c.env, "HARMONIC_SIMD_CHILD=1")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("HARMONIC_SIMD=%s: child failed: %v\n%s", c.env, err, stderr.String())
		}
		if !strings.Contains(string(out), "level="+c.level+"\n") {
			t.Errorf("HARMONIC_SIMD=%s: child reported %q, want level=%s", c.env, out, c.level)
		}
		if c.stderr != "" && !strings.Contains(stderr.String(), c.stderr) {
			t.Errorf("HARMONIC_SIMD=%s: stderr %q lacks %q", c.env, stderr.String(), c.stderr)
		}
	}
}
