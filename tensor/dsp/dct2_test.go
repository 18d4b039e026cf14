package dsp

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// naiveDCT2Rect is the separable 2-D DCT-II of an h×w image by the O(n²)
// definition: every row, then every column.
func naiveDCT2Rect(img []float64, h, w int) []float64 {
	tmp := make([]float64, h*w)
	for i := 0; i < h; i++ {
		copy(tmp[i*w:], naiveDCT1(img[i*w:(i+1)*w]))
	}
	out := make([]float64, h*w)
	col := make([]float64, h)
	for j := 0; j < w; j++ {
		for i := 0; i < h; i++ {
			col[i] = tmp[i*w+j]
		}
		for p, v := range naiveDCT1(col) {
			out[p*w+j] = v
		}
	}
	return out
}

// dctShapes are [B,C,H,W] batches: the study's sides (28, 32, 64), odd and
// non-square sides, and degenerate ones.
var dctShapes = [][4]int{{3, 2, 28, 28}, {2, 3, 32, 32}, {2, 1, 64, 64}, {1, 2, 5, 7}, {2, 1, 1, 9}, {1, 1, 2, 2}}

func randomImages(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = r.Float64()
	}
	return x
}

func maxAbsDiff(a []float64, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-float64(b[i])))
	}
	return m
}

func TestDCT2Float64MatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 1))
	for _, s := range dctShapes {
		n, h, w := s[0]*s[1], s[2], s[3]
		x := randomImages(r, n*h*w)
		got, err := DCT2Float64(x, n, h, w)
		if err != nil {
			t.Fatal(err)
		}
		var worst float64
		for i := 0; i < n; i++ {
			want := naiveDCT2Rect(x[i*h*w:(i+1)*h*w], h, w)
			for j, v := range want {
				worst = math.Max(worst, math.Abs(got[i*h*w+j]-v))
			}
		}
		if worst > 1e-12 {
			t.Errorf("%v: DCT2Float64 differs from the naive DCT-II by %g", s, worst)
		}
		back, err := IDCT2Float64(got, n, h, w)
		if err != nil {
			t.Fatal(err)
		}
		worst = 0
		for i, v := range x {
			worst = math.Max(worst, math.Abs(back[i]-v))
		}
		if worst > 1e-12 {
			t.Errorf("%v: IDCT2Float64(DCT2Float64(x)) differs from x by %g", s, worst)
		}
	}
}

// TestDCT2Float32 checks the float32 transform against the float64 naive
// DCT-II and the round trip against x. Pixels are in [0,1]; an orthonormal
// n-point transform sums n float32 products, so the error bound is a few
// float32 ulps (6e-8) times the coefficients' size, and 1e-6 holds with
// room for n ≤ 64 (the DC coefficient of a 64×64 image of [0,1] values is
// about 32: the forward check is relative to it).
func TestDCT2Float32(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 2))
	for _, s := range dctShapes {
		n, h, w := s[0]*s[1], s[2], s[3]
		x := randomImages(r, n*h*w)
		x32 := make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
			x[i] = float64(x32[i])
		}
		xt, _ := tensor.FromSlice(x32, s[:]...)
		coef, err := DCT2(xt)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float64, 0, len(x))
		var scale float64
		for i := 0; i < n; i++ {
			want = append(want, naiveDCT2Rect(x[i*h*w:(i+1)*h*w], h, w)...)
		}
		for _, v := range want {
			scale = math.Max(scale, math.Abs(v))
		}
		if d := maxAbsDiff(want, coef.Data()); d > 1e-6*scale {
			t.Errorf("%v: DCT2 differs from the naive DCT-II by %g (largest coefficient %g)", s, d, scale)
		}
		back, err := IDCT2(coef)
		if err != nil {
			t.Fatal(err)
		}
		if d := maxAbsDiff(x, back.Data()); d > 1e-6 {
			t.Errorf("%v: IDCT2(DCT2(x)) differs from x by %g", s, d)
		}
		if got := back.Shape(); len(got) != 4 || got[0] != s[0] || got[1] != s[1] || got[2] != s[2] || got[3] != s[3] {
			t.Errorf("%v: IDCT2 returned shape %v", s, got)
		}
	}
}

// TestDCT2ReadsViews checks that a non-contiguous input (a transposed view)
// is transformed as its values, not its buffer.
func TestDCT2ReadsViews(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 3))
	x := make([]float32, 2*6*5)
	for i := range x {
		x[i] = r.Float32()
	}
	base, _ := tensor.FromSlice(x, 1, 2, 6, 5)
	view, _ := base.Transpose(2, 3) // [1 2 5 6]
	got, err := DCT2(view)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := DCT2(view.Clone())
	for i, v := range want.Data() {
		if got.Data()[i] != v {
			t.Fatalf("DCT2 of a view differs from DCT2 of its copy at %d: %v vs %v", i, got.Data()[i], v)
		}
	}
}

func TestDCT2ThreadIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 4))
	x := make([]float32, 64*3*32*32)
	for i := range x {
		x[i] = r.Float32()
	}
	xt, _ := tensor.FromSlice(x, 64, 3, 32, 32)
	defer tensor.SetThreads(tensor.Threads())
	var ref []float32
	for _, threads := range []int{1, 2, 3} {
		tensor.SetThreads(threads)
		got, err := DCT2(xt)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = got.Data()
			continue
		}
		for i, v := range got.Data() {
			if v != ref[i] {
				t.Fatalf("%d threads: element %d is %v, 1 thread gave %v", threads, i, v, ref[i])
			}
		}
	}
}

func TestSeparableErrors(t *testing.T) {
	x := tensor.New(2, 3, 4)
	if _, err := DCT2(x); err == nil || !strings.Contains(err.Error(), "[2 3 4]") {
		t.Errorf("DCT2 of a rank-3 tensor: error %v, want one naming the shape", err)
	}
	img := tensor.New(1, 1, 4, 5)
	if _, err := Separable(img, make([]float32, 16), make([]float32, 16)); err == nil || !strings.Contains(err.Error(), "5x5") {
		t.Errorf("Separable with a 4x4 row matrix for width 5: error %v, want one naming 5x5", err)
	}
	if _, err := Separable64(make([]float64, 7), 1, 2, 3, nil, nil); err == nil {
		t.Error("Separable64 accepted 7 values as one 2x3 image")
	}
	if _, err := DCT2Float64(make([]float64, 6), 1, -2, -3); err == nil {
		t.Error("DCT2Float64 accepted negative sides")
	}
}

// TestDCTMatrixOrthonormal checks CᵀC = I and that DCTMatrix hands out a
// copy (changing it must not change the cached basis).
func TestDCTMatrixOrthonormal(t *testing.T) {
	for _, n := range []int{1, 2, 7, 28, 64} {
		c := DCTMatrix(n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for p := 0; p < n; p++ {
					s += c[p*n+i] * c[p*n+j]
				}
				want := 0.0
				if i == j {
					want = 1
				}
				if math.Abs(s-want) > 1e-13 {
					t.Fatalf("n=%d: (CᵀC)[%d][%d] = %v", n, i, j, s)
				}
			}
		}
		c[0] = 42
		if DCTMatrix(n)[0] == 42 {
			t.Fatalf("n=%d: DCTMatrix returned the cached slice", n)
		}
	}
}
