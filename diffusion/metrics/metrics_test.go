package metrics

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/data"
	"github.com/harmonic-go/harmonic/diffusion/denoise"
	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
)

func TestPSNR(t *testing.T) {
	x := []float32{0, 0.5, 1, 0.25}
	y := []float32{0.1, 0.4, 1.1, 0.15} // every error 0.1: MSE 0.01
	p, err := PSNR(x, y)
	if err != nil || math.Abs(p-20) > 1e-5 {
		t.Errorf("PSNR = %v, %v; want 20 dB", p, err)
	}
	if p, _ := PSNR(x, x); p != maxPSNR {
		t.Errorf("PSNR of identical images = %v, want the cap %v", p, maxPSNR)
	}
	if _, err := PSNR(x, y[:3]); err == nil {
		t.Error("images of different sizes were accepted")
	}
}

// identityNet returns a BF-CNN with zero weights as a denoiser: it predicts
// zero noise, so the denoiser is the identity and output PSNR equals input
// PSNR.
func identityNet(t *testing.T) denoise.Denoiser {
	net, err := nn.NewBFCNN(3, 2, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Params() {
		clear(p.Value.Data())
	}
	return denoise.Blind(net)
}

func randomSet(n, side int, seed uint64) *data.Set {
	s := &data.Set{Name: "random", N: n, H: side, W: side, Pixels: make([]float32, n*side*side)}
	tensor.NewRNG(seed).FillUniform(s.Pixels, 0, 1)
	return s
}

func TestEvaluateIdentity(t *testing.T) {
	set := randomSet(300, 20, 2) // 300·400 pixels: several evaluation batches
	sigmas := []float64{0, 0.05, 0.1, 0.2}
	tab, err := Evaluate(context.Background(), identityNet(t), "test", set, sigmas, 7)
	if err != nil {
		t.Fatal(err)
	}
	for k, r := range tab {
		if r.Split != "test" || r.Sigma != sigmas[k] || r.N != 300 {
			t.Errorf("row %d: %+v", k, r)
		}
		if r.PSNROut != r.PSNRIn {
			t.Errorf("σ=%v: the identity gives psnr_out %v ≠ psnr_in %v", r.Sigma, r.PSNROut, r.PSNRIn)
		}
		// E over images of −10·log10(σ²·mean z²) ≈ −20·log10 σ (400 pixels: bias ~0.01 dB).
		want := -20 * math.Log10(r.Sigma)
		if r.Sigma == 0 {
			want = maxPSNR
		}
		if math.Abs(r.PSNRIn-want) > 0.1 {
			t.Errorf("σ=%v: psnr_in %.3f, want about %.3f", r.Sigma, r.PSNRIn, want)
		}
	}
	again, _ := Evaluate(context.Background(), identityNet(t), "test", set, sigmas[2:3], 7)
	if again[0] != tab[2] {
		t.Errorf("σ=0.1 alone gives %+v, within the grid %+v: the noise must not depend on the grid", again[0], tab[2])
	}
}

func TestEvaluateErrors(t *testing.T) {
	unet, _ := nn.NewBFUNet(2, 2, tensor.NewRNG(1))
	_, err := Evaluate(context.Background(), denoise.Blind(unet), "train", randomSet(2, 10, 1), []float64{0.1}, 1)
	if err == nil || !strings.Contains(err.Error(), "divisible by 4") {
		t.Errorf("10×10 images through a 2-level UNet: %v", err)
	}
	if _, err := Evaluate(context.Background(), identityNet(t), "train", randomSet(2, 8, 1), []float64{-1}, 1); err == nil {
		t.Error("negative σ accepted")
	}
}

func TestTableOutput(t *testing.T) {
	tab := Table{{Split: "train", Sigma: 0.1, PSNRIn: 20, PSNROut: 27.5, N: 3}}
	var b bytes.Buffer
	if err := tab.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"split": "train", "sigma": 0.1, "psnr_in": 20.0, "psnr_out": 27.5} {
		if rows[0][k] != v {
			t.Errorf("JSON field %s = %v, want %v (%s)", k, rows[0][k], v, b.String())
		}
	}
	b.Reset()
	if err := tab.WriteText(&b); err != nil || !strings.Contains(b.String(), "+7.50") {
		t.Errorf("text table %q, %v", b.String(), err)
	}
	tab[0].PSNROut = math.NaN()
	if err := tab.WriteJSON(&b); err == nil {
		t.Error("NaN PSNR written as JSON")
	}
}

// A network that changes its input, evaluated over several batches, against
// a direct computation: the whole set denoised at once with the documented
// noise (z from NewRNG(seed) over all pixels in image order).
func TestEvaluateMatchesDirectComputation(t *testing.T) {
	net, err := nn.NewBFCNN(3, 4, tensor.NewRNG(5))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Params() { // gammas of order 1: f is far from the identity
		if p.Value.Rank() == 1 {
			tensor.NewRNG(7).FillUniform(p.Value.Data(), 0.5, 1.5)
		}
	}
	set := randomSet(200, 20, 6) // 200·400 pixels: two evaluation batches
	const sigma, seed = 0.3, 9
	tab, err := Evaluate(context.Background(), denoise.Blind(net), "train", set, []float64{sigma}, seed)
	if err != nil {
		t.Fatal(err)
	}
	z := make([]float32, len(set.Pixels))
	tensor.NewRNG(seed).FillNormal(z, 0, 1)
	y := tensor.New(set.N, 1, 20, 20)
	for i, x := range set.Pixels {
		y.Data()[i] = x + sigma*z[i]
	}
	f, err := nn.Denoise(net, y)
	if err != nil {
		t.Fatal(err)
	}
	tab2, per, err := EvaluatePerImage(context.Background(), denoise.Blind(net), "train", set, []float64{sigma}, seed)
	if err != nil {
		t.Fatal(err)
	}
	if tab2[0] != tab[0] {
		t.Errorf("EvaluatePerImage table %+v differs from Evaluate's %+v", tab2[0], tab[0])
	}
	if len(per.In) != 1 || len(per.In[0]) != set.N || len(per.Out[0]) != set.N {
		t.Fatalf("per-image PSNRs of shape %d×%d, want 1×%d", len(per.In), len(per.In[0]), set.N)
	}
	var in, out float64
	for i := range set.N {
		var seIn, seOut float64
		for j := i * 400; j < (i+1)*400; j++ {
			seIn += math.Pow(float64(y.Data()[j])-float64(set.Pixels[j]), 2)
			seOut += math.Pow(float64(f.Data()[j])-float64(set.Pixels[j]), 2)
		}
		pi, po := -10*math.Log10(seIn/400), -10*math.Log10(seOut/400)
		if math.Abs(per.In[0][i]-pi) > 1e-9 || math.Abs(per.Out[0][i]-po) > 1e-3 {
			t.Errorf("image %d: per-image PSNR in %.6f out %.6f, direct %.6f %.6f", i, per.In[0][i], per.Out[0][i], pi, po)
		}
		in += pi
		out += po
	}
	in, out = in/200, out/200
	if math.Abs(tab[0].PSNRIn-in) > 1e-9 || math.Abs(tab[0].PSNROut-out) > 1e-4 || math.Abs(in-out) < 0.5 {
		t.Errorf("Evaluate gives in %.6f out %.6f, direct %.6f %.6f", tab[0].PSNRIn, tab[0].PSNROut, in, out)
	}
}

// MSE of the identity on the documented noise is the mean over images of
// ‖y − x‖²/d, with the standard error of those per-image values; a
// denoiser working in [−1,1] is adapted (2y−1, 2σ in; (x̂+1)/2 out), so a
// signed identity measures the same.
func TestMSEOfIdentity(t *testing.T) {
	set := randomSet(50, 6, 3)
	const sigma, seed = 0.2, 4
	z := make([]float32, len(set.Pixels))
	tensor.NewRNG(seed).FillNormal(z, 0, 1)
	var per []float64
	for i := range set.N {
		var se float64
		for j := i * 36; j < (i+1)*36; j++ {
			y := set.Pixels[j] + float32(sigma)*z[j]
			e := float64(y) - float64(set.Pixels[j])
			se += e * e
		}
		per = append(per, se/36)
	}
	var mean, ss float64
	for _, v := range per {
		mean += v / float64(len(per))
	}
	for _, v := range per {
		ss += (v - mean) * (v - mean)
	}
	se := math.Sqrt(ss / float64(len(per)-1) / float64(len(per)))
	signed := denoise.Func{R: denoise.Signed, F: func(_ context.Context, y *tensor.Tensor, _ []float64) (*tensor.Tensor, error) { return y.Clone(), nil }}
	for name, den := range map[string]denoise.Denoiser{"blind": identityNet(t), "signed": signed} {
		rows, err := MSE(context.Background(), den, set, []float64{sigma}, seed)
		if err != nil {
			t.Fatal(err)
		}
		if r := rows[0]; math.Abs(r.MSE-mean) > 1e-6*mean || math.Abs(r.StdErr-se) > 1e-3*se || r.N != 50 {
			t.Errorf("%s: MSE %v ± %v (n %d), direct %v ± %v", name, r.MSE, r.StdErr, r.N, mean, se)
		}
	}
	if _, err := MSE(context.Background(), identityNet(t), &data.Set{Name: "empty", H: 4, W: 4}, []float64{0.1}, 1); err == nil {
		t.Error("empty set accepted")
	}
}
