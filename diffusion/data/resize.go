package data

import (
	"fmt"
	"math"
)

// CenterCropSquare returns the central min(h,w)×min(h,w) square of an h×w
// image (the authors' CelebA preparation crops before resizing).
func CenterCropSquare(img []float32, h, w int) ([]float32, int) {
	side := min(h, w)
	y0, x0 := (h-side)/2, (w-side)/2
	out := make([]float32, side*side)
	for i := 0; i < side; i++ {
		copy(out[i*side:(i+1)*side], img[(y0+i)*w+x0:(y0+i)*w+x0+side])
	}
	return out, side
}

// Resize resamples an h×w image to oh×ow, separably per axis: area averaging
// (exact box coverage) where an axis shrinks, which is what anti-aliases a
// large photograph down to 40 or 80 pixels, and bicubic interpolation (Keys,
// a = −0.5, edges clamped) where it grows. Arithmetic is float64.
func Resize(img []float32, h, w, oh, ow int) ([]float32, error) {
	if h <= 0 || w <= 0 || oh <= 0 || ow <= 0 || len(img) != h*w {
		return nil, fmt.Errorf("resize: cannot resample %d values as %d×%d to %d×%d", len(img), h, w, oh, ow)
	}
	wx, wy := resampleWeights(w, ow), resampleWeights(h, oh)
	tmp := make([]float64, h*ow) // rows resampled horizontally
	for i := 0; i < h; i++ {
		row := img[i*w : (i+1)*w]
		for o, tw := range wx {
			var s float64
			for k, c := range tw.coef {
				s += c * float64(row[tw.start+k])
			}
			tmp[i*ow+o] = s
		}
	}
	out := make([]float32, oh*ow)
	for o, tw := range wy {
		for j := 0; j < ow; j++ {
			var s float64
			for k, c := range tw.coef {
				s += c * tmp[(tw.start+k)*ow+j]
			}
			out[o*ow+j] = float32(s)
		}
	}
	return out, nil
}

// taps are the input samples start..start+len(coef)-1 feeding one output.
type taps struct {
	start int
	coef  []float64
}

func resampleWeights(in, out int) []taps {
	if out <= in {
		return areaWeights(in, out)
	}
	return bicubicWeights(in, out)
}

// areaWeights: output o covers input [o·s, (o+1)·s), s = in/out; each input
// sample weighs its overlap with that interval divided by s.
func areaWeights(in, out int) []taps {
	s := float64(in) / float64(out)
	ws := make([]taps, out)
	for o := range ws {
		lo, hi := float64(o)*s, float64(o+1)*s
		first, last := int(math.Floor(lo)), min(int(math.Ceil(hi))-1, in-1)
		t := taps{start: first}
		for i := first; i <= last; i++ {
			ov := math.Min(hi, float64(i+1)) - math.Max(lo, float64(i))
			t.coef = append(t.coef, math.Max(0, ov)/s)
		}
		ws[o] = t
	}
	return ws
}

func bicubicWeights(in, out int) []taps {
	ws := make([]taps, out)
	scale := float64(in) / float64(out)
	for o := range ws {
		x := (float64(o)+0.5)*scale - 0.5
		x0 := int(math.Floor(x))
		// Clamp taps at the edges by folding their weight onto the border
		// sample; the taps stay contiguous over [lo, hi].
		lo, hi := max(x0-1, 0), min(x0+2, in-1)
		coef := make([]float64, hi-lo+1)
		for k := x0 - 1; k <= x0+2; k++ {
			idx := min(max(k, 0), in-1)
			coef[idx-lo] += cubic(x - float64(k))
		}
		ws[o] = taps{start: lo, coef: coef}
	}
	return ws
}

// cubic is Keys' kernel with a = −0.5 (Catmull–Rom), weights summing to 1.
func cubic(t float64) float64 {
	const a = -0.5
	t = math.Abs(t)
	switch {
	case t <= 1:
		return (a+2)*t*t*t - (a+3)*t*t + 1
	case t < 2:
		return a*t*t*t - 5*a*t*t + 8*a*t - 4*a
	}
	return 0
}
