package analytic

import (
	"context"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// bruteELS is the definition in float64 loops: for each pixel, every valid
// k×k patch of every training image against the circularly wrapped query
// patch, a softmax with the maximum subtracted, the centres averaged.
func bruteELS(x *tensor.Tensor, xt []float64, a float64, k int) []float64 {
	n, c, h, w := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	xd := x.Contiguous().Data()
	at := func(i, ch, y, xx int) float64 { return float64(xd[((i*c+ch)*h+y)*w+xx]) }
	r := k / 2
	out := make([]float64, c*h*w)
	for py := range h {
		for px := range w {
			var logits []float64
			var centres [][]float64
			for i := range n {
				for oy := 0; oy+k <= h; oy++ {
					for ox := 0; ox+k <= w; ox++ {
						var s float64
						for ch := range c {
							for dy := range k {
								for dx := range k {
									yy := ((py+dy-r)%h + h) % h
									xx := ((px+dx-r)%w + w) % w
									e := xt[(ch*h+yy)*w+xx] - math.Sqrt(a)*at(i, ch, oy+dy, ox+dx)
									s += e * e
								}
							}
						}
						logits = append(logits, -s/(2*(1-a)))
						cv := make([]float64, c)
						for ch := range c {
							cv[ch] = at(i, ch, oy+r, ox+r)
						}
						centres = append(centres, cv)
					}
				}
			}
			mx := math.Inf(-1)
			for _, l := range logits {
				mx = math.Max(mx, l)
			}
			var z float64
			acc := make([]float64, c)
			for p, l := range logits {
				wt := math.Exp(l - mx)
				z += wt
				for ch := range c {
					acc[ch] += wt * centres[p][ch]
				}
			}
			for ch := range c {
				out[(ch*h+py)*w+px] = acc[ch] / z
			}
		}
	}
	return out
}

func TestELSMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for _, tc := range []struct{ c, k int }{{1, 3}, {2, 3}, {1, 1}, {1, 5}} {
		x := testImages(rng, 3, tc.c, 6, 6)
		e, err := NewELS(x, tc.k)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []float64{0.02, 0.3, 0.9} {
			xt := noisy(rng, testImages(rng, 2, tc.c, 6, 6), a)
			got, err := e.PredictVP(context.Background(), xt, a)
			if err != nil {
				t.Fatal(err)
			}
			d := tc.c * 36
			for b := range 2 {
				q := make([]float64, d)
				for j := range q {
					q[j] = float64(xt.Data()[b*d+j])
				}
				want := bruteELS(x, q, a, tc.k)
				for j, v := range want {
					if g := float64(got.Data()[b*d+j]); math.Abs(g-v) > 2e-4 {
						t.Fatalf("c=%d k=%d ᾱ=%g image %d pixel %d: %v, brute force %v", tc.c, tc.k, a, b, j, g, v)
					}
				}
			}
		}
	}
}

// roll shifts an image circularly by (sy, sx): out[y,x] = in[y−sy, x−sx].
func roll(x *tensor.Tensor, sy, sx int) *tensor.Tensor {
	b, c, h, w := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	out := tensor.New(b, c, h, w)
	for i := range b * c {
		for y := range h {
			for xx := range w {
				out.Data()[(i*h+((y+sy)%h+h)%h)*w+((xx+sx)%w+w)%w] = x.Data()[(i*h+y)*w+xx]
			}
		}
	}
	return out
}

// With k equal to the (odd) image side every training image is one patch
// and the query is x_t wrapped to put pixel q at the centre: ELS at q is
// the optimal denoiser of that rolled x_t at the centre pixel.
func TestELSFullPatchIsOptimal(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	const s = 5
	x := testImages(rng, 7, 2, s, s)
	e, err := NewELS(x, s)
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewOptimal(x)
	if err != nil {
		t.Fatal(err)
	}
	const a = 0.5
	xt := noisy(rng, testImages(rng, 1, 2, s, s), a)
	got, err := e.PredictVP(context.Background(), xt, a)
	if err != nil {
		t.Fatal(err)
	}
	for py := range s {
		for px := range s {
			opt, err := o.PredictVP(context.Background(), roll(xt, s/2-py, s/2-px), a)
			if err != nil {
				t.Fatal(err)
			}
			for c := range 2 {
				g := got.Data()[(c*s+py)*s+px]
				w := opt.Data()[(c*s+s/2)*s+s/2]
				if math.Abs(float64(g-w)) > 1e-5 {
					t.Fatalf("pixel (%d,%d) channel %d: ELS %v, optimal of the rolled input %v", py, px, c, g, w)
				}
			}
		}
	}
}

// At tiny noise (and at ᾱ = 1) every pixel is the centre of its nearest
// patch, by the brute-force distances.
func TestELSTinyNoiseNearestPatch(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	x := testImages(rng, 3, 1, 6, 6)
	e, err := NewELS(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	xt := testImages(rng, 1, 1, 6, 6)
	q := make([]float64, 36)
	for j := range q {
		q[j] = float64(xt.Data()[j])
	}
	for _, a := range []float64{1, 1 - 1e-7} {
		got, err := e.PredictVP(context.Background(), xt, a)
		if err != nil {
			t.Fatal(err)
		}
		// Brute force at a small temperature is the nearest patch's centre.
		want := bruteELS(x, q, 1-1e-9, 3)
		for j, v := range want {
			if math.Abs(float64(got.Data()[j])-v) > 1e-5 {
				t.Fatalf("ᾱ=%v pixel %d: %v, nearest patch centre %v", a, j, got.Data()[j], v)
			}
		}
		// …and that is a training pixel.
		found := false
		for _, tv := range x.Data() {
			found = found || math.Abs(float64(tv)-want[7]) < 1e-6
		}
		if !found {
			t.Fatalf("pixel 7: %v is no training pixel", want[7])
		}
	}
}

func TestELSBadInput(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	x := testImages(rng, 3, 1, 6, 6)
	for _, k := range []int{0, 2, 7, -1} {
		if _, err := NewELS(x, k); err == nil {
			t.Fatalf("patch %d accepted", k)
		}
	}
	e, err := NewELS(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.PredictPatch(context.Background(), testImages(rng, 1, 1, 6, 6), 0.5, 9); err == nil || !strings.Contains(err.Error(), "9") {
		t.Fatalf("patch 9 on 6x6: %v", err)
	}
	if _, err := e.PredictVP(context.Background(), testImages(rng, 1, 1, 5, 6), 0.5); err == nil {
		t.Fatal("5x6 input accepted")
	}
	if _, err := e.PredictVP(context.Background(), testImages(rng, 1, 1, 6, 6), 0); err == nil {
		t.Fatal("ᾱ = 0 accepted")
	}
}

func TestPatchScheduleAndCalibration(t *testing.T) {
	s := KambMNISTUNet()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if k := s.PatchAt(0.9999, 28); k != 3 {
		t.Fatalf("lowest noise: patch %d, want 3", k)
	}
	if k := s.PatchAt(kgAlphabar(19), 28); k != 27 {
		t.Fatalf("highest noise: patch %d, want 27", k)
	}
	if k := s.PatchAt(kgAlphabar(19), 6); k != 5 {
		t.Fatalf("highest noise on 6x6: patch %d, want 5", k)
	}
	// Calibrating against ELS itself at a known size must recover it.
	rng := rand.New(rand.NewSource(15))
	x := testImages(rng, 4, 1, 7, 7)
	e, err := NewELS(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	var steps []CalibrationStep
	truth := []int{5, 3}
	for i, a := range []float64{0.2, 0.7} {
		xt := noisy(rng, testImages(rng, 3, 1, 7, 7), a)
		target, err := e.PredictPatch(context.Background(), xt, a, truth[i])
		if err != nil {
			t.Fatal(err)
		}
		steps = append(steps, CalibrationStep{Alphabar: a, Xt: xt, Target: target})
	}
	got, cos, err := e.Calibrate(context.Background(), steps, []int{1, 3, 5, 7})
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range truth {
		if got.Patch[i] != k || got.Alphabar[i] != steps[i].Alphabar {
			t.Fatalf("step %d: calibrated %d at %v, want %d (cosines %v)", i, got.Patch[i], got.Alphabar[i], k, cos[i])
		}
	}
	e.Schedule = got
	if e.PatchAt(0.21) != 5 || e.PatchAt(0.69) != 3 {
		t.Fatalf("schedule lookup: %d %d", e.PatchAt(0.21), e.PatchAt(0.69))
	}
	if _, _, err := e.Calibrate(context.Background(), steps, []int{4}); err == nil {
		t.Fatal("even candidate accepted")
	}
}

func TestExpNegNear(t *testing.T) {
	for x := -700.0; x <= 0; x += 0.0137 {
		if got, want := expNegNear(x), math.Exp(x); math.Abs(got-want) > 2e-8*want {
			t.Fatalf("expNegNear(%v) = %v, math.Exp %v", x, got, want)
		}
	}
	if expNegNear(0) != 1 {
		t.Fatalf("expNegNear(0) = %v", expNegNear(0))
	}
}
