package data

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/internal/rng"
)

// A horizontal edge at row 5.3 covers 0.7 of the pixels of row 5 (the cell
// [5, 6]), none above and all below.
func TestCoverageHorizontalEdge(t *testing.T) {
	const n = 10
	e := make([]float64, n)
	for j := range e {
		e[j] = 5.3
	}
	m := coverageMask(e, n)
	for i := 0; i < n; i++ {
		want := 0.0
		switch {
		case i == 5:
			want = 0.7
		case i > 5:
			want = 1
		}
		for j := 0; j < n; j++ {
			if math.Abs(m[i*n+j]-want) > 1e-12 {
				t.Fatalf("pixel (%d,%d) coverage %v, want %v", i, j, m[i*n+j], want)
			}
		}
	}
}

// A tilted straight edge e(x) = a + b·x: away from the periodic wrap the
// piecewise-linear contour is the line itself, and each pixel's coverage is
// the area of the cell below the line, counted here on a 400×400 grid of
// points; a column's coverages add up to n − e at the column's centre.
func TestCoverageTiltedEdgeArea(t *testing.T) {
	const n, a, b = 16, 4.2, 0.37
	e := make([]float64, n)
	for j := range e {
		e[j] = a + b*(float64(j)+0.5)
	}
	m := coverageMask(e, n)
	const g = 400
	for j := 1; j < n-1; j++ {
		var sum float64
		for i := 0; i < n; i++ {
			c := m[i*n+j]
			if c < 0 || c > 1 {
				t.Fatalf("pixel (%d,%d) coverage %v outside [0,1]", i, j, c)
			}
			sum += c
			in := 0
			for u := 0; u < g; u++ {
				x := float64(j) + (float64(u)+0.5)/g
				for v := 0; v < g; v++ {
					if float64(i)+(float64(v)+0.5)/g >= a+b*x {
						in++
					}
				}
			}
			if ref := float64(in) / (g * g); math.Abs(c-ref) > 2e-3 {
				t.Errorf("pixel (%d,%d): coverage %.5f, counted %.5f", i, j, c, ref)
			}
		}
		if want := n - e[j]; math.Abs(sum-want) > 1e-9 {
			t.Errorf("column %d: coverages add to %.6f, want %.6f", j, sum, want)
		}
	}
}

// cmix:α:aa draws the images of cmix:α from the same random numbers: the
// two agree bit for bit wherever the coverage mask is 0 or 1 over the 2×2
// box of the authors' smoothing, the coverage lies in [0,1], and the edge
// pixels are fractional.
func TestCAlphaAAMatchesHardAwayFromEdge(t *testing.T) {
	const n, count, alpha, seed = 16, 6, 2.0, 5
	hard, err := CAlpha(n, count, alpha, seed)
	if err != nil {
		t.Fatal(err)
	}
	aa, err := CAlphaAA(n, count, alpha, seed)
	if err != nil {
		t.Fatal(err)
	}
	if aa.Name != "cmix:2:aa" || hard.Name != "cmix:2" {
		t.Errorf("names %q, %q", aa.Name, hard.Name)
	}
	var same, fractional int
	for k := range count {
		c := cAlphaContour(n, alpha, rng.Derive(seed, uint64(k)))
		e := make([]float64, n)
		for j, v := range c {
			e[j] = v*n + n/2
		}
		m := coverageMask(e, n)
		h, x := hard.Image(k), aa.Image(k)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				v := m[i*n+j]
				if v < 0 || v > 1 {
					t.Fatalf("image %d pixel (%d,%d): coverage %v", k, i, j, v)
				}
				if v > 0 && v < 1 {
					fractional++
				}
				i1, j1 := min(i+1, n-1), min(j+1, n-1)
				box := []float64{v, m[i*n+j1], m[i1*n+j], m[i1*n+j1]}
				if (box[0] == 0 || box[0] == 1) && box[1] == box[0] && box[2] == box[0] && box[3] == box[0] {
					same++
					if h[i*n+j] != x[i*n+j] {
						t.Fatalf("image %d pixel (%d,%d): hard %v, anti-aliased %v away from the edge", k, i, j, h[i*n+j], x[i*n+j])
					}
				}
				if x[i*n+j] < 0 || x[i*n+j] > 1 {
					t.Fatalf("image %d pixel (%d,%d) = %v outside [0,1]", k, i, j, x[i*n+j])
				}
			}
		}
	}
	if same < count*n*n/2 || fractional < count*n/2 {
		t.Errorf("%d pixels away from the edge, %d fractional, of %d", same, fractional, count*n*n)
	}
	if _, err := CAlphaAA(n, 1, -1, seed); err == nil {
		t.Error("α = −1 accepted")
	}
}

// Open reads cmix:α:aa.
func TestOpenCAlphaAA(t *testing.T) {
	ds, err := Open("cmix:2:aa", 16, Options{NTrain: 4, NTest: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := CAlphaAA(16, 4, 2, 3)
	for i, v := range want.Pixels {
		if ds.Train.Pixels[i] != v {
			t.Fatalf("pixel %d: Open %v, CAlphaAA %v", i, ds.Train.Pixels[i], v)
		}
	}
}
