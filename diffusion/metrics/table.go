package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/tensor"
)

// Row is one line of the PSNR table. The JSON field names are a contract
// (`harmonic eval --json`).
type Row struct {
	Split   string  `json:"split"` // "train" or "test"
	Sigma   float64 `json:"sigma"`
	PSNRIn  float64 `json:"psnr_in"`  // mean over images of PSNR(x, x + σz)
	PSNROut float64 `json:"psnr_out"` // mean over images of PSNR(x, f(x + σz))
	N       int     `json:"n"`        // images averaged
}

// Table is the rows of an evaluation, in the order they were measured.
type Table []Row

// evalPixelsPerBatch bounds the pixels denoised at once (memory of the
// recorded forward pass), independent of the image size.
const evalPixelsPerBatch = 1 << 16

// Evaluate denoises every image of set at every σ and returns one row per σ,
// labelled split. The noise is z ~ N(0, I) drawn once per image from a
// generator seeded with seed (in image order) and scaled by each σ, so every
// σ, every denoiser and every run sees the same noise. The images are in
// [0,1]; a denoiser working in another range is adapted (denoise.In).
func Evaluate(ctx context.Context, den denoise.Denoiser, split string, set *data.Set, sigmas []float64, seed uint64) (Table, error) {
	t, _, err := EvaluatePerImage(ctx, den, split, set, sigmas, seed)
	return t, err
}

// PerImage is every image's PSNR at every σ of an evaluation: In[k][i] and
// Out[k][i] are image i's input and output PSNR at σ index k. The slope
// bootstrap resamples images from it.
type PerImage struct {
	Sigmas []float64   `json:"sigmas"`
	In     [][]float64 `json:"psnr_in"`
	Out    [][]float64 `json:"psnr_out"`
}

// EvaluatePerImage is Evaluate that also returns each image's PSNRs. The
// table is the same, bit for bit: its means add the same values in the same
// order.
func EvaluatePerImage(ctx context.Context, den denoise.Denoiser, split string, set *data.Set, sigmas []float64, seed uint64) (Table, *PerImage, error) {
	pi := &PerImage{Sigmas: append([]float64{}, sigmas...), In: make([][]float64, len(sigmas)), Out: make([][]float64, len(sigmas))}
	err := denoiseSet(ctx, den, split, set, sigmas, seed, func(k int, x, y, f []float32) {
		in, _ := PSNR(x, y)
		out, _ := PSNR(x, f)
		pi.In[k] = append(pi.In[k], in)
		pi.Out[k] = append(pi.Out[k], out)
	})
	if err != nil {
		return nil, nil, err
	}
	t := make(Table, len(sigmas))
	for k, s := range sigmas {
		var in, out float64
		for i := range pi.In[k] {
			in += pi.In[k][i]
			out += pi.Out[k][i]
		}
		t[k] = Row{Split: split, Sigma: s, PSNRIn: in / float64(set.N), PSNROut: out / float64(set.N), N: set.N}
	}
	return t, pi, nil
}

// denoiseSet adds the documented noise (see Evaluate) to every image of set
// at every σ, denoises in batches and calls visit with σ's index, the
// clean, noisy and denoised image, in the order batch, σ, image.
func denoiseSet(ctx context.Context, den denoise.Denoiser, split string, set *data.Set, sigmas []float64, seed uint64, visit func(k int, x, y, f []float32)) error {
	if set.N == 0 {
		return fmt.Errorf("eval: %s set %q is empty", split, set.Name)
	}
	for _, s := range sigmas {
		if !(s >= 0) || math.IsInf(s, 0) {
			return fmt.Errorf("eval: noise level σ = %v must be a finite number >= 0", s)
		}
	}
	unit, err := denoise.In(denoise.Unit, den)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	d := set.D()
	z := make([]float32, set.N*d)
	tensor.NewRNG(seed).FillNormal(z, 0, 1)
	batch := max(1, min(set.N, evalPixelsPerBatch/d))
	for lo := 0; lo < set.N; lo += batch {
		hi := min(set.N, lo+batch)
		x := set.Pixels[lo*d : hi*d]
		y := tensor.New(hi-lo, set.Channels(), set.H, set.W)
		for k, s := range sigmas {
			yd := y.Data()
			for j := range yd {
				yd[j] = x[j] + float32(s)*z[lo*d+j]
			}
			f, err := unit.Denoise(ctx, y, denoise.Same(s, hi-lo))
			if err != nil {
				return fmt.Errorf("eval: %s images %dx%d: %w", split, set.H, set.W, err)
			}
			fd := f.Contiguous().Data()
			for i := range hi - lo {
				visit(k, x[i*d:(i+1)*d], yd[i*d:(i+1)*d], fd[i*d:(i+1)*d])
			}
		}
	}
	return nil
}

// MSERow is the denoising error at one σ: the mean over images of the
// per-pixel squared error ‖f(y) − x‖²/d and its standard error.
type MSERow struct {
	Sigma  float64 `json:"sigma"`
	MSE    float64 `json:"mse"`
	StdErr float64 `json:"mse_stderr"` // standard deviation over images / √N
	N      int     `json:"n"`
}

// MSE measures the denoiser's mean squared error on set at every σ, on the
// same noise as Evaluate with the same seed.
func MSE(ctx context.Context, den denoise.Denoiser, set *data.Set, sigmas []float64, seed uint64) ([]MSERow, error) {
	sum := make([]float64, len(sigmas))
	sumSq := make([]float64, len(sigmas))
	err := denoiseSet(ctx, den, "mse", set, sigmas, seed, func(k int, x, _, f []float32) {
		var se float64
		for i, v := range x {
			e := float64(f[i]) - float64(v)
			se += e * e
		}
		m := se / float64(len(x))
		sum[k] += m
		sumSq[k] += m * m
	})
	if err != nil {
		return nil, err
	}
	rows := make([]MSERow, len(sigmas))
	n := float64(set.N)
	for k, s := range sigmas {
		mean := sum[k] / n
		r := MSERow{Sigma: s, MSE: mean, N: set.N}
		if set.N > 1 {
			r.StdErr = math.Sqrt(math.Max(sumSq[k]/n-mean*mean, 0) * n / (n - 1) / n)
		}
		rows[k] = r
	}
	return rows, nil
}

// WriteText prints the table with aligned columns and the gain in dB.
func (t Table) WriteText(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "%-6s %7s %9s %9s %8s %6s\n", "split", "sigma", "psnr_in", "psnr_out", "gain", "n"); err != nil {
		return err
	}
	for _, r := range t {
		if _, err := fmt.Fprintf(w, "%-6s %7.4g %9.2f %9.2f %+8.2f %6d\n", r.Split, r.Sigma, r.PSNRIn, r.PSNROut, r.PSNROut-r.PSNRIn, r.N); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes the table as a JSON list of rows.
func (t Table) WriteJSON(w io.Writer) error {
	for _, r := range t {
		if math.IsNaN(r.PSNROut) || math.IsNaN(r.PSNRIn) {
			return fmt.Errorf("eval: %s σ=%v: PSNR is NaN (the network outputs NaN)", r.Split, r.Sigma)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}
