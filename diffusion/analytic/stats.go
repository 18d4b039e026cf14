package analytic

import (
	"fmt"
	"math"
	"sync"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/linalg"
)

// Stats are the second-order statistics of a training set in [−1,1]: the
// mean and the unbiased covariance S = Σ (x−μ)(x−μ)ᵀ/(N−1) over d = C·H·W
// channel-major values, and S's eigendecomposition S = U diag(λ) Uᵀ.
type Stats struct {
	C, H, W int
	N       int       // number of training images
	Mean    []float64 // μ, d values
	// Values are S's eigenvalues in ascending order, negatives (rounding
	// of a PSD matrix) clipped to 0.
	Values []float64
	// Vectors is d×d row-major, row k the unit eigenvector of Values[k]
	// (an image of d values).
	Vectors []float64
}

// Dim is d = C·H·W.
func (s *Stats) Dim() int { return s.C * s.H * s.W }

// ComputeStats computes the statistics of images x [N,C,H,W] in [−1,1].
// The covariance and the eigendecomposition are float64 (linalg.Covariance:
// the centred products of blocks of images on the float64 GEMM, O(N·d²/2)
// flops, without a float64 copy of the images). float64 matters: a
// float32 product's absolute error on the entries of a low-variance pixel
// is a relative error of 1e-4 in its Wiener gain, enough to move the
// locality threshold (relative to the largest normalized entry) across
// entries. Errors: fewer than
// two images, NaN or Inf values, a shape that is not [N,C,H,W].
func ComputeStats(x *tensor.Tensor) (*Stats, error) {
	if x == nil || x.Rank() != 4 {
		var s []int
		if x != nil {
			s = x.Shape()
		}
		return nil, fmt.Errorf("analytic: training images of shape %v: want [N,C,H,W]", s)
	}
	n, c, h, w := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	if n < 2 {
		return nil, fmt.Errorf("analytic: statistics need at least 2 training images, got %d", n)
	}
	d := c * h * w
	data := x.Contiguous().Data()
	if err := checkFinite("training images", data); err != nil {
		return nil, err
	}
	mean, cov, err := linalg.Covariance(data, n, d)
	if err != nil {
		return nil, fmt.Errorf("analytic: %w", err)
	}
	values, vectors, err := linalg.EigSym(cov, d)
	if err != nil {
		return nil, fmt.Errorf("analytic: eigendecomposition of the %dx%d covariance: %w", d, d, err)
	}
	for k, v := range values {
		if v < 0 {
			values[k] = 0
		}
	}
	return &Stats{C: c, H: h, W: w, N: n, Mean: mean, Values: values, Vectors: vectors}, nil
}

// Shrink returns the Wiener gains λ_k/(λ_k+σ²) (0 where λ_k = 0, the limit
// σ → 0 of a direction with no variance).
func (s *Stats) Shrink(sigma2 float64) []float64 {
	g := make([]float64, len(s.Values))
	for k, l := range s.Values {
		if l > 0 {
			g[k] = l / (l + sigma2)
		}
	}
	return g
}

// Filter returns P = U diag(λ/(λ+σ²)) Uᵀ (d×d row-major, symmetric): the
// Wiener filter in σ-space, x̂ = μ + P(y − μ). In VP form with
// σ² = (1−ᾱ)/ᾱ it is ∂x̂0/∂x_t = P/√ᾱ.
func (s *Stats) Filter(sigma2 float64) []float64 {
	d := s.Dim()
	g := s.Shrink(sigma2)
	// Only directions with a non-zero gain contribute: at low noise all of
	// them, at high noise only the leading ones.
	var ks []int
	for k := len(g) - 1; k >= 0; k-- {
		if g[k] != 0 {
			ks = append(ks, k)
		}
	}
	p := make([]float64, d*d)
	parallel.For(d, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := p[r*d : (r+1)*d]
			for _, k := range ks {
				u := s.Vectors[k*d : (k+1)*d]
				a := g[k] * u[r]
				if a == 0 {
					continue
				}
				for q, v := range u {
					row[q] += a * v
				}
			}
		}
	})
	return p
}

// Sensitivity returns the sensitivity field of output pixel m of the VP
// Wiener filter at ᾱ: row m of P/√ᾱ (∂x̂0[m]/∂x_t), as d values laid out
// like an image [C,H,W].
func (s *Stats) Sensitivity(m int, alphabar float64) ([]float64, error) {
	if err := checkAlphabar(alphabar); err != nil {
		return nil, err
	}
	return s.SensitivitySigma(m, (1-alphabar)/alphabar, 1/math.Sqrt(alphabar))
}

// SensitivitySigma is row m of scale·P at noise variance sigma2 (scale 1:
// the σ-space field ∂x̂[m]/∂y), computed from the eigenvectors in O(d²).
func (s *Stats) SensitivitySigma(m int, sigma2, scale float64) ([]float64, error) {
	d := s.Dim()
	if m < 0 || m >= d {
		return nil, fmt.Errorf("analytic: pixel index %d outside [0, %d)", m, d)
	}
	g := s.Shrink(sigma2)
	out := make([]float64, d)
	for k, gk := range g {
		u := s.Vectors[k*d : (k+1)*d]
		a := scale * gk * u[m]
		if a == 0 {
			continue
		}
		for q, v := range u {
			out[q] += a * v
		}
	}
	return out, nil
}

// StatsCache keeps one Stats per dataset configuration (a key naming the
// data spec, its size, count and seed), so that every model and noise level
// of a study shares one eigendecomposition. Safe for concurrent use.
type StatsCache struct {
	mu sync.Mutex
	m  map[string]*statsEntry
}

type statsEntry struct {
	once sync.Once
	s    *Stats
	err  error
}

// Get returns the cached Stats of key, computing them with compute the
// first time (concurrent callers of one key wait for one computation).
func (c *StatsCache) Get(key string, compute func() (*Stats, error)) (*Stats, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*statsEntry{}
	}
	e := c.m[key]
	if e == nil {
		e = &statsEntry{}
		c.m[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.s, e.err = compute() })
	return e.s, e.err
}

func checkFinite(what string, v []float32) error {
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("analytic: %s: value %v at flat index %d is not finite", what, x, i)
		}
	}
	return nil
}

func checkAlphabar(a float64) error {
	if !(a > 0 && a <= 1) {
		return fmt.Errorf("analytic: alphabar %v outside (0, 1]", a)
	}
	return nil
}
