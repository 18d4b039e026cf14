package analytic

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/harmonic-go/harmonic/tensor"
)

// PatchSchedule is an ELS patch size per noise level: Patch[i] at
// Alphabar[i]. A call at ᾱ uses the entry nearest in log ᾱ.
type PatchSchedule struct {
	Alphabar []float64
	Patch    []int
}

// PatchAt returns the schedule's size nearest ᾱ (in log ᾱ), lowered to the
// largest odd size ≤ side if it exceeds the image.
func (s *PatchSchedule) PatchAt(alphabar float64, side int) int {
	best, bd := 0, math.Inf(1)
	for i, a := range s.Alphabar {
		if d := math.Abs(math.Log(a) - math.Log(alphabar)); d < bd {
			best, bd = i, d
		}
	}
	k := s.Patch[best]
	if k > side {
		k = side - (1 - side%2)
	}
	return k
}

// Check rejects an empty or malformed schedule.
func (s *PatchSchedule) Check() error {
	if len(s.Alphabar) == 0 || len(s.Alphabar) != len(s.Patch) {
		return fmt.Errorf("analytic: patch schedule with %d noise levels and %d sizes", len(s.Alphabar), len(s.Patch))
	}
	for i, a := range s.Alphabar {
		if err := checkAlphabar(a); err != nil {
			return err
		}
		if k := s.Patch[i]; k < 1 || k%2 == 0 {
			return fmt.Errorf("analytic: patch schedule size %d at alphabar %g: want odd >= 1", k, a)
		}
	}
	return nil
}

// kgAlphabar is ᾱ of Kamb & Ganguli's "legacy" cosine schedule at
// t = i/20: cos²(t/1.008 · π/2).
func kgAlphabar(i int) float64 {
	c := math.Cos(float64(i) / 20 / 1.008 * math.Pi / 2)
	return c * c
}

// KambMNISTUNet is KG's calibrated schedule for MNIST against their UNet
// (files/scales_MNIST_UNet_zeros.pt; index i = 0 lowest noise … 19), read
// at t = i/20 as their ScheduledScoreMachine does. Their images are
// 32×32; PatchAt lowers sizes above the image side.
func KambMNISTUNet() *PatchSchedule {
	sizes := []int{3, 3, 3, 5, 5, 7, 7, 7, 9, 9, 9, 11, 13, 15, 17, 21, 23, 23, 25, 27}
	s := &PatchSchedule{Patch: sizes}
	for i := range sizes {
		// t = 0 has ᾱ = 1, which log ᾱ cannot place; the lowest-noise size
		// stands for every ᾱ above the next level anyway.
		s.Alphabar = append(s.Alphabar, math.Min(kgAlphabar(i), 1-1e-6))
	}
	return s
}

// CalibrationStep is one noise level of a calibration: inputs x_t
// [B,C,H,W] at ᾱ and the target model's x̂0 of them (e.g. the network's).
type CalibrationStep struct {
	Alphabar float64
	Xt       *tensor.Tensor
	Target   *tensor.Tensor
}

// Calibrate picks, per step, the candidate patch size whose ELS score best
// matches the target's by cosine similarity, as KG's scales_calibration.py
// does (eval_mode 'cos'): per sample the best size, then the median over
// samples (the lower middle for an even count). The score
// −(x_t − √ᾱ x̂0)/(1−ᾱ) is compared, not x̂0; its positive factor does not
// change a cosine. It returns the schedule and the cosines cos[step][k]
// averaged over samples.
func (e *ELS) Calibrate(ctx context.Context, steps []CalibrationStep, candidates []int) (*PatchSchedule, [][]float64, error) {
	if len(steps) == 0 || len(candidates) == 0 {
		return nil, nil, fmt.Errorf("analytic: calibration with %d steps and %d candidate sizes", len(steps), len(candidates))
	}
	for _, k := range candidates {
		if err := e.checkPatch(k); err != nil {
			return nil, nil, err
		}
	}
	s := &PatchSchedule{}
	cosAll := make([][]float64, len(steps))
	for si, st := range steps {
		if err := checkInput(st.Xt, e.c, e.h, e.w, st.Alphabar); err != nil {
			return nil, nil, err
		}
		if st.Target == nil || !slices.Equal(st.Target.Shape(), st.Xt.Shape()) {
			return nil, nil, fmt.Errorf("analytic: calibration step %d: target shape does not match x_t %v", si, st.Xt.Shape())
		}
		xt := st.Xt.Contiguous().Data()
		b := st.Xt.Dim(0)
		d := len(xt) / b
		ra := math.Sqrt(st.Alphabar)
		target := st.Target.Contiguous().Data()
		cos := make([][]float64, len(candidates)) // [k][sample]
		cosAll[si] = make([]float64, len(candidates))
		for ki, k := range candidates {
			x0, err := e.PredictPatch(ctx, st.Xt, st.Alphabar, k)
			if err != nil {
				return nil, nil, err
			}
			cos[ki] = make([]float64, b)
			for r := range b {
				var ab, aa, bb float64
				for j := r * d; j < (r+1)*d; j++ {
					u := float64(xt[j]) - ra*float64(x0.Data()[j])
					v := float64(xt[j]) - ra*float64(target[j])
					ab += u * v
					aa += u * u
					bb += v * v
				}
				c := ab / math.Sqrt(aa*bb)
				if aa == 0 || bb == 0 {
					c = 0
				}
				cos[ki][r] = c
				cosAll[si][ki] += c / float64(b)
			}
		}
		best := make([]int, b)
		for r := range b {
			bi := 0
			for ki := range candidates {
				if cos[ki][r] > cos[bi][r] {
					bi = ki
				}
			}
			best[r] = candidates[bi]
		}
		sort.Ints(best)
		s.Alphabar = append(s.Alphabar, st.Alphabar)
		s.Patch = append(s.Patch, best[(b-1)/2])
	}
	return s, cosAll, nil
}
