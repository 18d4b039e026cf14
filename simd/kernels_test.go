package simd

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// The kernel tests run every kernel at every level this machine offers on all
// lengths 0..70 and a few large ones, on sub-slices starting 1..7 elements into
// a bigger buffer (so vector loads are unaligned and tails take every shape),
// with sentinel values around each slice (gonum's guard trick) that must
// survive the call. Elementwise results are checked bit for bit against a
// float64 reference that rounds each step to float32 the way the contract says
// (see elementwise.go); reductions against a float64 sum.

var testLengths = func() []int {
	var ns []int
	for n := 0; n <= 70; n++ {
		ns = append(ns, n)
	}
	return append(ns, 127, 128, 129, 1000, 4099)
}()

const guardLen = 19 // more than one AVX-512 vector, odd so it misaligns too

// guardBits is a signalling-NaN pattern no kernel can produce.
const guardBits = 0x7f80_dead

// forEachLevel runs body once per available level with that level selected,
// restoring the previous level afterwards.
func forEachLevel(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	for _, l := range Available() {
		t.Run(string(l), func(t *testing.T) {
			useForTest(t, l)
			body(t)
		})
	}
}

func useForTest(t *testing.T, l Level) {
	t.Helper()
	prev := Current()
	if err := Use(string(l)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := Use(string(prev)); err != nil {
			t.Errorf("restoring %s: %v", prev, err)
		}
	})
}

// guarded is a slice of n elements placed off elements into a buffer whose
// other elements hold guardBits.
type guarded struct {
	buf []float32
	off int
	n   int
}

func newGuarded(n, off int) *guarded {
	g := &guarded{buf: make([]float32, off+n+guardLen), off: off, n: n}
	for i := range g.buf {
		g.buf[i] = math.Float32frombits(guardBits)
	}
	return g
}

func (g *guarded) s() []float32 { return g.buf[g.off : g.off+g.n : g.off+g.n] }

func (g *guarded) checkGuards(t *testing.T, what string) {
	t.Helper()
	for i, v := range g.buf {
		if i >= g.off && i < g.off+g.n {
			continue
		}
		if math.Float32bits(v) != guardBits {
			t.Fatalf("%s: guard at buffer index %d (slice is [%d:%d]) overwritten with %v",
				what, i, g.off, g.off+g.n, v)
		}
	}
}

// fillRandom writes values of mixed sign and magnitude. With specials it also
// plants 0, -0, NaN and ±Inf, for the kernels whose semantics define them.
func fillRandom(rng *rand.Rand, x []float32, specials bool) {
	for i := range x {
		x[i] = float32(math.Ldexp(rng.Float64()*2-1, rng.IntN(9)-4))
	}
	if !specials {
		return
	}
	sp := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()),
		float32(math.Inf(1)), float32(math.Inf(-1))}
	for i := range x {
		if rng.IntN(8) == 0 {
			x[i] = sp[rng.IntN(len(sp))]
		}
	}
}

func sameBits(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

func r32(v float64) float64 { return float64(float32(v)) }

const (
	testAlpha = float32(-1.3709)
	testBeta  = float32(0.61)
	testM     = float32(0.37)  // CenteredAffine's mean
	testC     = float32(-1.25) // and offset
)

// elemCase describes one elementwise kernel: dst is read-write (its old value
// matters for Axpy, Axpby and Scale), ins are read-only inputs. Inputs include
// 0, -0, NaN and ±Inf; NaN results compare equal whatever their payload.
type elemCase struct {
	name string
	nIn  int
	run  func(dst []float32, ins [][]float32)
	want func(dst0 float64, in []float64) float64 // one element, float64 arithmetic
}

var elemCases = []elemCase{
	{"Axpy", 1,
		func(d []float32, in [][]float32) { Axpy(testAlpha, in[0], d) },
		func(d float64, in []float64) float64 { return r32(d + r32(float64(testAlpha)*in[0])) }},
	{"Scale", 0,
		func(d []float32, in [][]float32) { Scale(testAlpha, d) },
		func(d float64, in []float64) float64 { return r32(d * float64(testAlpha)) }},
	{"ScaleTo", 1,
		func(d []float32, in [][]float32) { ScaleTo(d, testAlpha, in[0]) },
		func(d float64, in []float64) float64 { return r32(float64(testAlpha) * in[0]) }},
	{"Axpby", 1,
		func(d []float32, in [][]float32) { Axpby(testAlpha, in[0], testBeta, d) },
		func(d float64, in []float64) float64 {
			return r32(r32(float64(testAlpha)*in[0]) + r32(float64(testBeta)*d))
		}},
	{"AddConst", 1,
		func(d []float32, in [][]float32) { AddConst(d, testAlpha, in[0]) },
		func(d float64, in []float64) float64 { return r32(in[0] + float64(testAlpha)) }},
	{"CenteredAffine", 2,
		func(d []float32, in [][]float32) { CenteredAffine(d, in[0], in[1], testAlpha, testBeta, testM, testC) },
		func(d float64, in []float64) float64 {
			c := r32(float64(testBeta) * r32(in[1]-float64(testM)))
			return r32(r32(r32(float64(testAlpha)*in[0])+c) + float64(testC))
		}},
	{"CenteredAffineNoT", 1,
		func(d []float32, in [][]float32) { CenteredAffine(d, nil, in[0], testAlpha, testBeta, testM, testC) },
		func(d float64, in []float64) float64 {
			return r32(r32(float64(testBeta)*r32(in[0]-float64(testM))) + float64(testC))
		}},
	{"Div", 2,
		func(d []float32, in [][]float32) { Div(d, in[0], in[1]) },
		func(d float64, in []float64) float64 { return r32(in[0] / in[1]) }},
	{"Add", 2,
		func(d []float32, in [][]float32) { Add(d, in[0], in[1]) },
		func(d float64, in []float64) float64 { return r32(in[0] + in[1]) }},
	{"Sub", 2,
		func(d []float32, in [][]float32) { Sub(d, in[0], in[1]) },
		func(d float64, in []float64) float64 { return r32(in[0] - in[1]) }},
	{"Mul", 2,
		func(d []float32, in [][]float32) { Mul(d, in[0], in[1]) },
		func(d float64, in []float64) float64 { return r32(in[0] * in[1]) }},
	{"ReLU", 1,
		func(d []float32, in [][]float32) { ReLU(d, in[0]) },
		func(d float64, in []float64) float64 { return relu64(in[0]) }},
	{"ReLUBackward", 2,
		func(d []float32, in [][]float32) { ReLUBackward(d, in[0], in[1]) },
		func(d float64, in []float64) float64 { return reluGrad64(in[0], in[1]) }},
}

func relu64(v float64) float64 {
	if v > 0 {
		return v
	}
	return 0
}

func TestElementwiseKernels(t *testing.T) {
	for _, kc := range elemCases {
		t.Run(kc.name, func(t *testing.T) {
			forEachLevel(t, func(t *testing.T) { checkElementwise(t, kc) })
		})
	}
}

func checkElementwise(t *testing.T, kc elemCase) {
	rng := rand.New(rand.NewPCG(1, uint64(len(kc.name))))
	for _, n := range testLengths {
		for off := 1; off <= 7; off++ {
			dst := newGuarded(n, off)
			fillRandom(rng, dst.s(), true)
			dst0 := append([]float32(nil), dst.s()...)
			ins := make([]*guarded, kc.nIn)
			inSlices := make([][]float32, kc.nIn)
			for k := range ins {
				ins[k] = newGuarded(n, (off+3*k+2)%8) // a different misalignment per input
				fillRandom(rng, ins[k].s(), true)
				inSlices[k] = ins[k].s()
			}
			saved := make([][]float32, kc.nIn)
			for k := range ins {
				saved[k] = append([]float32(nil), inSlices[k]...)
			}

			kc.run(dst.s(), inSlices)

			dst.checkGuards(t, kc.name+" dst")
			in64 := make([]float64, kc.nIn)
			for i, got := range dst.s() {
				for k := range in64 {
					in64[k] = float64(inSlices[k][i])
				}
				want := float32(kc.want(float64(dst0[i]), in64))
				if !sameBits(got, want) {
					t.Fatalf("n=%d off=%d: element %d = %v (%#x), want %v (%#x); inputs %v, dst before %v",
						n, off, i, got, math.Float32bits(got), want, math.Float32bits(want), in64, dst0[i])
				}
			}
			for k := range ins {
				ins[k].checkGuards(t, kc.name+" input")
				for i := range saved[k] {
					if !sameBits(saved[k][i], inSlices[k][i]) {
						t.Fatalf("n=%d: input %d modified at %d", n, k, i)
					}
				}
			}
		}
	}
}

// TestElementwiseAliasing runs the kernels with dst being one of the inputs.
func TestElementwiseAliasing(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 7))
		for _, n := range []int{1, 7, 8, 9, 31, 33, 70, 1000} {
			x := make([]float32, n)
			y := make([]float32, n)
			fillRandom(rng, x, false)
			fillRandom(rng, y, false)
			check := func(what string, got []float32, want func(i int) float64) {
				t.Helper()
				for i := range got {
					if w := float32(want(i)); !sameBits(got[i], w) {
						t.Fatalf("%s n=%d: element %d = %v, want %v", what, n, i, got[i], w)
					}
				}
			}
			a := append([]float32(nil), x...)
			Add(a, a, y)
			check("Add dst=x", a, func(i int) float64 { return r32(float64(x[i]) + float64(y[i])) })
			b := append([]float32(nil), y...)
			Sub(b, x, b)
			check("Sub dst=y", b, func(i int) float64 { return r32(float64(x[i]) - float64(y[i])) })
			c := append([]float32(nil), x...)
			Mul(c, c, c)
			check("Mul dst=x=y", c, func(i int) float64 { return r32(float64(x[i]) * float64(x[i])) })
			q := append([]float32(nil), y...)
			Div(q, x, q)
			check("Div dst=y", q, func(i int) float64 { return r32(float64(x[i]) / float64(y[i])) })
			d := append([]float32(nil), x...)
			ReLU(d, d)
			check("ReLU dst=x", d, func(i int) float64 { return relu64(float64(x[i])) })
			e := append([]float32(nil), y...)
			ReLUBackward(e, e, x)
			check("ReLUBackward dst=dy", e, func(i int) float64 { return reluGrad64(float64(y[i]), float64(x[i])) })
			f := append([]float32(nil), x...)
			ReLUBackward(f, y, f)
			check("ReLUBackward dst=x", f, func(i int) float64 { return reluGrad64(float64(y[i]), float64(x[i])) })
		}
	})
}

func reluGrad64(dy, x float64) float64 {
	if x > 0 {
		return dy
	}
	return 0
}

// reduceCase describes one reduction: want returns the exact float64 sum and
// the sum of the absolute values of its terms (the scale of rounding error).
type reduceCase struct {
	name string
	nIn  int
	rel  float64 // tolerance relative to sum |terms|
	run  func(in [][]float32) float64
	want func(in [][]float32) (sum, abs float64)
}

// Tolerances: float32 sums of up to 4099 terms in at least 4 partial sums
// stay well within relTol32 on random data; float64 sums within relTol64
// (the worst case n·eps64 is 4.6e-13).
const (
	relTol32 = 1e-5
	relTol64 = 1e-12
)

var reduceCases = []reduceCase{
	{"Dot", 2, relTol32, func(in [][]float32) float64 { return float64(Dot(in[0], in[1])) }, wantDot},
	{"Sum", 1, relTol32, func(in [][]float32) float64 { return float64(Sum(in[0])) }, wantSum},
	{"SumSquares", 1, relTol32, func(in [][]float32) float64 { return float64(SumSquares(in[0])) }, wantSumSquares},
	{"Dot64", 2, relTol64, func(in [][]float32) float64 { return Dot64(in[0], in[1]) }, wantDot},
	{"Sum64", 1, relTol64, func(in [][]float32) float64 { return Sum64(in[0]) }, wantSum},
	{"SumSquares64", 1, relTol64, func(in [][]float32) float64 { return SumSquares64(in[0]) }, wantSumSquares},
	// m = 0.5 keeps integer data's terms exact (quarter-integers).
	{"SumCenteredSquares64", 1, relTol64, func(in [][]float32) float64 { return SumCenteredSquares64(in[0], 0.5) }, wantCenteredSquares},
}

// The float64 references: exact products, sums in order, plus sum |terms|.
func wantDot(in [][]float32) (s, a float64) {
	for i := range in[0] {
		p := float64(in[0][i]) * float64(in[1][i])
		s, a = s+p, a+math.Abs(p)
	}
	return
}

func wantSum(in [][]float32) (s, a float64) {
	for _, v := range in[0] {
		s, a = s+float64(v), a+math.Abs(float64(v))
	}
	return
}

func wantSumSquares(in [][]float32) (s, a float64) {
	for _, v := range in[0] {
		s += float64(v) * float64(v)
	}
	return s, s
}

func wantCenteredSquares(in [][]float32) (s, a float64) {
	for _, v := range in[0] {
		e := float64(v) - 0.5
		s += e * e
	}
	return s, s
}

func TestReductions(t *testing.T) {
	for _, rc := range reduceCases {
		t.Run(rc.name, func(t *testing.T) {
			forEachLevel(t, func(t *testing.T) {
				checkReduction(t, rc, false)
				checkReduction(t, rc, true)
			})
		})
	}
}

// checkReduction compares with a float64 sum. With integers true the data are
// small integers, every partial sum is exact in float32, and the result must
// be exact: that catches a dropped or doubled element that a tolerance would
// hide at large n. Random data get a tolerance relative to sum |terms|.
func checkReduction(t *testing.T, rc reduceCase, integers bool) {
	rng := rand.New(rand.NewPCG(3, uint64(len(rc.name))))
	for _, n := range testLengths {
		for off := 1; off <= 7; off++ {
			ins := make([]*guarded, rc.nIn)
			inSlices := make([][]float32, rc.nIn)
			for k := range ins {
				ins[k] = newGuarded(n, (off+5*k)%8)
				inSlices[k] = ins[k].s()
				if integers {
					for i := range inSlices[k] {
						inSlices[k][i] = float32(rng.IntN(33) - 16)
					}
				} else {
					fillRandom(rng, inSlices[k], false)
				}
			}
			got := rc.run(inSlices)
			want, abs := rc.want(inSlices)
			tol := rc.rel * abs
			if integers {
				tol = 0
			}
			if !(math.Abs(got-want) <= tol) { // also fails on NaN
				t.Fatalf("n=%d off=%d integers=%v: got %v, want %v (error %.3g, tolerance %.3g)",
					n, off, integers, got, want, got-want, tol)
			}
			for k := range ins {
				ins[k].checkGuards(t, rc.name+" input")
			}
		}
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	a, b := make([]float32, 3), make([]float32, 4)
	cases := map[string]func(){
		"Dot":            func() { Dot(a, b) },
		"Dot64":          func() { Dot64(a, b) },
		"Axpy":           func() { Axpy(1, a, b) },
		"Add":            func() { Add(a, a, b) },
		"Add dst":        func() { Add(b, a, a) },
		"Sub":            func() { Sub(a, b, a) },
		"Mul":            func() { Mul(a, a, b) },
		"Div":            func() { Div(a, b, b) },
		"ScaleTo":        func() { ScaleTo(a, 2, b) },
		"AddConst":       func() { AddConst(b, 2, a) },
		"Axpby":          func() { Axpby(1, a, 2, b) },
		"ReLU":           func() { ReLU(a, b) },
		"ReLUBackward":   func() { ReLUBackward(a, a, b) },
		"ReLUBackward d": func() { ReLUBackward(b, a, a) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, "simd.") || !strings.Contains(msg, "=3") || !strings.Contains(msg, "=4") {
					t.Fatalf("panic %v, want a message naming the kernel and both lengths", r)
				}
			}()
			f()
		})
	}
}

func TestUseRejectsUnknownLevel(t *testing.T) {
	prev := Current()
	for _, name := range []string{"sse9", "avx1024", ""} {
		if err := Use(name); err == nil {
			t.Errorf("Use(%q) succeeded, want an error", name)
		} else if !strings.Contains(err.Error(), "not available") {
			t.Errorf("Use(%q): unhelpful error %q", name, err)
		}
		if Current() != prev {
			t.Errorf("failed Use(%q) changed the level from %s to %s", name, prev, Current())
		}
	}
	useForTest(t, Level("GENERIC ")) // names are trimmed and case-insensitive
	if Current() != Generic {
		t.Errorf("Use(\"GENERIC \") selected %s", Current())
	}
}
