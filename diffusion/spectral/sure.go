package spectral

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

// SURE is Stein's unbiased estimate of the squared error ‖f(y) − x‖² of a
// denoiser at y = x + σz, computable without x:
// 2σ²·tr∇f(y) + ‖y − f(y)‖² − σ²d. Its expectation over z equals the
// expected squared error (docs/study.md, study A, claim 3); divide by d for
// a per-pixel MSE.
func SURE(sigma, trace float64, y, fy []float32) float64 {
	var r float64
	for i := range y {
		e := float64(y[i] - fy[i])
		r += e * e
	}
	return 2*sigma*sigma*trace + r - sigma*sigma*float64(len(y))
}

// SquaredError is ‖f(y) − x‖².
func SquaredError(fy, x []float32) float64 {
	var s float64
	for i := range x {
		e := float64(fy[i] - x[i])
		s += e * e
	}
	return s
}

// HutchinsonTrace estimates tr J as the mean of zᵀJz over probes Rademacher
// vectors z (unbiased; variance 2‖(J+Jᵀ)/2‖_F² − 2Σ J_ii² per probe), pushed
// through JVPs block at a time. It returns the estimate and its standard error.
func HutchinsonTrace(lin denoise.Linear, probes, block int, seed uint64) (trace, stderr float64, err error) {
	if probes < 1 {
		return 0, 0, fmt.Errorf("spectral: Hutchinson needs at least one probe, got %d", probes)
	}
	d := lin.Dim()
	block = min(max(block, 1), probes)
	rng := tensor.NewRNG(seed)
	src := make([]float32, block*d)
	dst := make([]float32, block*d)
	var s, ss float64
	for done := 0; done < probes; done += block {
		k := min(block, probes-done)
		for i := range src[:k*d] {
			src[i] = float32(int(rng.Uint64()>>63)*2 - 1)
		}
		if err := lin.JVP(dst[:k*d], src[:k*d], k); err != nil {
			return 0, 0, err
		}
		for c := 0; c < k; c++ {
			var q float64
			for i := c * d; i < (c+1)*d; i++ {
				q += float64(src[i]) * float64(dst[i])
			}
			s += q
			ss += q * q
		}
	}
	n := float64(probes)
	mean := s / n
	if probes > 1 {
		stderr = math.Sqrt(math.Max(ss/n-mean*mean, 0) / (n - 1))
	}
	return mean, stderr, nil
}

// AsymmetryEstimate estimates ‖J − Jᵀ‖_F / ‖J‖_F from Gaussian probes z:
// E‖(J − Jᵀ)z‖² = ‖J − Jᵀ‖_F² and E‖Jz‖² = ‖J‖_F², for images too large
// for the exact Jacobian.
func AsymmetryEstimate(lin denoise.Linear, probes, block int, seed uint64) (float64, error) {
	if probes < 1 {
		return 0, fmt.Errorf("spectral: asymmetry estimate needs at least one probe, got %d", probes)
	}
	d := lin.Dim()
	block = min(max(block, 1), probes)
	rng := tensor.NewRNG(seed)
	src := make([]float32, block*d)
	jv := make([]float32, block*d)
	jtv := make([]float32, block*d)
	var num, den float64
	for done := 0; done < probes; done += block {
		k := min(block, probes-done)
		rng.FillNormal(src[:k*d], 0, 1)
		if err := lin.JVP(jv[:k*d], src[:k*d], k); err != nil {
			return 0, err
		}
		if err := lin.VJP(jtv[:k*d], src[:k*d], k); err != nil {
			return 0, err
		}
		for i := 0; i < k*d; i++ {
			a, b := float64(jv[i]), float64(jtv[i])
			num += (a - b) * (a - b)
			den += a * a
		}
	}
	if den == 0 {
		return 0, nil
	}
	return math.Sqrt(num / den), nil
}
