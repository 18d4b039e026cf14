package metrics

import (
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/dsp"
)

// naivePSD is the definition as float64 loops: the DFT as a double sum
// for every frequency, |X|²/(HW) binned by round(S·√((u/H)² + (v/W)²)).
func naivePSD(x *tensor.Tensor) (power []float64, count []int) {
	b, c, h, w := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	s := float64(min(h, w))
	signed := func(k, n int) float64 {
		if 2*k >= n+1 {
			return float64(k - n)
		}
		return float64(k)
	}
	sums := map[int]float64{}
	counts := map[int]int{}
	nb := 0
	for pl := 0; pl < b*c; pl++ {
		img := x.Data()[pl*h*w : (pl+1)*h*w]
		var mean float64
		for _, v := range img {
			mean += float64(v)
		}
		mean /= float64(h * w)
		for u := 0; u < h; u++ {
			for v := 0; v < w; v++ {
				var z complex128
				for i := 0; i < h; i++ {
					for j := 0; j < w; j++ {
						ang := -2 * math.Pi * (float64(u*i)/float64(h) + float64(v*j)/float64(w))
						z += complex(float64(img[i*w+j])-mean, 0) * cmplx.Exp(complex(0, ang))
					}
				}
				fu, fv := signed(u, h)/float64(h), signed(v, w)/float64(w)
				k := int(math.Round(s * math.Sqrt(fu*fu+fv*fv)))
				sums[k] += real(z)*real(z) + imag(z)*imag(z)
				if pl == 0 {
					counts[k]++
				}
				nb = max(nb, k+1)
			}
		}
	}
	power, count = make([]float64, nb), make([]int, nb)
	for k := range power {
		count[k] = counts[k]
		if count[k] > 0 {
			power[k] = sums[k] / float64(h*w) / float64(b*c*count[k])
		}
	}
	return power, count
}

func uniformBatch(seed uint64, shape ...int) *tensor.Tensor {
	x := tensor.New(shape...)
	tensor.NewRNG(seed).FillUniform(x.Data(), 0, 1)
	return x
}

// RadialPSD (FFT) equals the double-sum DFT definition, on square and
// non-square images (odd and even sides).
func TestRadialPSDMatchesNaiveDFT(t *testing.T) {
	for _, s := range [][4]int{{2, 2, 6, 8}, {1, 3, 7, 5}, {3, 1, 8, 8}} {
		x := uniformBatch(1, s[:]...)
		p, err := RadialPSD(x)
		if err != nil {
			t.Fatal(err)
		}
		want, count := naivePSD(x)
		if len(p.Power) != len(want) {
			t.Fatalf("%v: %d bins, want %d", s, len(p.Power), len(want))
		}
		for k := range want {
			if p.Count[k] != count[k] || math.Abs(p.Power[k]-want[k]) > 1e-12*(1+want[k]) {
				t.Errorf("%v bin %d: power %v (count %d), naive %v (count %d)", s, k, p.Power[k], p.Count[k], want[k], count[k])
			}
		}
	}
}

// Parseval: Σ_b Count_b·Power_b/(H·W) is the mean over images and
// channels of the pixel variance (mean removed), to float64 rounding.
func TestRadialPSDParseval(t *testing.T) {
	x := uniformBatch(2, 3, 2, 16, 12)
	p, err := RadialPSD(x)
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	for k := range p.Power {
		total += float64(p.Count[k]) * p.Power[k]
	}
	total /= 16 * 12
	var variance float64
	for pl := 0; pl < 6; pl++ {
		img := x.Data()[pl*192 : (pl+1)*192]
		var m, ss float64
		for _, v := range img {
			m += float64(v)
		}
		m /= 192
		for _, v := range img {
			ss += (float64(v) - m) * (float64(v) - m)
		}
		variance += ss / 192 / 6
	}
	if math.Abs(total-variance) > 1e-13*variance {
		t.Errorf("Σ PSD = %.17g, variance %.17g", total, variance)
	}
}

// White noise N(0, σ²) has a flat PSD at σ² (NoiseFloor). Each bin is the
// mean of Count·B values |X|²/(HW), each σ²·χ²/dof with variance at most
// 2σ⁴, of which at least half are independent (X(−k) = conj X(k)): the
// tolerance is 5 such standard errors. Bin 0 is the removed mean.
func TestRadialPSDWhiteNoise(t *testing.T) {
	const b, n, sigma = 64, 32, 0.1
	x := tensor.New(b, 1, n, n)
	tensor.NewRNG(3).FillNormal(x.Data(), 0.5, sigma)
	p, err := RadialPSD(x)
	if err != nil {
		t.Fatal(err)
	}
	floor := NoiseFloor(sigma)
	if p.Power[0] > 1e-20 {
		t.Errorf("bin 0 (the mean) has power %g", p.Power[0])
	}
	for k := 1; k < len(p.Power); k++ {
		tol := 5 * floor * math.Sqrt(2/(float64(b*p.Count[k])/2))
		if math.Abs(p.Power[k]-floor) > tol {
			t.Errorf("bin %d: power %.5g, want σ² = %g ± %.2g", k, p.Power[k], floor, tol)
		}
	}
}

// powerLaw is B images of white noise N(0,1) filtered by 1/|f| (f in
// cycles per image), so E P(f) = 1/f²: the spectrum of natural images.
func powerLaw(seed uint64, b, n int) *tensor.Tensor {
	x := tensor.New(b, 1, n, n)
	r := tensor.NewRNG(seed)
	noise := make([]float32, n*n)
	buf := make([]complex128, n*n)
	for i := 0; i < b; i++ {
		r.FillNormal(noise, 0, 1)
		for j, v := range noise {
			buf[j] = complex(float64(v), 0)
		}
		dsp.FFT2(buf, n, n, false)
		for u := 0; u < n; u++ {
			for v := 0; v < n; v++ {
				fu, fv := float64(dsp.FreqIndex(u, n)), float64(dsp.FreqIndex(v, n))
				f := math.Hypot(fu, fv)
				if f == 0 {
					buf[u*n+v] = 0
				} else {
					buf[u*n+v] /= complex(f, 0)
				}
			}
		}
		dsp.FFT2(buf, n, n, true)
		for j, z := range buf {
			x.Data()[i*n*n+j] = float32(real(z) / float64(n*n))
		}
	}
	return x
}

// A 1/f² spectrum fits a slope of −2 ± 0.1 and crosses the floor σ² at
// f = 1/σ (10% tolerance); the crossover falls as σ grows.
func TestRadialPSDPowerLaw(t *testing.T) {
	p, err := RadialPSD(powerLaw(4, 16, 64))
	if err != nil {
		t.Fatal(err)
	}
	slope, intercept, err := p.FitSlope(3, 30)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(slope+2) > 0.1 || math.Abs(intercept) > 0.3 {
		t.Errorf("slope %.3f, intercept %.3f; want −2 and log 1 = 0", slope, intercept)
	}
	last := math.Inf(1)
	for _, sigma := range []float64{0.04, 0.08, 0.15, 0.3} {
		f, ok := p.Crossover(sigma)
		if !ok || math.Abs(f-1/sigma) > 0.1/sigma {
			t.Errorf("σ = %v: crossover %v (found %v), want 1/σ = %v", sigma, f, ok, 1/sigma)
		}
		if !(f < last) {
			t.Errorf("σ = %v: crossover %v did not fall below %v", sigma, f, last)
		}
		last = f
	}
	if f, ok := p.Crossover(1e-4); ok || !math.IsInf(f, 1) {
		t.Errorf("a floor below the whole spectrum crossed at %v", f)
	}
	if f, ok := p.Crossover(10); !ok || f != 1 {
		t.Errorf("a floor above the whole spectrum: %v %v, want bin 1", f, ok)
	}
}

func TestRadialPSDErrors(t *testing.T) {
	nan := uniformBatch(5, 2, 1, 4, 4)
	nan.Data()[21] = float32(math.NaN())
	for _, c := range []struct {
		x    *tensor.Tensor
		want string
	}{
		{tensor.New(4, 4), "[4 4] is not a [B,C,H,W]"},
		{tensor.New(1, 1, 1, 4), "at least 2x2"},
		{nan, "NaN at flat index 21"},
	} {
		if _, err := RadialPSD(c.x); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to say %q", err, c.want)
		}
	}
	p, _ := RadialPSD(uniformBatch(6, 1, 1, 8, 8))
	if _, _, err := p.FitSlope(2.5, 2.9); err == nil || !strings.Contains(err.Error(), "[2.5, 2.9] holds 0 bins") {
		t.Errorf("an empty fit range: %v", err)
	}
}
