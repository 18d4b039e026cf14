package study

import (
	"github.com/harmonic-go/harmonic/diffusion/analytic"
	"github.com/harmonic-go/harmonic/diffusion/sample"
	"github.com/harmonic-go/harmonic/tensor"
)

// analyticModel is one training-set model that study B compares with the
// trained network. Adding a model is one entry of localityModels: the
// comparison job runs every entry that has a build, and the numbers,
// tables and claims of an entry without one say "not measured" and why.
type analyticModel struct {
	Name string
	// Build makes the model from the training images x [N,C,H,W] in
	// [−1,1], their statistics and the dataset's locality threshold τ;
	// nil when this build of harmonic does not have the model.
	Build func(x *tensor.Tensor, st *analytic.Stats, tau float64) (sample.VPPredictor, error)
	// Missing says why a model without a Build is not measured.
	Missing string
}

// localityModels are the models of the r² table in the order of claim
// B.3 (analytic locality > Wiener > ELS > optimal), then the others.
var localityModels = []analyticModel{
	{Name: "locality", Build: func(x *tensor.Tensor, st *analytic.Stats, tau float64) (sample.VPPredictor, error) {
		return analytic.NewLocality(x, st, tau)
	}},
	{Name: "wiener", Build: func(_ *tensor.Tensor, st *analytic.Stats, _ float64) (sample.VPPredictor, error) {
		return analytic.NewWiener(st), nil
	}},
	// ELS is exact over every k×k patch of every training image:
	// N·(H−k+1)(W−k+1) exponentials per output pixel (7.2e9 for 8 MNIST
	// images at N = 2000; 4 images at N = 1000, k = 5 take 5.3 s of CPU),
	// so it runs in its own job (locality-els) on a few samples, with its
	// patch sizes calibrated against the network, not in locality-compare.
	{Name: "els", Missing: "ELS (Kamb & Ganguli) runs in its own job (locality-els) on a few samples; this preset has none for this dataset, or the job is not done"},
	{Name: "optimal", Build: func(x *tensor.Tensor, _ *analytic.Stats, _ float64) (sample.VPPredictor, error) {
		return analytic.NewOptimal(x)
	}},
	{Name: "scfdm", Build: func(x *tensor.Tensor, _ *analytic.Stats, _ float64) (sample.VPPredictor, error) {
		std := analytic.SCFDMStd // the released configs: 1.0 for MNIST, 0.1 otherwise
		if x.Dim(1) == 1 {
			std = analytic.SCFDMStdMNIST
		}
		return analytic.NewSCFDM(x, analytic.SCFDMNumNoise, std, 0)
	}},
	{Name: "nearest", Build: func(x *tensor.Tensor, _ *analytic.Stats, _ float64) (sample.VPPredictor, error) {
		return analytic.NewNearest(x)
	}},
}

// builtModels are the names of the models this build can run: the
// comparison job's model list (part of its config, so a build that gains
// a model plans a new comparison).
func builtModels() []string {
	var out []string
	for _, m := range localityModels {
		if m.Build != nil {
			out = append(out, m.Name)
		}
	}
	return out
}

// lookupModel is the entry of name (false if there is none).
func lookupModel(name string) (analyticModel, bool) {
	for _, m := range localityModels {
		if m.Name == name {
			return m, true
		}
	}
	return analyticModel{}, false
}
