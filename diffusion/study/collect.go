package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// jobMetrics is the metrics.json of job id under out, nil if the job is not done.
type jobMetrics struct {
	id   string
	dir  string
	vals map[string]json.RawMessage
}

func readJob(out, id string) (*jobMetrics, error) {
	if id == "" { // a job the plan does not have
		return nil, nil
	}
	dir := plan.RunDir(out, id)
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := &jobMetrics{id: id, dir: dir}
	if err := json.Unmarshal(b, &m.vals); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "metrics.json"), err)
	}
	return m, nil
}

// get decodes the metric name into v.
func (m *jobMetrics) get(name string, v any) error {
	raw, ok := m.vals[name]
	if !ok {
		return fmt.Errorf("%s: no metric %q", filepath.Join(m.dir, "metrics.json"), name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: metric %q: %w", filepath.Join(m.dir, "metrics.json"), name, err)
	}
	return nil
}

// file decodes the job's JSON file name into v.
func (m *jobMetrics) file(name string, v any) error {
	b, err := os.ReadFile(filepath.Join(m.dir, name))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(m.dir, name), err)
	}
	return nil
}

// collectGAHB reads the results of gp's jobs under out: every number the
// report and the claims use comes from a job's metrics.json, the images of
// the figures from the files beside it. A job not done leaves its part out.
func collectGAHB(p Preset, out string, gp *gahbPlan) (*Results, error) {
	res := &Results{Preset: p, Models: len(gp.modelSpecs)}
	var steps, seconds float64
	for _, id := range gp.trainJobsIDs {
		m, err := readJob(out, id)
		if err != nil || m == nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		var sec float64
		var n int
		if err := m.get("train_seconds", &sec); err != nil {
			return nil, err
		}
		if err := m.get("steps_trained", &n); err != nil {
			return nil, err
		}
		res.TrainSeconds += sec
		if n > 0 {
			steps, seconds = steps+float64(n), seconds+sec
		}
	}
	if steps > 0 {
		res.StepSeconds = seconds / steps
	}
	sweep := &SweepResult{}
	for i, id := range gp.sweep {
		m, err := readJob(out, id)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		var tr, te metrics.Table
		if err := m.get("train", &tr); err != nil {
			return nil, err
		}
		if err := m.get("test", &te); err != nil {
			return nil, err
		}
		sweep.Ns, sweep.Train, sweep.Test = append(sweep.Ns, p.Ns[i]), append(sweep.Train, tr), append(sweep.Test, te)
	}
	if len(sweep.Ns) > 0 {
		res.Sweep = sweep
	}
	for _, id := range gp.twonet {
		t, err := readTwoNet(out, id)
		if err != nil {
			return nil, err
		}
		if t != nil {
			res.TwoNets = append(res.TwoNets, t)
		}
	}
	for _, j := range []struct {
		dst   **JacResult
		id    string
		label string
	}{
		{&res.JacLarge, gp.jacLarge, fmt.Sprintf("%s, N=%d", p.Data, p.largestN())},
		{&res.JacSmall, gp.jacSmall, fmt.Sprintf("%s, N=%d", p.Data, p.Ns[0])},
		{&res.JacDisks, gp.jacDisks, fmt.Sprintf("disks, N=%d", p.SlopeN)},
		{&res.JacShuf, gp.jacShuf, fmt.Sprintf("shuffled %s, N=%d", p.Data, p.SlopeN)},
		{&res.JacPlain, gp.jacPlain, fmt.Sprintf("%s, N=%d", p.Data, p.SlopeN)},
	} {
		var err error
		if *j.dst, err = readJacobian(out, j.id, j.label); err != nil {
			return nil, err
		}
	}
	for i, id := range gp.slopes {
		m, err := readJob(out, id)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		var curve metrics.Table
		var fit slopeFit
		if err := m.get("curve", &curve); err != nil {
			return nil, err
		}
		for _, g := range []struct {
			name string
			dst  any
		}{{"slope", &fit.Slope}, {"slope_lo", &fit.Lo}, {"slope_hi", &fit.Hi}, {"fit_sigma_lo", &fit.FitLo}, {"fit_sigma_hi", &fit.FitHi}, {"fit_by_rule", &fit.ByRule}, {"fit_window", &fit.Window}} {
			if err := m.get(g.name, g.dst); err != nil {
				return nil, err
			}
		}
		res.Slopes = append(res.Slopes, slopeResult(gp.slopeExpts[i], curve, fit))
	}
	return res, nil
}

func readTwoNet(out, id string) (*TwoNet, error) {
	m, err := readJob(out, id)
	if err != nil || m == nil {
		return nil, err
	}
	t := &TwoNet{}
	if err := m.get("twonet", t); err != nil {
		return nil, err
	}
	var img twoNetImages
	if err := m.file(twoNetImagesFile, &img); err != nil {
		return nil, err
	}
	t.S1, t.S2, t.NN1, t.Trace1, t.Trace2 = img.S1, img.S2, img.NN1, img.Trace1, img.Trace2
	return t, nil
}

func readJacobian(out, id, label string) (*JacResult, error) {
	m, err := readJob(out, id)
	if err != nil || m == nil {
		return nil, err
	}
	j := &JacResult{Label: label}
	if err := m.get("d", &j.D); err != nil {
		return nil, err
	}
	if err := m.get("levels", &j.Levels); err != nil {
		return nil, err
	}
	var vecs [][]float32
	if err := m.file(jacVectorsFile, &vecs); err != nil {
		return nil, err
	}
	if len(vecs) != len(j.Levels) {
		return nil, fmt.Errorf("%s: %d eigenvector sets for %d levels", filepath.Join(m.dir, jacVectorsFile), len(vecs), len(j.Levels))
	}
	for i := range j.Levels {
		j.Levels[i].TopVectors = vecs[i]
	}
	return j, nil
}
