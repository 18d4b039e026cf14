package study

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/spectral"
	"github.com/harmonic-go/harmonic/diffusion/study/plan"
	"github.com/harmonic-go/harmonic/tensor"
)

// JacLevel is the Jacobian picture of one model at one σ (claim A.3).
type JacLevel struct {
	Sigma float64
	// At the first test image: all eigenvalues of (J+Jᵀ)/2 (descending),
	// the top eigenvectors, and the clean image's coefficients ⟨x, e_k⟩.
	Eigenvalues []float64
	TopVectors  []float32 `json:"-"` // nTopVectors images, in the job's file vectors.json
	Coeffs      []float64
	// Averages over JacImages test images (exact Jacobians).
	Trace, Asym, SURE, MSE, InputMSE float64
	// Spread of (SURE − MSE) per image, for an honest comparison.
	SUREMinusMSEStd float64
}

// JacResult is the analysis of one model at every σ.
type JacResult struct {
	Label  string
	D      int
	Levels []JacLevel
}

const nTopVectors = 8

// exactLimit keeps the exact path for images up to 64×64.
const exactLimit = spectral.MaxExact

// exactAll: up to this many pixels every analysed image gets its exact
// Jacobian (32×32: 1024 JVPs per image).
const exactAll = 1024

// kindJacobian is the Jacobian analysis of one model (its one dependency,
// a gahb-train job) at JacSigmas on the first JacImages test images. Its
// metric "levels" is the []JacLevel without the eigenvectors, which go to
// its file vectors.json (one []float32 per level).
const kindJacobian = "gahb-jacobian"

type jacobianConfig struct {
	Model  ModelSpec `json:"model"`
	Sigmas []float64 `json:"sigmas"`
	Images int       `json:"images"`
	Seed   uint64    `json:"seed"`
}

const jacVectorsFile = "vectors.json"

func init() { plan.Register(kindJacobian, "1", runJacobian) }

func runJacobian(ctx context.Context, env *plan.Env) error {
	var c jacobianConfig
	if err := env.Config(&c); err != nil {
		return err
	}
	net, err := depNet(env, 0)
	if err != nil {
		return err
	}
	ds, err := openData(c.Model.Train)
	if err != nil {
		return err
	}
	env.Logf("Jacobian analysis of %s", c.Model.Label())
	res, err := analyzeModel(ctx, denoise.Blind(net), ds.Test, "", c.Sigmas, c.Images, c.Seed)
	if err != nil {
		return err
	}
	vecs := make([][]float32, len(res.Levels))
	for i, l := range res.Levels {
		vecs[i] = l.TopVectors
	}
	if err := env.WriteFile(jacVectorsFile, func(w io.Writer) error { return json.NewEncoder(w).Encode(vecs) }); err != nil {
		return err
	}
	env.SetMetric("d", res.D)
	env.SetMetric("levels", res.Levels)
	return nil
}

func analyzeModel(ctx context.Context, den denoise.Denoiser, test *data.Set, label string, sigmas []float64, images int, seed uint64) (*JacResult, error) {
	d := test.D()
	res := &JacResult{Label: label, D: d}
	images = min(images, test.N)
	for _, sigma := range sigmas {
		lv := JacLevel{Sigma: sigma}
		var diffs []float64
		for i := 0; i < images; i++ {
			x := test.Image(i)
			y := make([]float32, d)
			tensor.NewRNG(seed+uint64(i)*131+7).FillNormal(y, 0, float32(sigma))
			for j := range y {
				y[j] += x[j]
			}
			// Exact Jacobians for small images; for large ones only the
			// first image's (the spectrum shown), and Hutchinson traces for
			// the SURE averages (d JVPs per image would dominate the run).
			exact := d <= exactAll || (i == 0 && d <= exactLimit)
			k := nTopVectors
			if !exact && i == 0 {
				k = 64
			}
			a, err := spectral.Analyze(ctx, den, y, x, test.H, test.W, sigma, spectral.Options{K: k, Exact: exact, Seed: seed})
			if err != nil {
				return nil, err
			}
			if i == 0 {
				lv.Eigenvalues = a.All
				if !exact {
					lv.Eigenvalues = a.Top.Values
				}
				for k := 0; k < nTopVectors && k < len(a.Top.Values); k++ {
					lv.TopVectors = append(lv.TopVectors, a.Top.Vector(k)...)
				}
				if exact {
					full := &spectral.Eigen{Values: a.All, Vectors: a.AllVectors, D: d}
					lv.Coeffs = full.Coefficients(x, d)
				} else {
					lv.Coeffs = a.Top.Coefficients(x, len(a.Top.Values))
				}
			}
			lv.Trace += a.Trace / float64(images)
			lv.Asym += a.Asymmetry / float64(images)
			lv.SURE += a.SURE / float64(images)
			lv.MSE += a.MSE / float64(images)
			lv.InputMSE += a.InputMSE / float64(images)
			diffs = append(diffs, a.SURE-a.MSE)
		}
		lv.SUREMinusMSEStd = stddev(diffs)
		res.Levels = append(res.Levels, lv)
	}
	return res, nil
}

func stddev(v []float64) float64 {
	if len(v) < 2 {
		return 0
	}
	var m, s float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(v)-1))
}

// WriteJacobian saves the eigenvalue decay, eigenvector grid, coefficient
// plot and summary table of one model's analysis; prefix names the files.
func WriteJacobian(out, prefix string, j *JacResult, size int) (*report.Table, error) {
	t := &report.Table{Header: []string{"sigma", "tr∇f", "asymmetry", "SURE MSE", "true MSE", "input MSE", "std(SURE−MSE)"}}
	decay := &report.Plot{Title: "eigenvalues of (J+Jᵀ)/2 at a test image: " + j.Label, XLabel: "k", YLabel: "λ_k", LogX: true, LogY: true, YMin: 1e-3, YMax: 1.5, LegendBottom: true}
	coef := &report.Plot{Title: "signal coefficients |⟨x, e_k⟩|: " + j.Label, XLabel: "k", YLabel: "|⟨x,e_k⟩|", LogX: true, LogY: true}
	d := size * size
	var vecs []float32
	for _, lv := range j.Levels {
		t.Add(lv.Sigma, lv.Trace, lv.Asym, lv.SURE, lv.MSE, lv.InputMSE, lv.SUREMinusMSEStd)
		name := fmt.Sprintf("σ=%g", lv.Sigma)
		ks := make([]float64, len(lv.Eigenvalues))
		for k := range ks {
			ks[k] = float64(k + 1)
		}
		decay.Series = append(decay.Series, report.Series{Name: name, X: ks, Y: lv.Eigenvalues})
		if lv.Coeffs != nil {
			ac := make([]float64, len(lv.Coeffs))
			for k, c := range lv.Coeffs {
				ac[k] = math.Abs(c)
			}
			coef.Series = append(coef.Series, report.Series{Name: name, X: ks[:len(ac)], Y: ac})
		}
		vecs = append(vecs, lv.TopVectors...)
	}
	sure := &report.Plot{Title: "SURE vs true MSE (per pixel): " + j.Label, XLabel: "σ", YLabel: "MSE", LogX: true, LogY: true, LegendBottom: true}
	var sig, sv, mv, iv []float64
	for _, lv := range j.Levels {
		sig, sv, mv, iv = append(sig, lv.Sigma), append(sv, lv.SURE), append(mv, lv.MSE), append(iv, lv.InputMSE)
	}
	sure.Series = []report.Series{{Name: "SURE", X: sig, Y: sv, Markers: true}, {Name: "true MSE", X: sig, Y: mv, Dashed: true, Markers: true}, {Name: "input MSE σ²", X: sig, Y: iv, Dashed: true}}
	if err := sure.Save(fmt.Sprintf("%s/figures/%s_sure.png", out, prefix)); err != nil {
		return nil, err
	}
	if err := decay.Save(fmt.Sprintf("%s/figures/%s_eigenvalues.png", out, prefix)); err != nil {
		return nil, err
	}
	if len(coef.Series) > 0 {
		if err := coef.Save(fmt.Sprintf("%s/figures/%s_coefficients.png", out, prefix)); err != nil {
			return nil, err
		}
	}
	if n := len(vecs) / d; n > 0 {
		vt, err := tensor.FromSlice(vecs, n, 1, size, size)
		if err != nil {
			return nil, err
		}
		if err := report.ImageGrid(fmt.Sprintf("%s/figures/%s_eigenvectors.png", out, prefix), vt, nTopVectors, 0, 0, true); err != nil {
			return nil, err
		}
	}
	return t, t.WriteCSV(fmt.Sprintf("%s/tables/%s_jacobian.csv", out, prefix))
}

// tailMass is Σ_{k>m} λ_k / Σ_k λ_k over positive eigenvalues: the share of
// the effective dimension outside the first m directions.
func tailMass(vals []float64, m int) float64 {
	var all, tail float64
	for k, v := range vals {
		if v > 0 {
			all += v
			if k >= m {
				tail += v
			}
		}
	}
	if all == 0 {
		return math.NaN()
	}
	return tail / all
}
