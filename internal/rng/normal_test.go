package rng

import (
	"math"
	"testing"
)

// TestNormalMoments: for every Gaussian method, the mean and second moment of
// 1e5 normals within 5 standard errors (the variance of the sample second
// moment of a standard normal is 2/n), and the fourth moment too
// (Var(x⁴) = 105 − 9 = 96).
func TestNormalMoments(t *testing.T) {
	const n = 100000
	draws := map[string]func() []float64{
		"Normal":    func() []float64 { r := New(1); return repeat(n, r.Normal) },
		"NormalCos": func() []float64 { r := New(2); return repeat(n, r.NormalCos) },
		"FillNormal": func() []float64 {
			buf := make([]float32, n)
			New(3).FillNormal(buf, 3, 2)
			xs := make([]float64, n)
			for i, v := range buf {
				xs[i] = (float64(v) - 3) / 2
			}
			return xs
		},
		"SplitMix64.Normal": func() []float64 { r := NewSplitMix64(4); return repeat(n, r.Normal) },
		"SplitMix64.FillNormal64": func() []float64 {
			xs := make([]float64, n)
			NewSplitMix64(5).FillNormal64(xs)
			return xs
		},
	}
	for name, draw := range draws {
		var s1, s2, s4 float64
		for _, x := range draw() {
			s1 += x
			s2 += x * x
			s4 += x * x * x * x
		}
		mean, m2, m4 := s1/n, s2/n, s4/n
		if math.Abs(mean) > 5/math.Sqrt(n) {
			t.Errorf("%s: mean %v", name, mean)
		}
		if math.Abs(m2-1) > 5*math.Sqrt(2.0/n) {
			t.Errorf("%s: second moment %v", name, m2)
		}
		if math.Abs(m4-3) > 5*math.Sqrt(96.0/n) {
			t.Errorf("%s: fourth moment %v", name, m4)
		}
	}
}

func repeat(n int, f func() float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = f()
	}
	return xs
}

// The Box–Muller variants from one state, computed here from the uniforms:
// Normal gives the cosine then the sine of a pair, NormalCos only the cosine
// and leaves Normal's spare alone; FillNormal continues a pending spare.
func TestNormalVariantsFromUniforms(t *testing.T) {
	u := New(6)
	u1, u2 := 1-u.Float64(), u.Float64()
	u3, u4 := 1-u.Float64(), u.Float64()
	rad := math.Sqrt(-2 * math.Log(u1))
	s, c := math.Sincos(2 * math.Pi * u2)
	cos2 := math.Sqrt(-2*math.Log(u3)) * math.Cos(2*math.Pi*u4)

	r := New(6)
	if g := r.Normal(); g != rad*c {
		t.Fatalf("Normal = %v, want %v", g, rad*c)
	}
	if g := r.NormalCos(); g != cos2 {
		t.Fatalf("NormalCos = %v, want %v", g, cos2)
	}
	dst := make([]float32, 1)
	if r.FillNormal(dst, 1, 2); dst[0] != float32(1+2*rad*s) {
		t.Fatalf("FillNormal after Normal = %v, want the spare %v", dst[0], float32(1+2*rad*s))
	}
	if r.Uint64() != u.Uint64() {
		t.Fatal("the variants drew a different number of uniforms")
	}
}

// SplitMix64's uniforms are cell midpoints in (0, 1), and its normals are the
// Box–Muller cosine, then sine, of two of them.
func TestSplitMix64Normal(t *testing.T) {
	u := NewSplitMix64(7)
	for i := 0; i < 1000; i++ {
		if v := u.OpenFloat64(); !(v > 0 && v < 1) {
			t.Fatalf("OpenFloat64 = %v outside (0, 1)", v)
		}
	}
	u = NewSplitMix64(8)
	a, b := u.OpenFloat64(), u.OpenFloat64()
	rad := math.Sqrt(-2 * math.Log(a))
	r := NewSplitMix64(8)
	if g0, g1 := r.Normal(), r.Normal(); g0 != rad*math.Cos(2*math.Pi*b) || g1 != rad*math.Sin(2*math.Pi*b) {
		t.Fatalf("Normal pair %v %v, want %v %v", g0, g1, rad*math.Cos(2*math.Pi*b), rad*math.Sin(2*math.Pi*b))
	}
}
