package study

import (
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// heatPlan is study C's plan and which of its jobs computes what, per
// dataset of the preset (in its order); classifier[k] is "" for a dataset
// without one, and train[k], classifier[k] and sample[k] are "" for a
// spectra-only dataset.
type heatPlan struct {
	*plan.Plan
	train, psd, classifier, sample []string
}

// PlanHeat is study C's plan for preset p: per dataset a heat-psd job (the
// data's spectra) and, unless the dataset is spectra only, a heat-train job
// (its tc-unet with the heat objective), a heat-classifier job when the
// dataset has labels to train it on, and a heat-sample job reading the
// network and the classifier. Its
// job IDs depend only on p, so planning again finds the jobs done.
func PlanHeat(p HeatPreset) (*plan.Plan, error) {
	hp, err := planHeat(p)
	if err != nil {
		return nil, err
	}
	return hp.Plan, nil
}

func planHeat(p HeatPreset) (*heatPlan, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	hp := &heatPlan{Plan: &plan.Plan{}}
	var err error
	add := func(kind string, config any, deps ...string) string {
		if err != nil {
			return ""
		}
		var id string
		id, err = hp.Add(kind, config, deps...)
		return id
	}
	for _, d := range p.Datasets {
		tc := d.trainConfig(p.Seed)
		data := dataOnly(tc)
		ps := add(kindHeatPSD, heatPSDConfig{Data: data, Sigmas: p.NoiseSigmas, K: d.K, SigmaMax: d.SigmaMax, Seed: p.Seed + 37})
		hp.psd = append(hp.psd, ps)
		if d.SpectraOnly {
			hp.train, hp.classifier, hp.sample = append(hp.train, ""), append(hp.classifier, ""), append(hp.sample, "")
			continue
		}
		tr := add(kindHeatTrain, tc)
		deps := []string{tr}
		clf := ""
		if d.ClassifierSteps > 0 {
			clf = add(kindHeatClassifier, heatClassifierConfig{Data: data, Classify: d.classifierConfig(p.Seed)})
			deps = append(deps, clf)
		}
		sc := heatSampleConfig{Data: data, Samples: p.Samples, Strips: p.Strips, StripLen: p.StripLen, Classifier: clf != "",
			Seed: p.Seed + 53, K: d.K, Base: d.Base}
		hp.train, hp.classifier = append(hp.train, tr), append(hp.classifier, clf)
		hp.sample = append(hp.sample, add(kindHeatSample, sc, deps...))
	}
	if err != nil {
		return nil, err
	}
	return hp, nil
}
