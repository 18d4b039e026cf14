package study

import (
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// localityPlan is study B's plan and which of its jobs computes what, per
// dataset of the preset (in its order).
type localityPlan struct {
	*plan.Plan
	train, stats, fields, compare []string
	els                           []string    // per dataset: locality-els, "" without one
	fieldSteps                    [][]int     // per dataset: the steps of its fields job
	wfield                        [][]string  // per dataset, per WGammas: locality-wfield
	wGammas                       [][]float64 // per dataset: its WGammas
}

// PlanLocality is study B's plan for preset p: per dataset a
// locality-train job (its tc-unet) and a locality-stats job (its
// statistics), then locality-fields (claim B.1) and locality-compare
// (claim B.3) reading both; per W strength γ of the dataset another
// locality-train job on the W-manipulated images and a locality-wfield job
// reading both networks (claim B.2). Its job IDs depend only on p and on the
// analytic models this build has, so planning again finds the jobs done.
func PlanLocality(p LocalityPreset) (*plan.Plan, error) {
	lp, err := planLocality(p)
	if err != nil {
		return nil, err
	}
	return lp.Plan, nil
}

func planLocality(p LocalityPreset) (*localityPlan, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	lp := &localityPlan{Plan: &plan.Plan{}}
	var err error
	add := func(kind string, config any, deps ...string) string {
		if err != nil {
			return ""
		}
		var id string
		id, err = lp.Add(kind, config, deps...)
		return id
	}
	for _, d := range p.Datasets {
		tc := d.trainConfig(p.Seed)
		data := dataOnly(tc)
		tr := add(kindLocTrain, tc)
		st := add(kindLocStats, data)
		lp.train, lp.stats = append(lp.train, tr), append(lp.stats, st)
		fc := fieldsConfig{Data: data, Steps: p.FieldSteps, Pixels: fieldPixels(d.Size, d.Size, p.FieldPixels), Seed: p.Seed + 31}
		deps := []string{tr, st}
		if d.BlindBase > 0 {
			fc.Blind = true
			deps = append(deps, add(kindLocTrain, d.blindConfig(p.Seed)))
		}
		lp.fields = append(lp.fields, add(kindLocFields, fc, deps...))
		lp.fieldSteps = append(lp.fieldSteps, p.FieldSteps)
		lp.compare = append(lp.compare, add(kindLocCompare, compareConfig{Data: data, Tau: d.Tau, Models: builtModels(),
			Samples: p.Samples, Seed: p.Seed + 101}, tr, st))
		els := ""
		if d.ELSSamples > 0 {
			els = add(kindLocELS, elsConfig{Data: data, Samples: d.ELSSamples, CalibSamples: d.ELSCalibSamples, Patches: d.ELSPatches, Seed: p.Seed + 101}, tr)
		}
		lp.els = append(lp.els, els)
		var wf []string
		for _, g := range d.WGammas {
			wtc := tc
			wtc.WGamma = g
			wtr := add(kindLocTrain, wtc)
			wf = append(wf, add(kindLocWField, wFieldConfig{Data: dataOnly(wtc), Steps: wSteps(g), Pixels: p.FieldPixels, Seed: p.Seed + 43}, wtr, tr))
		}
		lp.wfield, lp.wGammas = append(lp.wfield, wf), append(lp.wGammas, d.WGammas)
	}
	if err != nil {
		return nil, err
	}
	return lp, nil
}
