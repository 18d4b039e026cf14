package heat

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/dsp"
)

// referenceBlur is the definition computed the long way in float64: the
// 2-D DCT-II, every coefficient (p, q) times exp(−π²(p²/H² + q²/W²)t)
// written as one exponent (not as the per-axis product Blur relies on), and
// the inverse DCT.
func referenceBlur(x []float64, n, h, w int, t float64) []float64 {
	c, err := dsp.DCT2Float64(x, n, h, w)
	if err != nil {
		panic(err)
	}
	for i := 0; i < n; i++ {
		for p := 0; p < h; p++ {
			for q := 0; q < w; q++ {
				fp, fq := float64(p)/float64(h), float64(q)/float64(w)
				c[(i*h+p)*w+q] *= math.Exp(-math.Pi * math.Pi * (fp*fp + fq*fq) * t)
			}
		}
	}
	u, err := dsp.IDCT2Float64(c, n, h, w)
	if err != nil {
		panic(err)
	}
	return u
}

func float32Batch(r *rand.Rand, shape ...int) (*tensor.Tensor, []float64) {
	x := tensor.New(shape...)
	d := x.Data()
	x64 := make([]float64, len(d))
	for i := range d {
		d[i] = r.Float32()
		x64[i] = float64(d[i])
	}
	return x, x64
}

func maxDiff(a []float64, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-float64(b[i])))
	}
	return m
}

// TestBlurMatchesDefinition compares Blur (float32, separable operators)
// with the float64 DCT → scale → IDCT of the definition, for square and
// non-square images (H ≠ W checks that rows use H and columns W) and the
// MNIST schedule's extreme times. Pixels are in [0,1] and every output is a
// convex-like combination of them with weights summing to 1, so float32
// rounding over two 64-term passes stays below 1e-6.
func TestBlurMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 1))
	for _, s := range [][4]int{{2, 1, 28, 28}, {1, 3, 32, 32}, {1, 1, 64, 64}, {2, 2, 6, 9}, {1, 1, 2, 2}} {
		for _, tm := range []float64{0.125, 0.5, 3, 200} {
			x, x64 := float32Batch(r, s[:]...)
			got, err := Blur(x, tm)
			if err != nil {
				t.Fatal(err)
			}
			want := referenceBlur(x64, s[0]*s[1], s[2], s[3], tm)
			if d := maxDiff(want, got.Data()); d > 1e-6 {
				t.Errorf("%v t=%v: Blur differs from DCT→exp→IDCT by %g", s, tm, d)
			}
		}
	}
}

// TestBlurTestVector checks the 4×4 vector of heat-reference.md §1.3
// (x[i][j] = ((3i+5j) mod 7)/6 at σ_B = 1 and 2, printed to 6 decimals).
func TestBlurTestVector(t *testing.T) {
	x := tensor.New(1, 1, 4, 4)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			x.Set(float32((3*i+5*j)%7)/6, 0, 0, i, j)
		}
	}
	cases := []struct {
		sigma float64
		want  []float64
	}{
		{1, []float64{0.356285, 0.485471, 0.511731, 0.423180, 0.479156, 0.514195, 0.519557, 0.454015,
			0.544838, 0.505588, 0.480801, 0.421726, 0.449973, 0.433730, 0.468803, 0.450953}},
		{2, []float64{0.465862, 0.467840, 0.468411, 0.467234, 0.469923, 0.470215, 0.468856, 0.466634,
			0.473438, 0.471795, 0.468314, 0.465020, 0.474344, 0.471656, 0.467108, 0.463350}},
	}
	for _, c := range cases {
		got, err := Blur(x, c.sigma*c.sigma/2)
		if err != nil {
			t.Fatal(err)
		}
		// Half a unit of the 6th decimal, plus float32 rounding.
		if d := maxDiff(c.want, got.Data()); d > 5e-7+1e-7 {
			t.Errorf("σ_B=%v: differs from the reference vector by %g: %v", c.sigma, d, got.Data())
		}
	}
}

// TestBlurCosineModes: the cosine basis images are the eigenfunctions, so
// each decays by exactly exp(−π²(p²/H² + q²/W²)t) and keeps its shape.
func TestBlurCosineModes(t *testing.T) {
	const h, w, tm = 12, 20, 1.7
	modes := [][2]int{{0, 0}, {1, 0}, {0, 1}, {3, 5}, {11, 19}, {6, 2}}
	x := tensor.New(1, len(modes), h, w)
	for c, m := range modes {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				v := math.Cos(math.Pi*float64((2*i+1)*m[0])/(2*h)) * math.Cos(math.Pi*float64((2*j+1)*m[1])/(2*w))
				x.Set(float32(v), 0, c, i, j)
			}
		}
	}
	got, err := Blur(x, tm)
	if err != nil {
		t.Fatal(err)
	}
	for c, m := range modes {
		fp, fq := float64(m[0])/h, float64(m[1])/w
		factor := math.Exp(-math.Pi * math.Pi * (fp*fp + fq*fq) * tm)
		var worst float64
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				worst = math.Max(worst, math.Abs(float64(got.At(0, c, i, j))-factor*float64(x.At(0, c, i, j))))
			}
		}
		if worst > 1e-6 {
			t.Errorf("mode (%d,%d): deviates from factor %.6g × mode by %g", m[0], m[1], factor, worst)
		}
	}
}

// TestBlurKeepsMean: the DC mode has eigenvalue 0, so every channel's mean
// is conserved, at any t (t = 1e4 leaves nothing else).
func TestBlurKeepsMean(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2))
	x, _ := float32Batch(r, 3, 2, 28, 28)
	for _, tm := range []float64{0.5, 50, 1e4} {
		u, err := Blur(x, tm)
		if err != nil {
			t.Fatal(err)
		}
		for b := 0; b < 3; b++ {
			for c := 0; c < 2; c++ {
				var before, after float64
				for i := 0; i < 28; i++ {
					for j := 0; j < 28; j++ {
						before += float64(x.At(b, c, i, j))
						after += float64(u.At(b, c, i, j))
					}
				}
				if d := math.Abs(before-after) / (28 * 28); d > 1e-6 {
					t.Errorf("t=%v image %d channel %d: mean moved by %g", tm, b, c, d)
				}
			}
		}
	}
}

// gaussianKernel is the Gaussian of variance 2t sampled at integer offsets.
func gaussianKernel(d, t float64) float64 {
	return math.Exp(-d*d/(4*t)) / math.Sqrt(4*math.Pi*t)
}

// TestBlurIsGaussianInTheInterior compares the blur of a small random patch
// in the middle of a 64×64 image with its discrete convolution by a sampled
// Gaussian of variance 2t per axis. Per axis the blur's kernel is exactly
// A(i,a) = Σ_m [k(i−a+2Nm) + k(i+a+1+2Nm)] (the Neumann boundary's mirror
// images, period 2N), where k is the Gaussian band-limited to |ω| ≤ π (the
// DCT's frequencies πp/N stop there; the ω = π terms of a source and its
// mirror cancel). Against the sampled Gaussian g(i−a) that kernel errs,
// per axis and unit of mass, by at most
//   - twice (direct and mirrored sums) the spectrum beyond π that the
//     sampled Gaussian aliases back: (1/2N)·2Σ_{p≥N} exp(−(πp/N)²t)
//     ≤ exp(−π²t)/N + erfc(π√t)/(2√(πt));
//   - the nearest mirror images, at least lo+1 pixels from any output in
//     both directions, and the periodic copies 2N−hi away;
//
// so a product of two axis kernels errs by at most 2·e·g(0) + e², times
// the patch's mass; float32 rounding adds below 1e-6 for outputs ≤ 1.
func TestBlurIsGaussianInTheInterior(t *testing.T) {
	const n, lo, hi = 64, 29, 35 // patch rows/columns [29, 35)
	r := rand.New(rand.NewPCG(11, 3))
	x := tensor.New(1, 1, n, n)
	var mass float64
	for i := lo; i < hi; i++ {
		for j := lo; j < hi; j++ {
			v := r.Float32()
			x.Set(v, 0, 0, i, j)
			mass += float64(v)
		}
	}
	for _, tm := range []float64{1, 2, 8} {
		u, err := Blur(x, tm)
		if err != nil {
			t.Fatal(err)
		}
		alias := math.Exp(-math.Pi*math.Pi*tm)/n + math.Erfc(math.Pi*math.Sqrt(tm))/(2*math.Sqrt(math.Pi*tm))
		mirrors := 2*gaussianKernel(lo+1, tm) + 2*gaussianKernel(2*n-hi, tm)
		axis := 2*alias + mirrors
		peak := gaussianKernel(0, tm)
		bound := mass*(2*axis*peak+axis*axis) + 1e-6
		var worst float64
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				var want float64
				for a := lo; a < hi; a++ {
					for b := lo; b < hi; b++ {
						want += float64(x.At(0, 0, a, b)) * gaussianKernel(float64(i-a), tm) * gaussianKernel(float64(j-b), tm)
					}
				}
				worst = math.Max(worst, math.Abs(want-float64(u.At(0, 0, i, j))))
			}
		}
		if worst > bound {
			t.Errorf("t=%v: differs from the Gaussian convolution by %g, bound %g", tm, worst, bound)
		}
		t.Logf("t=%v: largest difference from the Gaussian convolution %.3g (bound %.3g)", tm, worst, bound)
		// A blur of a different variance must fail the same bound: the
		// comparison can tell variance 2t from 2.2t.
		var wrong float64
		for a := lo; a < hi; a++ {
			for b := lo; b < hi; b++ {
				wrong += float64(x.At(0, 0, a, b)) * gaussianKernel(float64(32-a), 1.1*tm) * gaussianKernel(float64(32-b), 1.1*tm)
			}
		}
		if d := math.Abs(wrong - float64(u.At(0, 0, 32, 32))); d <= bound {
			t.Errorf("t=%v: variance 2.2t agrees at the centre to %g, within the bound %g", tm, d, bound)
		}
	}
}

func TestBlurZeroTimeIsIdentity(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 4))
	x, _ := float32Batch(r, 2, 1, 5, 4)
	u, err := Blur(x, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range x.Data() {
		if u.Data()[i] != v {
			t.Fatalf("t=0 changed element %d: %v → %v", i, v, u.Data()[i])
		}
	}
	u.Data()[0] = -1
	if x.Data()[0] == -1 {
		t.Fatal("Blur(x, 0) returned x's buffer, not a copy")
	}
}

func TestBlurErrors(t *testing.T) {
	ok := tensor.New(1, 1, 4, 4)
	bad := tensor.New(1, 2, 3, 3)
	bad.Set(float32(math.NaN()), 0, 1, 2, 0)
	inf := tensor.New(1, 1, 3, 3)
	inf.Set(float32(math.Inf(-1)), 0, 0, 0, 1)
	cases := []struct {
		x    *tensor.Tensor
		t    float64
		want string
	}{
		{ok, -0.5, "t = -0.5"},
		{ok, math.NaN(), "t = NaN"},
		{ok, math.Inf(1), "t = +Inf"},
		{tensor.New(4, 4), 1, "[4 4]"},
		{tensor.New(1, 1, 1, 8), 1, "1x8"},
		{tensor.New(2, 1, 8, 1), 1, "8x1"},
		{bad, 1, "NaN at index [0 1 2 0]"},
		{inf, 0, "-Inf at index [0 0 0 1]"},
	}
	for _, c := range cases {
		_, err := Blur(c.x, c.t)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Blur(%v, %v): error %v, want one containing %q", c.x.Shape(), c.t, err, c.want)
		}
	}
}

// TestBlurThreadIndependent: the same bits for any worker count.
func TestBlurThreadIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 5))
	x, _ := float32Batch(r, 16, 3, 28, 28)
	defer tensor.SetThreads(tensor.Threads())
	tensor.SetThreads(1)
	ref, _ := Blur(x, 2)
	for _, th := range []int{2, 5} {
		tensor.SetThreads(th)
		got, _ := Blur(x, 2)
		for i, v := range got.Data() {
			if v != ref.Data()[i] {
				t.Fatalf("%d threads: element %d is %v, 1 thread gave %v", th, i, v, ref.Data()[i])
			}
		}
	}
}
