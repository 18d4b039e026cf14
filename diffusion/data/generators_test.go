package data

import (
	"math"
	"runtime"
	"testing"

	"github.com/harmonic-go/harmonic/internal/rng"
	"github.com/harmonic-go/harmonic/tensor/dsp"
)

// logLogSlope fits log P(k) = a + b log k by least squares over k = 1..kmax.
func logLogSlope(power []float64, kmax int) float64 {
	var sx, sy, sxx, sxy float64
	for k := 1; k <= kmax; k++ {
		x, y := math.Log(float64(k)), math.Log(power[k])
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	m := float64(kmax)
	return (m*sxy - sx*sy) / (m*sxx - sx*sx)
}

// The contour's averaged power spectrum must fall as |k|^(−2α).
func TestCAlphaContourSpectrumSlope(t *testing.T) {
	const n, trials = 64, 400
	for _, alpha := range []float64{1, 2, 3, 5} {
		power := make([]float64, n)
		for tr := 0; tr < trials; tr++ {
			c := cAlphaContour(n, alpha, rng.Derive(7, uint64(tr)))
			x := make([]complex128, n)
			for i, v := range c {
				x[i] = complex(v, 0)
			}
			naive := naiveDFT(x, false) // independent of the generator's fft
			for k := range naive {
				a := naive[k]
				power[k] += real(a)*real(a) + imag(a)*imag(a)
			}
		}
		slope := logLogSlope(power, n/2)
		t.Logf("α=%g: contour spectrum slope %.4f (want %.1f)", alpha, slope, -2*alpha)
		if math.Abs(slope+2*alpha) > 0.15 {
			t.Errorf("α=%g: slope %.3f, want %.1f ± 0.15", alpha, slope, -2*alpha)
		}
	}
}

// The radially averaged spectrum of a background must fall as |k|^(−2α) too.
func TestCAlphaBackgroundSpectrumSlope(t *testing.T) {
	const n, trials, alpha = 32, 40, 1.5
	power := make([]float64, n)
	count := make([]float64, n)
	for tr := 0; tr < trials; tr++ {
		b1, b2 := cAlphaBackgrounds(n, alpha, rng.Derive(9, uint64(tr)))
		for _, b := range [][]float64{b1, b2} {
			x := make([]complex128, n*n)
			for i, v := range b {
				x[i] = complex(v, 0)
			}
			dsp.FFT2(x, n, n, false)
			for ky := 0; ky < n; ky++ {
				for kx := 0; kx < n; kx++ {
					fy, fx := float64(dsp.FreqIndex(ky, n)), float64(dsp.FreqIndex(kx, n))
					k := int(math.Round(math.Hypot(fx, fy)))
					if k < n {
						a := x[ky*n+kx]
						power[k] += real(a)*real(a) + imag(a)*imag(a)
						count[k]++
					}
				}
			}
		}
	}
	for k := range power {
		if count[k] > 0 {
			power[k] /= count[k]
		}
	}
	slope := logLogSlope(power, n/2)
	t.Logf("background radial spectrum slope %.3f (want %.1f)", slope, -2*alpha)
	if math.Abs(slope+2*alpha) > 0.25 {
		t.Errorf("background slope %.3f, want %.1f", slope, -2*alpha)
	}
}

func TestCAlphaImageStructure(t *testing.T) {
	const n = 40
	s, err := CAlpha(n, 50, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	brighterBelow := 0
	for i := 0; i < s.N; i++ {
		r := rng.Derive(3, uint64(i))
		edge := cAlphaEdgeRows(cAlphaContour(n, 2, r))
		// Redraw the two fields in the generator's order, then check the
		// composition: rows at least one pixel below the edge row show the
		// field chosen for "below" exactly, rows two or more above the
		// other one; which is brighter varies between images.
		bA, bB := cAlphaBackgrounds(n, 2, r)
		u, u2 := r.Float64(), r.Float64()
		rescale(bA, u, 1)
		rescale(bB, 0, u2)
		below, above := bA, bB
		if r.Float64() < 0.5 {
			below, above = bB, bA
			brighterBelow--
		}
		brighterBelow++
		img := s.Image(i)
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				v := float64(img[y*n+x])
				if v < 0 || v > 1 {
					t.Fatalf("image %d: value %v outside [0,1]", i, v)
				}
				var want []float64
				switch {
				case y >= edge[x] && y >= edge[min(x+1, n-1)]:
					want = below
				case y+1 < edge[x] && y+1 < edge[min(x+1, n-1)]:
					want = above
				default:
					continue // on the smoothed edge
				}
				if math.Abs(v-want[y*n+x]) > 1e-6 {
					t.Fatalf("image %d pixel (%d,%d) = %v, want %v from its side of the contour", i, y, x, v, want[y*n+x])
				}
			}
		}
	}
	if brighterBelow < 10 || brighterBelow > 40 {
		t.Errorf("brighter field below the contour in %d of 50 images: the choice is not random", brighterBelow)
	}
	// Same seed → identical; image i independent of the count generated.
	s2, _ := CAlpha(n, 10, 2, 3)
	for k := range s2.Pixels {
		if s2.Pixels[k] != s.Pixels[k] {
			t.Fatal("C^α images depend on the number generated")
		}
	}
	if _, err := CAlpha(n, 1, -1, 0); err == nil {
		t.Error("negative α accepted")
	}
}

func TestBox2x2(t *testing.T) {
	// Hand-computed: each output averages itself, right, below, below-right,
	// with the last row/column repeated at the border.
	m := []float64{0, 0, 0, 0, 1, 1, 1, 1, 1}
	got := box2x2(m, 3)
	want := []float64{0.25, 0.5, 0.5, 0.75, 1, 1, 1, 1, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("box2x2 = %v, want %v", got, want)
		}
	}
}

func TestDisks(t *testing.T) {
	const n = 40
	s, params, err := Disks(n, 200, 11)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range params {
		if p.R < 3 || p.R > n/2-3 {
			t.Fatalf("disk %d radius %v outside (3, %d)", i, p.R, n/2-3)
		}
		if p.CX < p.R || p.CX > n-p.R || p.CY < p.R || p.CY > n-p.R {
			t.Fatalf("disk %d centre (%v,%v) not within [r, n−r], r=%v", i, p.CX, p.CY, p.R)
		}
		if p.FG < 0 || p.FG > 1 || p.BG < 0 || p.BG > 1 {
			t.Fatalf("disk %d intensities %v %v outside [0,1]", i, p.FG, p.BG)
		}
		img := s.Image(i)
		inside, outside, edge := 0, 0, 0
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				d := math.Hypot(float64(x)+0.5-p.CX, float64(y)+0.5-p.CY)
				v := float64(img[y*n+x])
				switch {
				case d < p.R-1:
					inside++
					if math.Abs(v-p.FG) > 1e-6 {
						t.Fatalf("disk %d: pixel (%d,%d) inside has %v, want fg %v", i, y, x, v, p.FG)
					}
				case d > p.R+1:
					outside++
					if math.Abs(v-p.BG) > 1e-6 {
						t.Fatalf("disk %d: pixel (%d,%d) outside has %v, want bg %v", i, y, x, v, p.BG)
					}
				default:
					edge++
					lo, hi := math.Min(p.FG, p.BG), math.Max(p.FG, p.BG)
					if v < lo-1e-6 || v > hi+1e-6 {
						t.Fatalf("disk %d: edge pixel %v not between fg and bg", i, v)
					}
				}
			}
		}
		// Area check: the disk covers about πr² pixels.
		var cover float64
		for _, v := range img {
			if p.FG != p.BG {
				cover += (float64(v) - p.BG) / (p.FG - p.BG)
			}
		}
		if p.FG != p.BG && math.Abs(p.FG-p.BG) > 0.05 && math.Abs(cover-math.Pi*p.R*p.R) > 0.03*math.Pi*p.R*p.R+2 {
			t.Fatalf("disk %d covers %.1f pixels, want πr² = %.1f", i, cover, math.Pi*p.R*p.R)
		}
		if inside == 0 || outside == 0 || edge == 0 {
			t.Fatalf("disk %d: %d inside, %d outside, %d edge pixels", i, inside, outside, edge)
		}
	}
	if _, _, err := Disks(10, 1, 0); err == nil {
		t.Error("size 10 accepted")
	}
}

func TestPermutation(t *testing.T) {
	p := NewPermutation(100, 5)
	seen := make([]bool, 100)
	for _, v := range p {
		if v < 0 || v >= 100 || seen[v] {
			t.Fatalf("not a bijection: %v", p)
		}
		seen[v] = true
	}
	s, _ := newSet("t", 3, 10, 10)
	for i := range s.Pixels {
		s.Pixels[i] = float32(i)
	}
	orig := append([]float32(nil), s.Pixels...)
	if err := p.Apply(s); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 100; j++ {
			if s.Image(i)[j] != orig[i*100+p[j]] {
				t.Fatalf("image %d pixel %d not moved by the shared permutation", i, j)
			}
		}
	}
	inv := p.Inverse()
	if err := inv.Apply(s); err != nil {
		t.Fatal(err)
	}
	for i := range orig {
		if s.Pixels[i] != orig[i] {
			t.Fatal("inverse does not undo the permutation")
		}
	}
	q := NewPermutation(100, 5)
	for i := range p {
		if p[i] != q[i] {
			t.Fatal("same seed, different permutation")
		}
	}
	if err := p.Apply(&Set{N: 1, H: 5, W: 5, Pixels: make([]float32, 25)}); err == nil {
		t.Error("size mismatch accepted")
	}
}

func TestWMask(t *testing.T) {
	for _, n := range []int{28, 32, 40} {
		m := WMask(n, n)
		count := 0
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if m[i*n+j] != m[i*n+n-1-j] {
					t.Fatalf("n=%d: mask not left-right symmetric at (%d,%d)", n, i, j)
				}
				if m[i*n+j] != 0 && m[i*n+j] != 1 {
					t.Fatalf("mask not binary")
				}
				count += int(m[i*n+j])
			}
		}
		// A W: four strokes, so a row below its middle peak crosses four runs,
		// and it covers 5–30% of the image.
		mid := n * 60 / 100
		runs := 0
		for j := 0; j < n; j++ {
			if m[mid*n+j] == 1 && (j == 0 || m[mid*n+j-1] == 0) {
				runs++
			}
		}
		frac := float64(count) / float64(n*n)
		t.Logf("n=%d: W covers %d pixels (%.1f%%), %d runs in the middle row", n, count, 100*frac, runs)
		if runs != 4 || frac < 0.05 || frac > 0.3 {
			t.Fatalf("n=%d: %d runs in the middle row, coverage %.2f: not a W", n, runs, frac)
		}
	}
	s, _ := newSet("t", 50, 28, 28)
	m := WMask(28, 28)
	c, err := ApplyW(s, m, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < s.N; i++ {
		if c[i] < -1 || c[i] > 1 {
			t.Fatalf("coefficient %v outside [−1,1]", c[i])
		}
		for j, v := range s.Image(i) {
			if want := float32(0.5*c[i]) * m[j]; v != want {
				t.Fatalf("image %d pixel %d = %v, want γ·c·s = %v", i, j, v, want)
			}
		}
	}
}

// Generated sets must not depend on how many goroutines made them.
func TestGeneratorsIndependentOfGOMAXPROCS(t *testing.T) {
	prev := runtime.GOMAXPROCS(1)
	a, _ := CAlpha(24, 12, 3, 5)
	b, _, _ := Disks(24, 12, 5)
	runtime.GOMAXPROCS(4)
	c, _ := CAlpha(24, 12, 3, 5)
	d, _, _ := Disks(24, 12, 5)
	runtime.GOMAXPROCS(prev)
	if !equal(a.Pixels, c.Pixels) || !equal(b.Pixels, d.Pixels) {
		t.Fatal("generated images depend on GOMAXPROCS")
	}
}

// naiveDFT is the forward DFT by its O(n²) definition, independent of the
// FFT the generators use.
func naiveDFT(x []complex128, inverse bool) []complex128 {
	n := len(x)
	sign := -1.0
	if inverse {
		sign = 1
	}
	out := make([]complex128, n)
	for k := 0; k < n; k++ {
		var s complex128
		for j := 0; j < n; j++ {
			ang := sign * 2 * math.Pi * float64((k*j)%n) / float64(n)
			s += x[j] * complex(math.Cos(ang), math.Sin(ang))
		}
		out[k] = s
	}
	return out
}
