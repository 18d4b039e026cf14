package study

import (
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
)

// gahbPlan is study A's plan and which of its jobs computes what, so the
// report finds each result by the job that made it.
type gahbPlan struct {
	*plan.Plan
	train        map[string]string // ModelSpec.key() → its gahb-train job
	sweep        []string          // per Preset.Ns: the S1 model's gahb-sweep job
	twonet       []string          // per Preset.Ns: gahb-twonet
	jacLarge     string            // gahb-jacobian jobs (the same job when two are the same analysis)
	jacSmall     string
	jacDisks     string
	jacShuf      string
	jacPlain     string
	slopes       []string    // per slopeSpecs: gahb-slope
	slopeExpts   []slopeSpec // slopeSpecs
	modelSpecs   []ModelSpec // allSpecs
	trainJobsIDs []string    // per allSpecs
}

// PlanGAHB is study A's plan for preset p: one gahb-train job per model,
// then the jobs that read them (PSNR curves, two-network sampling,
// Jacobians, slopes). Its job IDs depend only on p, so planning again
// finds the jobs already done under the output directory.
func PlanGAHB(p Preset) (*plan.Plan, error) {
	gp, err := planGAHB(p)
	if err != nil {
		return nil, err
	}
	return gp.Plan, nil
}

func planGAHB(p Preset) (*gahbPlan, error) {
	gp := &gahbPlan{Plan: &plan.Plan{}, train: map[string]string{}}
	var err error
	add := func(kind string, config any, deps ...string) string {
		if err != nil {
			return ""
		}
		var id string
		id, err = gp.Add(kind, config, deps...)
		return id
	}
	gp.modelSpecs = p.allSpecs()
	for _, s := range gp.modelSpecs {
		id := add(kindTrain, s)
		gp.train[s.key()] = id
		gp.trainJobsIDs = append(gp.trainJobsIDs, id)
	}
	model := func(s ModelSpec) string { return gp.train[s.key()] }
	for _, n := range p.Ns {
		s1 := p.Spec(p.Data, false, "S1", n)
		gp.sweep = append(gp.sweep, add(kindSweep, sweepConfig{Model: s1, Sigmas: p.EvalSigmas, NEval: p.NEval, Seed: p.Seed}, model(s1)))
	}
	opt := p.Sampler
	opt.Seed = p.Seed + 101
	for _, n := range p.Ns {
		s1, s2 := p.Spec(p.Data, false, "S1", n), p.Spec(p.Data, false, "S2", n)
		gp.twonet = append(gp.twonet, add(kindTwoNet, twoNetConfig{S1: s1, S2: s2, Sampler: opt, Samples: p.Samples, Size: p.Size}, model(s1), model(s2)))
	}
	jac := func(s ModelSpec) string {
		return add(kindJacobian, jacobianConfig{Model: s, Sigmas: p.JacSigmas, Images: p.JacImages, Seed: p.Seed}, model(s))
	}
	gp.jacLarge = jac(p.Spec(p.Data, false, "S1", p.largestN()))
	gp.jacSmall = jac(p.Spec(p.Data, false, "S1", p.Ns[0]))
	sigmas := append(append([]float64{}, p.SlopeSigmas...), p.EvalSigmas...)
	gp.slopeExpts = p.slopeSpecs()
	for _, s := range gp.slopeExpts {
		gp.slopes = append(gp.slopes, add(kindSlope, slopeConfig{Model: s.spec, Sigmas: sigmas, FitPoints: len(p.SlopeSigmas), NEval: p.NEval, Seed: p.Seed}, model(s.spec)))
	}
	gp.jacDisks = jac(p.Spec("disks", false, "S1", p.SlopeN))
	gp.jacShuf = jac(p.Spec(p.Data, true, "S1", p.SlopeN))
	gp.jacPlain = jac(p.Spec(p.Data, false, "S1", p.SlopeN))
	if err != nil {
		return nil, err
	}
	return gp, nil
}
