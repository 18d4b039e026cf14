package study

import (
	"time"
)

// LocalityResults is everything study B's report shows, read back from
// the jobs' metrics.json and files (collectLocality): a part whose job is
// not done is nil and its claims are not measured.
type LocalityResults struct {
	Preset   LocalityPreset
	Datasets []*LocalityDataResult // per preset dataset, in its order
	// Wall is this invocation's wall time, TrainSeconds the recorded
	// training time of every network (whichever invocation trained it).
	Wall         time.Duration
	TrainSeconds float64
	Jobs         int
}

// LocalityDataResult is one dataset's part.
type LocalityDataResult struct {
	Data      LocalityData
	FinalLoss *float64     // the network's smoothed training loss at its last step
	Fields    *fieldResult // locality-fields, nil if not done
	Compare   *comparison  // locality-compare (with locality-els's "els" merged in), nil if neither is done
	ELS       *elsResult   // locality-els, nil if not done or not planned
	// The job directories holding the figures (fields.png, samples.png).
	FieldsDir, CompareDir string
	// WFields are the locality-wfield jobs done, one per W strength γ.
	WFields []*wFieldResult
}

// wFieldResult is a locality-wfield job's metrics and directory.
type wFieldResult struct {
	Gamma      float64      `json:"gamma"`
	WStd       float64      `json:"w_std"`
	Steps      []int        `json:"steps"`
	Sigmas     []float64    `json:"sigmas"`
	Pixels     []int        `json:"pixels"`
	ShareW     [][]*float64 `json:"share_w"`
	SharePlain [][]*float64 `json:"share_plain"`
	Ratio      [][]*float64 `json:"ratio"`
	Dir        string       `json:"-"`
}

// fieldResult is a locality-fields job's metrics.
type fieldResult struct {
	Steps  []int        `json:"steps"`
	Sigmas []float64    `json:"sigmas"`
	Pixels []int        `json:"pixels"`
	Cosine [][]*float64 `json:"cosine"` // per step, per pixel; null: not measured
	// CosineBlind is the bias-free UNet's (nil when the job had none).
	CosineBlind [][]*float64 `json:"cosine_blind"`
}

// collectLocality reads the results of lp's jobs under out.
func collectLocality(p LocalityPreset, out string, lp *localityPlan) (*LocalityResults, error) {
	res := &LocalityResults{Preset: p}
	for k, d := range p.Datasets {
		dr := &LocalityDataResult{Data: d}
		res.Datasets = append(res.Datasets, dr)
		if m, err := readJob(out, lp.train[k]); err != nil {
			return nil, err
		} else if m != nil {
			var loss, sec float64
			if err := m.get("final_loss", &loss); err != nil {
				return nil, err
			}
			if err := m.get("train_seconds", &sec); err != nil {
				return nil, err
			}
			dr.FinalLoss = &loss
			res.TrainSeconds += sec
		}
		if m, err := readJob(out, lp.fields[k]); err != nil {
			return nil, err
		} else if m != nil {
			f := &fieldResult{}
			for name, dst := range map[string]any{"steps": &f.Steps, "sigmas": &f.Sigmas, "pixels": &f.Pixels, "cosine": &f.Cosine} {
				if err := m.get(name, dst); err != nil {
					return nil, err
				}
			}
			if _, ok := m.vals["cosine_blind"]; ok {
				if err := m.get("cosine_blind", &f.CosineBlind); err != nil {
					return nil, err
				}
			}
			dr.Fields, dr.FieldsDir = f, m.dir
		}
		if m, err := readJob(out, lp.compare[k]); err != nil {
			return nil, err
		} else if m != nil {
			c := &comparison{}
			if err := m.get("compare", c); err != nil {
				return nil, err
			}
			dr.Compare, dr.CompareDir = c, m.dir
		}
		if m, err := readJob(out, lp.els[k]); err != nil {
			return nil, err
		} else if m != nil {
			var c comparison
			e := &elsResult{Dir: m.dir}
			for name, dst := range map[string]any{"compare": &c, "samples": &e.Samples, "calib_samples": &e.CalibSamples,
				"schedule_alphabar": &e.Alphabar, "schedule_patch": &e.Patch} {
				if err := m.get(name, dst); err != nil {
					return nil, err
				}
			}
			dr.ELS = e
			if dr.Compare == nil {
				dr.Compare = &comparison{T: c.T, DDIM: map[string]curve{}, Single: map[string]curve{}}
			}
			dr.Compare.DDIM["els"], dr.Compare.Single["els"] = c.DDIM["els"], c.Single["els"]
		}
		for _, id := range lp.wfield[k] {
			m, err := readJob(out, id)
			if err != nil {
				return nil, err
			}
			if m == nil {
				continue
			}
			wf := &wFieldResult{Dir: m.dir}
			for name, dst := range map[string]any{"gamma": &wf.Gamma, "w_std": &wf.WStd, "steps": &wf.Steps, "sigmas": &wf.Sigmas, "pixels": &wf.Pixels,
				"share_w": &wf.ShareW, "share_plain": &wf.SharePlain, "ratio": &wf.Ratio} {
				if err := m.get(name, dst); err != nil {
					return nil, err
				}
			}
			dr.WFields = append(dr.WFields, wf)
		}
	}
	return res, nil
}
