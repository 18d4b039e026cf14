package plan

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"testing"
)

// Test-only kinds: test/const writes a number, test/sum adds its
// dependencies' numbers to an offset. Both count their invocations per job
// directory and first call the hook a test set for its output folder, which
// is how tests make jobs fail, block or watch each other.

type constConfig struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

type sumConfig struct {
	Name   string  `json:"name"`
	Offset float64 `json:"offset"`
}

type hook func(ctx context.Context, env *Env) error

var testState = struct {
	sync.Mutex
	calls map[string]int  // job directory → invocations
	hooks map[string]hook // output folder → hook
}{calls: map[string]int{}, hooks: map[string]hook{}}

func init() {
	Register("test/const", "1", func(ctx context.Context, env *Env) error {
		var c constConfig
		if err := begin(ctx, env, &c); err != nil {
			return err
		}
		if err := writeText(env, "value.txt", fmt.Sprintf("%s=%g\n", c.Name, c.Value)); err != nil {
			return err
		}
		env.SetMetric("value", c.Value)
		return nil
	})
	RegisterCost("test/const", func(c constConfig) (float64, error) { return c.Value, nil })
	Register("test/sum", "1", func(ctx context.Context, env *Env) error {
		var c sumConfig
		if err := begin(ctx, env, &c); err != nil {
			return err
		}
		sum, text := c.Offset, ""
		for _, d := range env.Deps {
			var v float64
			if err := d.Metric("value", &v); err != nil {
				return err
			}
			sum += v
			text += fmt.Sprintf("%s %s %g\n", d.ID, d.Kind, v)
		}
		if err := writeText(env, "sum.txt", text); err != nil {
			return err
		}
		env.SetMetric("value", sum)
		env.SetMetric("detail", map[string]any{"deps": len(env.Deps), "name": c.Name})
		return nil
	})
}

// begin decodes the config, counts the call and runs the folder's hook.
func begin(ctx context.Context, env *Env, config any) error {
	if err := env.Config(config); err != nil {
		return err
	}
	out := filepath.Dir(filepath.Dir(env.Dir))
	testState.Lock()
	testState.calls[env.Dir]++
	h := testState.hooks[out]
	testState.Unlock()
	if h != nil {
		return h(ctx, env)
	}
	return nil
}

func writeText(env *Env, name, text string) error {
	return env.WriteFile(name, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	})
}

// setHook makes h run at the start of every test job under out until the test ends.
func setHook(t *testing.T, out string, h hook) {
	testState.Lock()
	testState.hooks[out] = h
	testState.Unlock()
	t.Cleanup(func() {
		testState.Lock()
		delete(testState.hooks, out)
		testState.Unlock()
	})
}

// calls counts the invocations of job id under out.
func calls(out, id string) int {
	testState.Lock()
	defer testState.Unlock()
	return testState.calls[RunDir(out, id)]
}
