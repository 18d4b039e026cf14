package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/train"
	"github.com/harmonic-go/harmonic/internal/atomicfile"
	"github.com/harmonic-go/harmonic/nn"
)

// epsCurveFile holds a vp-eps run's held-out learning curve (--eval-every):
// one "step,eps_mse" row per evaluation, the t-averaged ε-MSE.
const epsCurveFile = "eps_curve.csv"

// epsCurve scores a vp-eps run on a fixed held-out set every `every` steps
// and keeps the rows in dir/eps_curve.csv. The x_t come from one seed, so
// the points of a curve (and of a resumed run) are comparable. Rows past
// the step a run resumes from belong to a timeline that was abandoned and
// are dropped.
type epsCurve struct {
	every int
	set   *data.Set
	path  string
	rows  []string
	print func(string) // shows a point (between progress lines)
}

// newEpsCurve reads dir's existing curve up to step from (a resumed run).
func newEpsCurve(every int, set *data.Set, dir string, from int, print func(string)) (*epsCurve, error) {
	c := &epsCurve{every: every, set: set, path: filepath.Join(dir, epsCurveFile), print: print}
	b, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		step, _, ok := strings.Cut(sc.Text(), ",")
		if n, err := strconv.Atoi(step); ok && err == nil && n <= from {
			c.rows = append(c.rows, sc.Text())
		}
	}
	return c, nil
}

// after scores the model at step when step is a multiple of every (and
// at the end), prints the point and rewrites the file atomically.
func (c *epsCurve) after(step, total int, model nn.Model) error {
	if step%c.every != 0 && step != total {
		return nil
	}
	return c.score(step, model)
}

// score adds the point of model at step.
func (c *epsCurve) score(step int, model nn.Model) error {
	net, err := nn.AsConditioned(model)
	if err != nil {
		return err
	}
	rows, err := train.EvalEpsMSE(context.Background(), net, c.set, nil, 0)
	if err != nil {
		return err
	}
	mse := rows[len(rows)-1].MSE
	c.print(fmt.Sprintf("step %d: held-out ε-MSE %.4f (t-averaged, %d test images; predicting 0 scores 1)", step, mse, c.set.N))
	c.rows = append(c.rows, fmt.Sprintf("%d,%.6g", step, mse))
	var buf bytes.Buffer
	buf.WriteString("step,eps_mse\n")
	for _, r := range c.rows {
		buf.WriteString(r + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil { // step 0 comes before the first checkpoint
		return err
	}
	return atomicfile.WriteFile(c.path, buf.Bytes())
}

// setupEpsCurve checks that --eval-every fits the run (a vp-eps objective,
// held-out images), takes the first n test images, and scores the
// untrained network when the run starts at step 0.
func setupEpsCurve(tr *train.Trainer, ds *data.Dataset, every, n int, dir string, print func(string)) (*epsCurve, error) {
	if tr.Cfg.Objective != "vp-eps" {
		return nil, fmt.Errorf("--eval-every scores the ε-MSE of a vp-eps run; this run's objective is %q", tr.Cfg.Objective)
	}
	set := ds.Test
	if set == nil || set.N == 0 {
		return nil, errors.New("--eval-every needs held-out images (--ntest 0 leaves none)")
	}
	if n > 0 && n < set.N {
		var err error
		if set, err = set.Slice(0, n); err != nil {
			return nil, err
		}
	}
	c, err := newEpsCurve(every, set, dir, tr.Step, print)
	if err != nil {
		return nil, fmt.Errorf("--eval-every: %w", err)
	}
	if tr.Step == 0 {
		return c, c.score(0, tr.Model())
	}
	return c, nil
}
