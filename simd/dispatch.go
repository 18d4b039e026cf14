package simd

import (
	"fmt"
	"os"
	"strings"
)

// Level names a kernel set: "generic", "avx2" (AVX2 + FMA) or "avx512" (F, VL, BW, DQ).
type Level string

const (
	Generic Level = "generic"
	AVX2    Level = "avx2"
	AVX512  Level = "avx512"
)

// levelHooks are called whenever the level changes; each kernel family that has
// assembly registers one (through onLevel, in a package-level var initializer,
// so that all hooks exist before init selects the default level).
var levelHooks []func(Level)

// onLevel registers a hook that points a kernel family's function variables at
// the implementation for the given level. It returns nothing useful; it exists
// to be called from `var _ = onLevel(...)`.
func onLevel(hook func(Level)) struct{} {
	levelHooks = append(levelHooks, hook)
	return struct{}{}
}

var current = Generic

// Current reports the kernel set in use.
func Current() Level { return current }

// Available lists the kernel sets this CPU and build can run, best last.
func Available() []Level {
	out := []Level{Generic}
	if hasAVX2() {
		out = append(out, AVX2)
	}
	if hasAVX512() {
		out = append(out, AVX512)
	}
	return out
}

// Use selects a kernel set by name. It fails if the CPU or the build cannot run
// it. Use is not safe to call while kernels run on other goroutines.
func Use(name string) error {
	want := Level(strings.ToLower(strings.TrimSpace(name)))
	for _, l := range Available() {
		if l == want {
			current = l
			for _, h := range levelHooks {
				h(l)
			}
			return nil
		}
	}
	return fmt.Errorf("simd: kernel set %q is not available here (available: %v)", name, Available())
}

// best is the default: the widest set the CPU supports. On Zen 4 AVX-512 runs
// as two 256-bit halves, so a kernel family may choose to map AVX512 onto its
// AVX2 code where that measured faster; the level still names what the CPU offers.
func best() Level {
	a := Available()
	return a[len(a)-1]
}

func init() {
	if env := os.Getenv("HARMONIC_SIMD"); env != "" {
		if err := Use(env); err != nil {
			fmt.Fprintf(os.Stderr, "harmonic: HARMONIC_SIMD=%s ignored: %v\n", env, err)
		} else {
			return
		}
	}
	_ = Use(string(best()))
}
