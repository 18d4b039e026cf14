package data

import (
	"math"
	"testing"

	"github.com/harmonic-go/harmonic/internal/rng"
)

// naiveArea integrates the piecewise-constant input over each output cell
// with float64 sub-sampling, independently of the weight tables.
func naiveArea(img []float32, h, w, oh, ow int) []float64 {
	const sub = 64
	out := make([]float64, oh*ow)
	for o := 0; o < oh; o++ {
		for p := 0; p < ow; p++ {
			var s float64
			for a := 0; a < sub; a++ {
				for b := 0; b < sub; b++ {
					y := (float64(o) + (float64(a)+0.5)/sub) * float64(h) / float64(oh)
					x := (float64(p) + (float64(b)+0.5)/sub) * float64(w) / float64(ow)
					s += float64(img[int(y)*w+int(x)])
				}
			}
			out[o*ow+p] = s / (sub * sub)
		}
	}
	return out
}

func TestResizeAreaMatchesIntegral(t *testing.T) {
	r := rng.New(4)
	for _, c := range [][4]int{{40, 40, 20, 20}, {32, 32, 20, 20}, {50, 30, 7, 11}, {9, 9, 9, 9}} {
		h, w, oh, ow := c[0], c[1], c[2], c[3]
		img := make([]float32, h*w)
		for i := range img {
			img[i] = float32(r.Float64())
		}
		got, err := Resize(img, h, w, oh, ow)
		if err != nil {
			t.Fatal(err)
		}
		want := naiveArea(img, h, w, oh, ow)
		for i := range want {
			// sub-sampling error: at most one sub-cell per cell border
			if math.Abs(float64(got[i])-want[i]) > 0.03 {
				t.Fatalf("%v: pixel %d = %v, integral %v", c, i, got[i], want[i])
			}
		}
	}
	// Exact 2×2 pooling.
	img := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	got, _ := Resize(img, 4, 4, 2, 2)
	want := []float32{3.5, 5.5, 11.5, 13.5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("2×2 pool = %v want %v", got, want)
		}
	}
}

func TestResizeBicubicUpsampling(t *testing.T) {
	// Catmull–Rom reproduces linear ramps away from the clamped border.
	const n, m = 10, 25
	img := make([]float32, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			img[i*n+j] = float32(0.1*float64(i) + 0.05*float64(j))
		}
	}
	got, err := Resize(img, n, n, m, m)
	if err != nil {
		t.Fatal(err)
	}
	s := float64(n) / m
	for o := 5; o < m-5; o++ {
		for p := 5; p < m-5; p++ {
			y, x := (float64(o)+0.5)*s-0.5, (float64(p)+0.5)*s-0.5
			want := 0.1*y + 0.05*x
			if math.Abs(float64(got[o*m+p])-want) > 1e-5 {
				t.Fatalf("(%d,%d) = %v, want %v", o, p, got[o*m+p], want)
			}
		}
	}
	// A constant image stays constant everywhere (weights sum to one).
	for i := range img {
		img[i] = 0.3
	}
	got, _ = Resize(img, n, n, m, m)
	for _, v := range got {
		if math.Abs(float64(v)-0.3) > 1e-6 {
			t.Fatalf("constant became %v", v)
		}
	}
	if _, err := Resize(img, n, n, 0, 3); err == nil {
		t.Fatal("zero output size accepted")
	}
}

func TestCenterCropSquare(t *testing.T) {
	img := make([]float32, 3*5)
	for i := range img {
		img[i] = float32(i)
	}
	out, side := CenterCropSquare(img, 3, 5)
	want := []float32{1, 2, 3, 6, 7, 8, 11, 12, 13}
	if side != 3 {
		t.Fatalf("side %d", side)
	}
	for i := range want {
		if out[i] != want[i] {
			t.Fatalf("crop %v want %v", out, want)
		}
	}
}
