package spectral

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/tensor/linalg"
)

// SymPart is the operator (J+Jᵀ)/2 of a Linear, applied to a block as
// (JVP + VJP)/2; it satisfies linalg.SymOperator32.
type SymPart struct {
	Lin denoise.Linear
	tmp []float32
}

// Dim is the number of pixels.
func (s *SymPart) Dim() int { return s.Lin.Dim() }

// Apply computes dst = (J·src + Jᵀ·src)/2 for k vectors.
func (s *SymPart) Apply(dst, src []float32, k int) error {
	if cap(s.tmp) < len(src) {
		s.tmp = make([]float32, len(src))
	}
	t := s.tmp[:len(src)]
	var jerr, verr error
	// J·v and Jᵀ·v are independent passes over the same (read-only)
	// linearization: with more than one worker they run side by side.
	parallel.For(2, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if i == 0 {
				jerr = s.Lin.JVP(dst, src, k)
			} else {
				verr = s.Lin.VJP(t, src, k)
			}
		}
	})
	if jerr != nil {
		return jerr
	}
	if verr != nil {
		return verr
	}
	for i := range dst {
		dst[i] = 0.5 * (dst[i] + t[i])
	}
	return nil
}

// LanczosOptions choose how many pairs and how much work.
type LanczosOptions struct {
	Top, Bottom int // eigenpairs wanted at each end (Top ≥ 1 unless Bottom ≥ 1)
	Steps       int // operator calls (0: enough for a basis of max(100, 6·pairs) vectors)
	Block       int // vectors per call (0: 1)
	Seed        uint64
}

// LanczosResult holds the top pairs (descending), the bottom pairs
// (ascending from the smallest), residual estimates and the work done.
type LanczosResult struct {
	Top, Bottom           *Eigen
	TopResid, BottomResid []float64
	Steps, Basis          int
}

// Lanczos computes extreme eigenpairs of (J+Jᵀ)/2 with block Lanczos and
// full reorthogonalization (linalg.Lanczos), without forming J.
func Lanczos(lin denoise.Linear, opt LanczosOptions) (*LanczosResult, error) {
	d := lin.Dim()
	if opt.Top < 0 || opt.Bottom < 0 || opt.Top+opt.Bottom == 0 {
		return nil, fmt.Errorf("spectral: Lanczos needs some eigenpairs, got top %d, bottom %d", opt.Top, opt.Bottom)
	}
	block := max(opt.Block, 1)
	pairs := max(opt.Top, opt.Bottom)
	steps := opt.Steps
	if steps <= 0 {
		steps = (max(100, 6*pairs) + block - 1) / block
	}
	steps = min(steps, (d+block-1)/block)
	op := linalg.Float32Operator(&SymPart{Lin: lin})
	res := &LanczosResult{}
	run := func(which linalg.LanczosEnd, wanted int) (*Eigen, []float64, error) {
		r, err := linalg.Lanczos(op, linalg.LanczosOptions{Wanted: wanted, Which: which, MaxSteps: steps, BlockSize: block, Seed: opt.Seed})
		if err != nil {
			return nil, nil, fmt.Errorf("spectral: Lanczos on (J+Jᵀ)/2 (%d pixels): %w", d, err)
		}
		res.Steps += r.Steps
		res.Basis = max(res.Basis, r.Basis)
		return &Eigen{Values: r.Values, Vectors: r.Vectors, D: d}, r.Residuals, nil
	}
	var err error
	switch {
	case opt.Top > 0 && opt.Bottom > 0 && opt.Top == opt.Bottom:
		var both *Eigen
		var resid []float64
		if both, resid, err = run(linalg.LanczosBoth, opt.Top); err != nil {
			return nil, err
		}
		res.Top, res.TopResid, res.Bottom, res.BottomResid = split(both, resid, opt.Top)
		return res, nil
	case opt.Top > 0:
		if res.Top, res.TopResid, err = run(linalg.LanczosLargest, opt.Top); err != nil {
			return nil, err
		}
	}
	if opt.Bottom > 0 {
		var e *Eigen
		var r []float64
		if e, r, err = run(linalg.LanczosSmallest, opt.Bottom); err != nil {
			return nil, err
		}
		res.Bottom, res.BottomResid = reverse(e, r)
	}
	return res, nil
}

// split separates a LanczosBoth result (top descending, then bottom
// descending) into the top pairs and the bottom pairs smallest first.
func split(e *Eigen, resid []float64, n int) (*Eigen, []float64, *Eigen, []float64) {
	d := e.D
	if len(e.Values) < 2*n { // tiny space: every Ritz value once
		n = len(e.Values) / 2
	}
	top := &Eigen{Values: e.Values[:n], D: d}
	bot := &Eigen{Values: e.Values[n:], D: d}
	if e.Vectors != nil {
		top.Vectors, bot.Vectors = e.Vectors[:n*d], e.Vectors[n*d:]
	}
	b, br := reverse(bot, resid[n:])
	return top, resid[:n], b, br
}

// reverse orders pairs the other way round.
func reverse(e *Eigen, resid []float64) (*Eigen, []float64) {
	n, d := len(e.Values), e.D
	out := &Eigen{Values: make([]float64, n), D: d}
	r := make([]float64, n)
	if e.Vectors != nil {
		out.Vectors = make([]float64, n*d)
	}
	for k := 0; k < n; k++ {
		s := n - 1 - k
		out.Values[k], r[k] = e.Values[s], resid[s]
		if e.Vectors != nil {
			copy(out.Vectors[k*d:(k+1)*d], e.Vectors[s*d:(s+1)*d])
		}
	}
	return out, r
}

// RelErr is the largest |a_k − b_k| / |b_k| over the first n entries (b the
// reference), for reporting agreement of two spectra.
func RelErr(a, b []float64, n int) float64 {
	var m float64
	for k := 0; k < n && k < len(a) && k < len(b); k++ {
		m = math.Max(m, math.Abs(a[k]-b[k])/math.Max(math.Abs(b[k]), 1e-300))
	}
	return m
}
