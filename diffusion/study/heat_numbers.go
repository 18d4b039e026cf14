package study

import (
	"fmt"
	"time"

	"github.com/harmonic-go/harmonic/diffusion/report"
)

// HeatResults is everything study C's report shows, read back from the
// jobs' metrics.json (collectHeat): a part whose job is not done is nil
// and its claims are not measured.
type HeatResults struct {
	Preset       HeatPreset
	Datasets     []*HeatDataResult
	Wall         time.Duration
	TrainSeconds float64
	Jobs         int
}

// HeatDataResult is one dataset's part.
type HeatDataResult struct {
	Data         HeatData
	FinalLoss    *float64
	TestAccuracy *float64 // the classifier's, nil without one
	PSD          *heatPSDResult
	// Sample holds the heat-sample job's scalar metrics by name.
	Sample    map[string]float64
	SampleDir string
	// SamplePSD holds the radially averaged PSDs of the test images and
	// of each prior mode's samples ("test_psd_power", "prior_on_psd_power",
	// ...) at the frequencies SamplePSDFreq; empty for jobs run before
	// they were recorded.
	SamplePSD     map[string][]float64
	SamplePSDFreq []float64
}

// heatPSDResult is a heat-psd job's metrics.
type heatPSDResult struct {
	Slope      float64     `json:"psd_slope"`
	FitLo      float64     `json:"fit_lo"`
	FitHi      float64     `json:"fit_hi"`
	Images     int         `json:"images"`
	Sigmas     []float64   `json:"sigmas"`
	Crossover  []*float64  `json:"crossover"`
	Freq       []float64   `json:"freq"`
	Power      []float64   `json:"power"`
	NoisyPower [][]float64 `json:"noisy_power"`
	BlurTimes  []float64   `json:"blur_times"`
	BlurPower  [][]float64 `json:"blur_power"`
}

// heatSampleScalars are the heat-sample metrics the numbers carry.
var heatSampleScalars = []string{
	"test_novelty_median", "test_psd_slope", "test_confidence", "interp_step_ratio",
	"prior_on_novelty_median", "prior_on_psd_slope", "prior_on_confidence", "prior_on_frechet", "prior_on_precision", "prior_on_recall",
	"prior_off_novelty_median", "prior_off_psd_slope", "prior_off_confidence", "prior_off_frechet", "prior_off_precision", "prior_off_recall",
}

// The numbers' names: per dataset k, name + "_d" + k, and the crossovers
// crossover_d<k>_s<σ> (found) or crossover_above_d<k>_s<σ> = 1 (the
// data's PSD stays above σ² at every frequency).
const (
	numHeatDatasets = "datasets"
	numPhotos       = "photos"
	numPSDSlope     = "psd_slope"
	numCrossover    = "crossover_d%d_s"
	numAbove        = "crossover_above_d%d_s"
)

// dk is a per-dataset number's name.
func dk(name string, k int) string { return fmt.Sprintf("%s_d%d", name, k) }

// collectHeat reads the results of hp's jobs under out.
func collectHeat(p HeatPreset, out string, hp *heatPlan) (*HeatResults, error) {
	res := &HeatResults{Preset: p}
	for k, d := range p.Datasets {
		dr := &HeatDataResult{Data: d}
		res.Datasets = append(res.Datasets, dr)
		if m, err := readJob(out, hp.train[k]); err != nil {
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
		if hp.classifier[k] != "" {
			if m, err := readJob(out, hp.classifier[k]); err != nil {
				return nil, err
			} else if m != nil {
				var acc float64
				if err := m.get("test_accuracy", &acc); err != nil {
					return nil, err
				}
				dr.TestAccuracy = &acc
			}
		}
		if m, err := readJob(out, hp.psd[k]); err != nil {
			return nil, err
		} else if m != nil {
			r := &heatPSDResult{}
			for name, dst := range map[string]any{"psd_slope": &r.Slope, "fit_lo": &r.FitLo, "fit_hi": &r.FitHi, "images": &r.Images,
				"sigmas": &r.Sigmas, "crossover": &r.Crossover, "freq": &r.Freq, "power": &r.Power, "noisy_power": &r.NoisyPower,
				"blur_times": &r.BlurTimes, "blur_power": &r.BlurPower} {
				if err := m.get(name, dst); err != nil {
					return nil, err
				}
			}
			dr.PSD = r
		}
		if m, err := readJob(out, hp.sample[k]); err != nil {
			return nil, err
		} else if m != nil {
			dr.Sample, dr.SampleDir = map[string]float64{}, m.dir
			for _, name := range heatSampleScalars {
				if _, ok := m.vals[name]; !ok {
					continue // the classifier's numbers without a classifier
				}
				var v float64
				if err := m.get(name, &v); err != nil {
					return nil, err
				}
				dr.Sample[name] = v
			}
			if _, ok := m.vals["psd_freq"]; ok {
				dr.SamplePSD = map[string][]float64{}
				if err := m.get("psd_freq", &dr.SamplePSDFreq); err != nil {
					return nil, err
				}
				for _, name := range heatSamplePSDs() {
					var v []float64
					if err := m.get(name, &v); err != nil {
						return nil, err
					}
					dr.SamplePSD[name] = v
				}
			}
		}
	}
	return res, nil
}

// heatSamplePSDs names the spectra a heat-sample job records: the test
// images' and each prior mode's samples'.
func heatSamplePSDs() []string {
	names := []string{"test_psd_power"}
	for _, m := range priorModes {
		names = append(names, m.name+"_psd_power")
	}
	return names
}

// heatNumbers names every number study C's claims read.
func heatNumbers(res *HeatResults) report.Numbers {
	n := report.Numbers{numHeatDatasets: float64(len(res.Datasets))}
	for k, d := range res.Datasets {
		if d.Data.isPhotos() {
			n.Set(dk(numPhotos, k), 1)
		}
		if d.TestAccuracy != nil {
			n.Set(dk("test_accuracy", k), *d.TestAccuracy)
		}
		if d.FinalLoss != nil {
			n.Set(dk("final_loss", k), *d.FinalLoss)
		}
		if p := d.PSD; p != nil {
			n.Set(dk(numPSDSlope, k), p.Slope)
			for i, s := range p.Sigmas {
				if i < len(p.Crossover) && p.Crossover[i] != nil {
					n.Set(fmt.Sprintf(numCrossover, k)+fmt.Sprint(s), *p.Crossover[i])
				} else {
					n.Set(fmt.Sprintf(numAbove, k)+fmt.Sprint(s), 1)
				}
			}
		}
		for name, v := range d.Sample {
			n.Set(dk(name, k), v)
		}
	}
	return n
}
