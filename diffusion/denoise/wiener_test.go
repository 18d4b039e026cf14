package denoise_test

import (
	"context"
	"math"
	"sort"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/metrics"
	"github.com/harmonic-go/harmonic/diffusion/spectral"
	"github.com/harmonic-go/harmonic/tensor"
)

// The seam end to end with an analytic denoiser: the Wiener filter
// x̂ = Σ(Σ+σ²I)⁻¹y of a Gaussian prior N(0, Σ), written here from its
// definition (Gauss–Jordan inverse, no eigensolver), measured by spectral
// (its Jacobian is the filter, whose eigenvalues are λ_k/(λ_k+σ²)) and by
// metrics (its expected error is tr(σ²Σ(Σ+σ²I)⁻¹)).

const side = 4 // 4×4 images: d = 16

// wiener is the Wiener filter of covariance cov (d×d) on one-channel
// side×side images in [0,1] units.
type wiener struct {
	cov []float64
	d   int
}

// filter is W = Σ(Σ+σ²I)⁻¹ (d×d, row-major).
func (w *wiener) filter(sigma float64) []float64 {
	d := w.d
	m := append([]float64(nil), w.cov...)
	for i := range d {
		m[i*d+i] += sigma * sigma
	}
	inv := invert(m, d)
	out := make([]float64, d*d)
	for i := range d {
		for j := range d {
			var s float64
			for k := range d {
				s += w.cov[i*d+k] * inv[k*d+j]
			}
			out[i*d+j] = s
		}
	}
	return out
}

// invert is Gauss–Jordan elimination with partial pivoting.
func invert(a []float64, n int) []float64 {
	m := append([]float64(nil), a...)
	inv := make([]float64, n*n)
	for i := range n {
		inv[i*n+i] = 1
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r*n+c]) > math.Abs(m[p*n+c]) {
				p = r
			}
		}
		for k := range n {
			m[c*n+k], m[p*n+k] = m[p*n+k], m[c*n+k]
			inv[c*n+k], inv[p*n+k] = inv[p*n+k], inv[c*n+k]
		}
		piv := m[c*n+c]
		for k := range n {
			m[c*n+k] /= piv
			inv[c*n+k] /= piv
		}
		for r := range n {
			if r == c || m[r*n+c] == 0 {
				continue
			}
			f := m[r*n+c]
			for k := range n {
				m[r*n+k] -= f * m[c*n+k]
				inv[r*n+k] -= f * inv[c*n+k]
			}
		}
	}
	return inv
}

func apply(W []float64, d int, y []float32, out []float32) {
	for i := range d {
		var s float64
		for j := range d {
			s += W[i*d+j] * float64(y[j])
		}
		out[i] = float32(s)
	}
}

func (w *wiener) Range() denoise.Range { return denoise.Unit }

func (w *wiener) Denoise(ctx context.Context, y *tensor.Tensor, sigma []float64) (*tensor.Tensor, error) {
	if err := denoise.Check(y, sigma); err != nil {
		return nil, err
	}
	d := w.d
	out := tensor.New(y.Shape()...)
	yd := y.Contiguous().Data()
	for i, s := range sigma {
		apply(w.filter(s), d, yd[i*d:(i+1)*d], out.Data()[i*d:(i+1)*d])
	}
	return out, nil
}

func (w *wiener) Linearize(ctx context.Context, y *tensor.Tensor, sigma float64) (denoise.Linearization, error) {
	out, err := w.Denoise(ctx, y, []float64{sigma})
	if err != nil {
		return nil, err
	}
	return &filterLin{Matrix: spectral.Matrix{A: w.filter(sigma), N: w.d}, out: out}, nil
}

type filterLin struct {
	spectral.Matrix
	out *tensor.Tensor
}

func (f *filterLin) Output() *tensor.Tensor { return f.out }

// prior is a random covariance Σ = Qᵀ diag(λ) Q with known eigenpairs: Q a
// Hadamard matrix/4 with its rows permuted and signs flipped at random,
// λ_k chosen so that at σ = sigmaRef the filter's eigenvalues are
// s_k = m_k/64 for distinct random m_k. Q's entries ±1/4 and the s_k are
// dyadic, so the filter at sigmaRef has float32-exact entries (the
// Linear interface carries float32) and its eigenvalues are s_k exactly.
type prior struct {
	cov, lambda, q []float64 // q: row k the eigenvector of λ_k
	s              []float64 // filter eigenvalues at sigmaRef
}

const sigmaRef = 0.1

func newPrior(seed uint64) *prior {
	const d = side * side
	rng := tensor.NewRNG(seed)
	perm := rng.Perm(d)
	p := &prior{q: make([]float64, d*d), lambda: make([]float64, d), s: make([]float64, d), cov: make([]float64, d*d)}
	for k := range d {
		sign := 1.0
		if rng.Intn(2) == 1 {
			sign = -1
		}
		for j := range d {
			h := 1.0 // Sylvester Hadamard: (−1)^popcount(r & j)
			for v := perm[k] & j; v != 0; v &= v - 1 {
				h = -h
			}
			p.q[k*d+j] = sign * h / 4
		}
	}
	ms := rng.Perm(63)[:d]
	for k, m := range ms {
		p.s[k] = float64(m+1) / 64
		p.lambda[k] = p.s[k] * sigmaRef * sigmaRef / (1 - p.s[k])
	}
	for i := range d {
		for j := range d {
			var c float64
			for k := range d {
				c += p.q[k*d+i] * p.lambda[k] * p.q[k*d+j]
			}
			p.cov[i*d+j] = c
		}
	}
	return p
}

// Through spectral.Analyze (exact Jacobian, dense eigensolver) the filter's
// eigenvalues are s_k to 1e-10 relative, its trace Σs_k, its top
// eigenvector Q's row of the largest s_k; Lanczos finds the top values to
// float32 accuracy.
func TestWienerSpectrumThroughSpectral(t *testing.T) {
	const d = side * side
	p := newPrior(1)
	den := &wiener{cov: p.cov, d: d}
	y := make([]float32, d)
	tensor.NewRNG(2).FillUniform(y, 0, 1)
	a, err := spectral.Analyze(context.Background(), den, y, nil, side, side, sigmaRef, spectral.Options{K: d, Exact: true})
	if err != nil {
		t.Fatal(err)
	}
	want := append([]float64(nil), p.s...)
	sort.Sort(sort.Reverse(sort.Float64Slice(want)))
	var tr, worst float64
	for k, v := range want {
		e := math.Abs(a.All[k]-v) / v
		if e > 1e-10 {
			t.Fatalf("eigenvalue %d: %v, closed form %v (relative %.2g)", k, a.All[k], v, e)
		}
		tr += v
		worst = max(worst, e)
	}
	t.Logf("%d eigenvalues in [%v, %v], largest relative error %.2g", d, want[d-1], want[0], worst)
	if math.Abs(a.Trace-tr) > 1e-12*tr || a.Asymmetry > 1e-12 {
		t.Fatalf("trace %v (want %v), asymmetry %v (want 0)", a.Trace, tr, a.Asymmetry)
	}
	top := 0
	for k := range p.s {
		if p.s[k] > p.s[top] {
			top = k
		}
	}
	var dot float64
	for j := range d {
		dot += a.AllVectors[j] * p.q[top*d+j]
	}
	if math.Abs(math.Abs(dot)-1) > 1e-10 {
		t.Fatalf("top eigenvector: |⟨e_1, q⟩| = %v, want 1", math.Abs(dot))
	}
	it, err := spectral.Analyze(context.Background(), den, y, nil, side, side, sigmaRef, spectral.Options{K: 4, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if e := spectral.RelErr(it.Top.Values, want, 4); e > 1e-5 {
		t.Fatalf("Lanczos top 4 %v, closed form %v (relative %.2g)", it.Top.Values, want[:4], e)
	}
}

// gaussianSet draws n images x = Qᵀ diag(√λ) g, g ~ N(0, I): x ~ N(0, Σ).
func gaussianSet(p *prior, n int, seed uint64) *data.Set {
	const d = side * side
	rng := tensor.NewRNG(seed)
	set := &data.Set{Name: "gaussian", N: n, H: side, W: side, Pixels: make([]float32, n*d)}
	g := make([]float64, d)
	for i := range n {
		for k := range g {
			g[k] = math.Sqrt(p.lambda[k]) * rng.Normal()
		}
		for j := range d {
			var v float64
			for k := range d {
				v += p.q[k*d+j] * g[k]
			}
			set.Pixels[i*d+j] = float32(v)
		}
	}
	return set
}

// Through metrics the filter's mean squared error is the closed form
// E‖x̂−x‖²/d = σ²·Σ_k s_k(σ)/d within Monte-Carlo error: the error
// e = (W−I)x + σWz is Gaussian with covariance eigenvalues
// c_k = (1−s_k)²λ_k + σ²s_k², so Var‖e‖² = 2Σc_k² and the standard error
// of the mean over N images is √(2Σc_k²/N)/d.
func TestWienerMSEThroughMetrics(t *testing.T) {
	const d, n = side * side, 4000
	p := newPrior(4)
	den := &wiener{cov: p.cov, d: d}
	set := gaussianSet(p, n, 5)
	sigmas := []float64{sigmaRef, 0.3}
	rows, err := metrics.MSE(context.Background(), den, set, sigmas, 6)
	if err != nil {
		t.Fatal(err)
	}
	for k, sg := range sigmas {
		var mean, c2 float64
		for i, l := range p.lambda {
			s := l / (l + sg*sg)
			if sg == sigmaRef && math.Abs(s-p.s[i]) > 1e-14 {
				t.Fatalf("s_%d = %v, constructed %v", i, s, p.s[i])
			}
			mean += sg * sg * s
			c := (1-s)*(1-s)*l + sg*sg*s*s
			c2 += c * c
		}
		mean /= d
		se := math.Sqrt(2*c2/n) / d
		r := rows[k]
		if r.N != n || r.Sigma != sg {
			t.Fatalf("row %+v", r)
		}
		if math.Abs(r.MSE-mean) > 4*se {
			t.Errorf("σ = %v: MSE %.6g, closed form %.6g (standard error %.2g)", sg, r.MSE, mean, se)
		}
		if math.Abs(r.StdErr-se) > 0.1*se {
			t.Errorf("σ = %v: measured standard error %.3g, closed form %.3g", sg, r.StdErr, se)
		}
		t.Logf("σ = %v: MSE %.6g, closed form %.6g ± %.2g", sg, r.MSE, mean, se)
	}
}

// On a fixed noise draw (metrics' documented noise: z from NewRNG(seed)
// over all pixels in image order) Evaluate's PSNRs and MSE's error equal a
// float64 loop over the same images.
func TestWienerMetricsOnFixedNoise(t *testing.T) {
	const d, n, seed = side * side, 300, 8
	p := newPrior(7)
	den := &wiener{cov: p.cov, d: d}
	set := gaussianSet(p, n, 9)
	const sg = 0.2
	tab, err := metrics.Evaluate(context.Background(), den, "test", set, []float64{sg}, seed)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := metrics.MSE(context.Background(), den, set, []float64{sg}, seed)
	if err != nil {
		t.Fatal(err)
	}
	z := make([]float32, n*d)
	tensor.NewRNG(seed).FillNormal(z, 0, 1)
	W := den.filter(sg)
	var psnrIn, psnrOut, mse float64
	y := make([]float32, d)
	for i := range n {
		x := set.Pixels[i*d : (i+1)*d]
		for j := range d {
			y[j] = x[j] + float32(sg)*z[i*d+j]
		}
		var seIn, seOut float64
		for r := range d {
			var f float64
			for c := range d {
				f += W[r*d+c] * float64(y[c])
			}
			seOut += (f - float64(x[r])) * (f - float64(x[r]))
			seIn += (float64(y[r]) - float64(x[r])) * (float64(y[r]) - float64(x[r]))
		}
		psnrIn += -10 * math.Log10(seIn/d) / n
		psnrOut += -10 * math.Log10(seOut/d) / n
		mse += seOut / d / n
	}
	if math.Abs(tab[0].PSNRIn-psnrIn) > 1e-9 || math.Abs(tab[0].PSNROut-psnrOut) > 1e-4 {
		t.Fatalf("Evaluate: in %.8f out %.8f; float64 loop %.8f %.8f", tab[0].PSNRIn, tab[0].PSNROut, psnrIn, psnrOut)
	}
	if math.Abs(rows[0].MSE-mse) > 1e-5*mse {
		t.Fatalf("MSE %.8g, float64 loop %.8g", rows[0].MSE, mse)
	}
	if tab[0].PSNROut-tab[0].PSNRIn < 1 {
		t.Fatalf("the filter should denoise: %.2f dB in, %.2f dB out", tab[0].PSNRIn, tab[0].PSNROut)
	}
}
