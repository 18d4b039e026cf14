package metrics

import (
	"fmt"
	"math"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/dsp"
)

// PSD is a radially averaged power spectral density (study C: natural
// images have a PSD close to 1/f², noise adds a flat one, so noise drowns
// the high frequencies first).
//
// Normalisation: for an H×W channel x with its mean removed and DFT X, the
// 2-D PSD is P(u, v) = |X(u, v)|²/(H·W). Then N(0, σ²) pixels have E P = σ²
// at every frequency (NoiseFloor), and by Parseval the mean of P over the
// H·W frequencies is the channel's variance (mean removed, divided by H·W).
//
// Bins: frequency (u, v), with u and v the signed DFT indices (cycles per
// image side), has magnitude r = S·√((u/H)² + (v/W)²), S = min(H, W), i.e.
// √(u² + v²) for square images, and belongs to bin round(r). Power[b] is
// the mean of P over the bin's frequencies, all images and all channels.
type PSD struct {
	Freq  []float64 // bin b's frequency, b cycles per image side (S pixels)
	Power []float64 // mean P over the bin
	Count []int     // frequencies in the bin, per image and channel
	Side  int       // S = min(H, W)
}

// NoiseFloor is the PSD, in RadialPSD's normalisation, of white noise of
// std sigma: σ² at every frequency.
func NoiseFloor(sigma float64) float64 { return sigma * sigma }

// RadialPSD is the radially averaged PSD of a batch [B,C,H,W] (mean over
// images and channels, each channel's mean removed first), computed with
// dsp.FFT2 in float64.
func RadialPSD(x *tensor.Tensor) (*PSD, error) {
	if x.Rank() != 4 {
		return nil, fmt.Errorf("psd: input %v is not a [B,C,H,W] batch of images", x.Shape())
	}
	b, c, h, w := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	if b < 1 || c < 1 || h < 2 || w < 2 {
		return nil, fmt.Errorf("psd: input %v needs at least one image of at least 2x2 pixels", x.Shape())
	}
	x = x.Contiguous()
	d := x.Data()
	for i, v := range d {
		if v-v != 0 {
			return nil, fmt.Errorf("psd: input %v has %v at flat index %d; pixels must be finite", x.Shape(), v, i)
		}
	}
	bins, nbins := radialBins(h, w)
	p := &PSD{Freq: make([]float64, nbins), Power: make([]float64, nbins), Count: make([]int, nbins), Side: min(h, w)}
	for _, k := range bins {
		p.Count[k]++
	}
	buf := make([]complex128, h*w)
	for plane := 0; plane < b*c; plane++ {
		img := d[plane*h*w : (plane+1)*h*w]
		var mean float64
		for _, v := range img {
			mean += float64(v)
		}
		mean /= float64(h * w)
		for i, v := range img {
			buf[i] = complex(float64(v)-mean, 0)
		}
		dsp.FFT2(buf, h, w, false)
		for i, z := range buf {
			p.Power[bins[i]] += (real(z)*real(z) + imag(z)*imag(z)) / float64(h*w)
		}
	}
	for k := range p.Power {
		p.Freq[k] = float64(k)
		if p.Count[k] > 0 {
			p.Power[k] /= float64(b * c * p.Count[k])
		}
	}
	return p, nil
}

// radialBins gives every DFT index (row-major, h×w) its bin and returns the
// number of bins.
func radialBins(h, w int) ([]int, int) {
	s := float64(min(h, w))
	bins := make([]int, h*w)
	n := 0
	for i := 0; i < h; i++ {
		fu := float64(dsp.FreqIndex(i, h)) / float64(h)
		for j := 0; j < w; j++ {
			fv := float64(dsp.FreqIndex(j, w)) / float64(w)
			k := int(math.Round(s * math.Sqrt(fu*fu+fv*fv)))
			bins[i*w+j] = k
			n = max(n, k+1)
		}
	}
	return bins, n
}

// FitSlope fits log Power = slope·log Freq + intercept by least squares
// over the bins with lo ≤ Freq ≤ hi (Freq > 0 and Power > 0); natural
// images give a slope near −2. At least two bins must qualify.
func (p *PSD) FitSlope(lo, hi float64) (slope, intercept float64, err error) {
	var n, sx, sy, sxx, sxy float64
	for k, f := range p.Freq {
		if f < lo || f > hi || f <= 0 || !(p.Power[k] > 0) {
			continue
		}
		x, y := math.Log(f), math.Log(p.Power[k])
		n++
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	if n < 2 {
		return 0, 0, fmt.Errorf("psd: the frequency range [%v, %v] holds %v bins with power; a slope needs at least 2 (bins are 0..%d)", lo, hi, n, len(p.Freq)-1)
	}
	den := n*sxx - sx*sx
	slope = (n*sxy - sx*sy) / den
	return slope, (sy - slope*sx) / n, nil
}

// Crossover is the frequency where the white-noise floor σ² (NoiseFloor)
// first meets the data's PSD coming down from low frequencies: the first
// bin b ≥ 1 with Power[b] ≤ σ², interpolated linearly in log-log between
// bins b−1 and b (at b = 1, bin 1's frequency). Below it the data
// dominates the noise, above it noise of std σ drowns the data. ok is
// false, with f = +Inf, when the PSD stays above σ² in every bin.
func (p *PSD) Crossover(sigma float64) (f float64, ok bool) {
	floor := NoiseFloor(sigma)
	for k := 1; k < len(p.Power); k++ {
		if p.Count[k] == 0 || p.Power[k] > floor {
			continue
		}
		prev := k - 1
		for prev >= 1 && p.Count[prev] == 0 {
			prev--
		}
		if prev < 1 {
			return p.Freq[k], true
		}
		x0, x1 := math.Log(p.Freq[prev]), math.Log(p.Freq[k])
		y0, y1 := math.Log(p.Power[prev]), math.Log(math.Max(p.Power[k], math.SmallestNonzeroFloat64))
		return math.Exp(x0 + (math.Log(floor)-y0)*(x1-x0)/(y1-y0)), true
	}
	return math.Inf(1), false
}
