package spectral

import (
	"context"
	"fmt"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

// Options of Analyze.
type Options struct {
	K      int    // eigenpairs reported at the top (and bottom) of the spectrum
	Exact  bool   // form the full Jacobian (d ≤ MaxExact) and diagonalize it densely
	Block  int    // tangents per batched JVP/VJP (0: DefaultBlock)
	Probes int    // Hutchinson / asymmetry probes when not exact (0: 64)
	Steps  int    // Lanczos operator calls (0: automatic)
	Seed   uint64 // Lanczos start and probes
}

// MaxExact bounds the image size for the dense path (a 4096² float64
// Jacobian is 128 MiB and its eigendecomposition a few minutes).
const MaxExact = 4096

// Analysis is the Jacobian picture of a denoiser at one noisy image y.
type Analysis struct {
	D          int
	Sigma      float64
	Denoised   []float32 // f(y)
	Top        *Eigen    // K largest eigenpairs of (J+Jᵀ)/2, descending
	Bottom     *Eigen    // K smallest, ascending (nil unless requested)
	Residuals  []float64 // Lanczos residual estimates of Top (nil when exact)
	All        []float64 // every eigenvalue, descending (exact only)
	AllVectors []float64 // their eigenvectors, row k for All[k] (exact only)
	Jacobian   []float64 // d×d (exact only)
	Trace      float64   // tr∇f: the effective dimension
	TraceErr   float64   // Hutchinson standard error (0 when exact)
	Asymmetry  float64   // ‖J−Jᵀ‖_F/‖J‖_F (estimated unless exact)
	SURE       float64   // per-pixel SURE estimate of the MSE
	MSE        float64   // per-pixel true MSE ‖f(y)−x‖²/d (NaN without x)
	InputMSE   float64   // ‖y−x‖²/d
	Exact      bool
	LanczosOps int // operator calls Lanczos made
}

// Analyze linearizes the denoiser den at the noisy image y (x the clean
// image, or nil; both h×w, one channel, in [0,1] like the data, and sigma
// in the same units: a denoiser working in another range is adapted with
// denoise.In) and computes its spectrum, trace, asymmetry and SURE.
func Analyze(ctx context.Context, den denoise.Denoiser, y, x []float32, h, w int, sigma float64, opt Options) (*Analysis, error) {
	d := h * w
	if len(y) != d || (x != nil && len(x) != d) {
		return nil, fmt.Errorf("spectral: images of %d (noisy) and %d (clean) pixels for %dx%d", len(y), len(x), h, w)
	}
	if opt.K < 1 {
		opt.K = 20
	}
	opt.K = min(opt.K, d)
	if opt.Block < 1 {
		opt.Block = DefaultBlock
	}
	if opt.Probes < 1 {
		opt.Probes = 64
	}
	yt, err := tensor.FromSlice(append([]float32(nil), y...), 1, 1, h, w)
	if err != nil {
		return nil, err
	}
	unit, err := denoise.In(denoise.Unit, den)
	if err != nil {
		return nil, fmt.Errorf("spectral: %w", err)
	}
	lin, err := AtImage(ctx, unit, yt, sigma)
	if err != nil {
		return nil, err
	}
	a := &Analysis{D: d, Sigma: sigma, Denoised: append([]float32(nil), lin.Output().Contiguous().Data()...), Exact: opt.Exact}
	if opt.Exact {
		err = a.exact(lin, opt)
	} else {
		err = a.iterative(lin, opt)
	}
	if err != nil {
		return nil, err
	}
	a.SURE = SURE(sigma, a.Trace, y, a.Denoised) / float64(d)
	a.MSE, a.InputMSE = nan(), nan()
	if x != nil {
		a.MSE = SquaredError(a.Denoised, x) / float64(d)
		a.InputMSE = SquaredError(y, x) / float64(d)
	}
	return a, nil
}

func (a *Analysis) exact(lin denoise.Linear, opt Options) error {
	d := a.D
	if d > MaxExact {
		return fmt.Errorf("spectral: the exact Jacobian of a %d-pixel image is too large (at most %d pixels); use Lanczos", d, MaxExact)
	}
	J, err := Full(lin, opt.Block)
	if err != nil {
		return err
	}
	e, err := DenseEigen(J, d)
	if err != nil {
		return err
	}
	a.Jacobian, a.All, a.AllVectors = J, e.Values, e.Vectors
	a.Trace, a.Asymmetry = Trace(J, d), Asymmetry(J, d)
	a.Top = &Eigen{Values: e.Values[:opt.K], Vectors: e.Vectors[:opt.K*d], D: d}
	b := &Eigen{Values: make([]float64, opt.K), Vectors: make([]float64, opt.K*d), D: d}
	for k := 0; k < opt.K; k++ {
		s := d - 1 - k
		b.Values[k] = e.Values[s]
		copy(b.Vectors[k*d:(k+1)*d], e.Vectors[s*d:(s+1)*d])
	}
	a.Bottom = b
	return nil
}

func (a *Analysis) iterative(lin denoise.Linear, opt Options) error {
	lb := min(opt.Block, 8) // block Lanczos: a few vectors per call
	res, err := Lanczos(lin, LanczosOptions{Top: opt.K, Bottom: opt.K, Steps: opt.Steps, Block: lb, Seed: opt.Seed})
	if err != nil {
		return err
	}
	a.Top, a.Bottom, a.Residuals, a.LanczosOps = res.Top, res.Bottom, res.TopResid, res.Steps
	if a.Trace, a.TraceErr, err = HutchinsonTrace(lin, opt.Probes, opt.Block, opt.Seed+1); err != nil {
		return err
	}
	a.Asymmetry, err = AsymmetryEstimate(lin, opt.Probes, opt.Block, opt.Seed+2)
	return err
}

func nan() float64 {
	var z float64
	return z / z
}
