package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Tests of the kernels beyond the contract's core set whose shape does not fit
// the tables in kernels_test.go: Axpby's beta == 0 case, the aliasing of
// ScaleTo, and AdamStep.

func TestAxpbyBetaZeroIgnoresY(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for _, n := range []int{1, 5, 17, 100} {
			x := make([]float32, n)
			fillRandom(rand.New(rand.NewPCG(2, uint64(n))), x, false)
			y := make([]float32, n)
			for i := range y {
				y[i] = float32(math.NaN())
			}
			Axpby(2, x, 0, y)
			for i := range y {
				if want := 2 * x[i]; y[i] != want {
					t.Fatalf("n=%d: y[%d] = %v, want %v", n, i, y[i], want)
				}
			}
		}
	})
}

func TestScaleToAliased(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		x := make([]float32, 77)
		fillRandom(rand.New(rand.NewPCG(4, 4)), x, false)
		d := append([]float32(nil), x...)
		ScaleTo(d, testAlpha, d)
		for i := range d {
			if want := float32(r32(float64(testAlpha) * float64(x[i]))); d[i] != want {
				t.Fatalf("element %d = %v, want %v", i, d[i], want)
			}
		}
	})
}

type adamParams struct{ lr, b1, b2, eps, bc1, bc2 float64 }

// adamRef64 is AdamStep's rounding contract written out in float64 with an
// explicit rounding after every operation (see adam.go).
func adamRef64(a adamParams, p, g, m, v float32) (float32, float32, float32) {
	c := adamCoefficients(a.lr, a.b1, a.b2, a.eps, a.bc1, a.bc2)
	f := func(x float32) float64 { return float64(x) }
	g64 := f(g)
	mi := r32(r32(f(c.b1)*f(m)) + r32(f(c.c1)*g64))
	vi := r32(r32(f(c.b2)*f(v)) + r32(f(c.c2)*r32(g64*g64)))
	den := r32(r32(r32(math.Sqrt(vi))*f(c.s)) + f(c.eps))
	pi := r32(f(p) - r32(r32(f(c.step)*mi)/den))
	return float32(pi), float32(mi), float32(vi)
}

// The per-step scalars are computed from the float64 hyperparameters, as
// PyTorch does: 1-0.999 rounds to float32(0.001), whereas 1-float32(0.999)
// would be 0.00099998713.
func TestAdamCoefficientsInFloat64(t *testing.T) {
	c := adamCoefficients(1e-3, 0.9, 0.999, 1e-8, 1-math.Pow(0.9, 3), 1-math.Pow(0.999, 3))
	want := adamCoef{
		b1: 0.9, c1: 0.1, b2: 0.999, c2: 0.001,
		step: float32(1e-3 / (1 - math.Pow(0.9, 3))), s: float32(1 / math.Sqrt(1-math.Pow(0.999, 3))), eps: 1e-8,
	}
	if c != want {
		t.Fatalf("coefficients %+v, want %+v", c, want)
	}
	if c.c2 == 1-float32(0.999) {
		t.Fatalf("1-beta2 = %v was computed in float32", c.c2)
	}
}

func TestAdamStep(t *testing.T) {
	steps := []adamParams{
		{lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, bc1: 1 - 0.9, bc2: 1 - 0.999},
		{lr: 2e-4, b1: 0.9, b2: 0.999, eps: 1e-8,
			bc1: 1 - math.Pow(0.9, 57), bc2: 1 - math.Pow(0.999, 57)},
		{lr: 0.1, b1: 0.5, b2: 0.75, eps: 0, bc1: 1, bc2: 1},
	}
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 5))
		for _, a := range steps {
			for _, n := range testLengths {
				checkAdam(t, rng, a, n, 1+n%7)
			}
		}
	})
}

func checkAdam(t *testing.T, rng *rand.Rand, a adamParams, n, off int) {
	t.Helper()
	bufs := make([]*guarded, 4) // param, grad, m, v
	for k := range bufs {
		bufs[k] = newGuarded(n, (off+k)%8)
		fillRandom(rng, bufs[k].s(), false)
	}
	p, g, m, v := bufs[0].s(), bufs[1].s(), bufs[2].s(), bufs[3].s()
	for i := range v {
		v[i] = float32(math.Abs(float64(v[i]))) // a second moment is never negative
	}
	p0, g0 := append([]float32(nil), p...), append([]float32(nil), g...)
	m0, v0 := append([]float32(nil), m...), append([]float32(nil), v...)

	AdamStep(p, g, m, v, a.lr, a.b1, a.b2, a.eps, a.bc1, a.bc2)

	for k, name := range []string{"param", "grad", "m", "v"} {
		bufs[k].checkGuards(t, "AdamStep "+name)
	}
	for i := range p {
		wp, wm, wv := adamRef64(a, p0[i], g0[i], m0[i], v0[i])
		if p[i] != wp || m[i] != wm || v[i] != wv || g[i] != g0[i] {
			t.Fatalf("%+v n=%d element %d: got p,m,v,g = %v,%v,%v,%v want %v,%v,%v,%v",
				a, n, i, p[i], m[i], v[i], g[i], wp, wm, wv, g0[i])
		}
		// The textbook formula, unrounded, agrees to float32 precision.
		mm := float64(a.b1)*float64(m0[i]) + (1-float64(a.b1))*float64(g0[i])
		vv := float64(a.b2)*float64(v0[i]) + (1-float64(a.b2))*float64(g0[i])*float64(g0[i])
		upd := float64(a.lr) * (mm / float64(a.bc1)) / (math.Sqrt(vv/float64(a.bc2)) + float64(a.eps))
		want := float64(p0[i]) - upd
		if d := math.Abs(float64(p[i]) - want); d > 1e-5*(math.Abs(float64(p0[i]))+math.Abs(upd)) {
			t.Fatalf("%+v element %d: param %v, textbook Adam gives %v", a, i, p[i], want)
		}
	}
}

func TestAdamStepPanics(t *testing.T) {
	x := make([]float32, 4)
	for name, f := range map[string]func(){
		"length": func() { AdamStep(x, x[:3], x, x, 1, 0.9, 0.999, 1e-8, 0.1, 0.001) },
		"bc1":    func() { AdamStep(x, x, x, x, 1, 0.9, 0.999, 1e-8, 0, 0.001) },
		"bc2":    func() { AdamStep(x, x, x, x, 1, 0.9, 0.999, 1e-8, 0.1, math.NaN()) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f()
		})
	}
}

// CenteredAffine in place (dst = x, and dst = t) gives the same values as
// into a separate buffer.
func TestCenteredAffineAliased(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(6, 6))
		for _, n := range []int{1, 9, 40, 77} {
			x, tt := make([]float32, n), make([]float32, n)
			fillRandom(rng, x, false)
			fillRandom(rng, tt, false)
			want, wantX := make([]float32, n), make([]float32, n)
			CenteredAffine(want, tt, x, testAlpha, testBeta, testM, testC)
			CenteredAffine(wantX, nil, x, testAlpha, testBeta, testM, testC)
			for _, c := range []struct {
				name string
				run  func(d []float32)
				want []float32
			}{
				{"dst=x", func(d []float32) { CenteredAffine(d, tt, d, testAlpha, testBeta, testM, testC) }, want},
				{"dst=x, no t", func(d []float32) { CenteredAffine(d, nil, d, testAlpha, testBeta, testM, testC) }, wantX},
			} {
				d := append([]float32(nil), x...)
				c.run(d)
				for i := range d {
					if !sameBits(d[i], c.want[i]) {
						t.Fatalf("%s n=%d: element %d = %v, want %v", c.name, n, i, d[i], c.want[i])
					}
				}
			}
			d := append([]float32(nil), tt...)
			CenteredAffine(d, d, x, testAlpha, testBeta, testM, testC)
			for i := range d {
				if !sameBits(d[i], want[i]) {
					t.Fatalf("dst=t n=%d: element %d = %v, want %v", n, i, d[i], want[i])
				}
			}
		}
	})
}
