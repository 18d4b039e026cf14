package plan_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// A kind registers once, at init, with the version of its code.
func init() {
	plan.Register("example/square", "1", func(ctx context.Context, env *plan.Env) error {
		var c struct{ X float64 }
		if err := env.Config(&c); err != nil {
			return err
		}
		for _, d := range env.Deps { // add what the dependencies measured
			var v float64
			if err := d.Metric("square", &v); err != nil {
				return err
			}
			c.X += v
		}
		if err := env.WriteFile("note.txt", func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "squared %g\n", c.X)
			return err
		}); err != nil {
			return err
		}
		env.SetMetric("square", c.X*c.X)
		return nil
	})
	plan.RegisterCost("example/square", func(c struct{ X float64 }) (float64, error) { return 60, nil })
}

func Example() {
	out, err := os.MkdirTemp("", "plan-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(out)

	p := &plan.Plan{}
	three, _ := p.Add("example/square", map[string]float64{"X": 3})
	four, _ := p.Add("example/square", map[string]float64{"X": 4})
	sum, err := p.Add("example/square", map[string]float64{"X": 0}, three, four) // (9 + 16)²
	if err != nil {
		log.Fatal(err)
	}
	s, _ := plan.Summarize(p, out)
	fmt.Print(s)

	if err := plan.Run(context.Background(), p, out, plan.Options{Jobs: 2}); err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(plan.RunDir(out, sum), "metrics.json"))
	fmt.Print(string(b))
	// Output:
	// 3 jobs, 3 to run, estimated 3m0s
	//   kind             jobs  to run  estimate
	//   example/square      3       3      3m0s
	// {
	//   "square": 625
	// }
}
