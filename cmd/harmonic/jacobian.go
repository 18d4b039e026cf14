package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/diffusion/report"
	"github.com/harmonic-go/harmonic/diffusion/spectral"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

var _ = register(command{
	name:    "jacobian",
	summary: "Jacobian of a denoiser at a noisy image: eigenvalues/vectors of (J+Jᵀ)/2, tr∇f, asymmetry, SURE",
	run:     runJacobian,
})

func runJacobian(args []string) error {
	fs := flag.NewFlagSet("jacobian", flag.ContinueOnError)
	ckpt := fs.String("ckpt", "", "checkpoint directory or model .safetensors (required)")
	image := fs.String("image", "", "clean image: .png/.jpg, or .npy [H,W] / [1,1,H,W] (first image of [B,1,H,W]) (required)")
	sigma := fs.Float64("sigma", 0.1, "std of the Gaussian noise added to the image (0: analyse the image as given)")
	seed := fs.Uint64("seed", 0, "noise and Lanczos seed")
	k := fs.Int("k", 20, "eigenpairs to report at each end of the spectrum")
	exact := fs.Bool("exact", false, "form the full d×d Jacobian (written as jacobian.npy) and diagonalize it densely")
	block := fs.Int("block", spectral.DefaultBlock, "tangent vectors per batched JVP")
	out := fs.String("out", "", "output directory (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ckpt == "" || *image == "" || *out == "" {
		return fmt.Errorf("--ckpt, --image and --out are required")
	}
	if *sigma < 0 {
		return fmt.Errorf("--sigma %v is negative", *sigma)
	}
	net, _, err := nn.LoadModel(*ckpt)
	if err != nil {
		return err
	}
	x, h, w, err := readOneImage(*image)
	if err != nil {
		return err
	}
	y := make([]float32, len(x))
	tensor.NewRNG(*seed).FillNormal(y, 0, float32(*sigma))
	for i := range y {
		y[i] += x[i]
	}
	a, err := spectral.Analyze(context.Background(), denoise.Blind(net), y, x, h, w, *sigma, spectral.Options{K: *k, Exact: *exact, Block: *block, Seed: *seed})
	if err != nil {
		return err
	}
	if err := writeJacobian(*out, a, x, y, h, w); err != nil {
		return err
	}
	fmt.Printf("σ = %g: tr∇f = %.2f", *sigma, a.Trace)
	if !a.Exact {
		fmt.Printf(" ± %.2f", a.TraceErr)
	}
	fmt.Printf(", asymmetry ‖J−Jᵀ‖/‖J‖ = %.4f, λ1 = %.4f, λ%d = %.4f\n", a.Asymmetry, a.Top.Values[0], len(a.Top.Values), a.Top.Values[len(a.Top.Values)-1])
	fmt.Printf("MSE: SURE %.3g, true %.3g, input %.3g; PSNR in %.2f dB, out %.2f dB\n", a.SURE, a.MSE, a.InputMSE, psnr(a.InputMSE), psnr(a.MSE))
	fmt.Printf("wrote %s\n", *out)
	return nil
}

func psnr(mse float64) float64 { return 10 * math.Log10(1/mse) }

// readOneImage reads a PNG/JPEG or the first image of a .npy file.
func readOneImage(path string) ([]float32, int, int, error) {
	var t *tensor.Tensor
	var err error
	if strings.HasSuffix(strings.ToLower(path), ".npy") {
		t, err = codec.LoadNpy(path)
	} else {
		t, err = codec.ReadImage(path)
	}
	if err != nil {
		return nil, 0, 0, err
	}
	s := t.Shape()
	switch {
	case len(s) == 2:
		return t.Contiguous().Data(), s[0], s[1], nil
	case len(s) == 3 && s[0] >= 1:
		d := s[1] * s[2]
		return t.Contiguous().Data()[:d], s[1], s[2], nil
	case len(s) == 4 && s[1] == 1 && s[0] >= 1:
		d := s[2] * s[3]
		return t.Contiguous().Data()[:d], s[2], s[3], nil
	}
	return nil, 0, 0, fmt.Errorf("%s: array of shape %v is not an image ([H,W], [B,H,W] or [B,1,H,W])", path, s)
}

func writeJacobian(dir string, a *spectral.Analysis, x, y []float32, h, w int) error {
	img := func(v []float32) *tensor.Tensor {
		t, _ := tensor.FromSlice(append([]float32(nil), v...), 1, 1, h, w)
		return t
	}
	d := h * w
	nk := len(a.Top.Values)
	vecs := make([]float32, nk*d)
	for k := 0; k < nk; k++ {
		copy(vecs[k*d:], a.Top.Vector(k))
	}
	vt, _ := tensor.FromSlice(vecs, nk, 1, h, w)
	trio, _ := tensor.FromSlice(append(append(append([]float32(nil), x...), y...), a.Denoised...), 3, 1, h, w)
	vals := &report.Table{Header: []string{"rank", "eigenvalue", "end"}}
	for k, v := range a.Top.Values {
		vals.Add(k+1, v, "top")
	}
	if a.Bottom != nil {
		for k, v := range a.Bottom.Values {
			vals.Add(d-k, v, "bottom")
		}
	}
	summary := map[string]any{
		"sigma": a.Sigma, "pixels": d, "trace": a.Trace, "trace_stderr": a.TraceErr, "asymmetry": a.Asymmetry,
		"exact": a.Exact, "sure_mse": a.SURE, "true_mse": a.MSE, "input_mse": a.InputMSE,
		"top_eigenvalues": a.Top.Values, "lanczos_residuals": a.Residuals, "lanczos_operator_calls": a.LanczosOps,
	}
	steps := []func() error{
		func() error { return report.SaveNpy(filepath.Join(dir, "noisy.npy"), img(y)) },
		func() error { return report.ImageGrid(filepath.Join(dir, "noisy.png"), img(y), 1, 0, 1, false) },
		func() error {
			return report.ImageGrid(filepath.Join(dir, "clean_noisy_denoised.png"), trio, 3, 0, 1, false)
		},
		func() error { return report.SaveNpy(filepath.Join(dir, "denoised.npy"), img(a.Denoised)) },
		func() error { return report.SaveNpy64(filepath.Join(dir, "eigenvalues.npy"), a.Top.Values, nk) },
		func() error { return vals.WriteCSV(filepath.Join(dir, "eigenvalues.csv")) },
		func() error { return report.SaveNpy(filepath.Join(dir, "eigenvectors.npy"), vt) },
		func() error {
			return report.ImageGrid(filepath.Join(dir, "eigenvectors.png"), vt, min(nk, 10), 0, 0, true)
		},
		func() error { return report.WriteJSON(filepath.Join(dir, "summary.json"), summary) },
	}
	if a.Exact {
		steps = append(steps,
			func() error { return report.SaveNpy64(filepath.Join(dir, "jacobian.npy"), a.Jacobian, d, d) },
			func() error { return report.SaveNpy64(filepath.Join(dir, "eigenvalues_all.npy"), a.All, d) })
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}
