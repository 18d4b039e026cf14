package tensor

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/simd"
)

// naiveGemm is the float64 reference: C = alpha·op(A)·op(B) + beta·C.
func naiveGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				ai, bi := i*lda+p, p*ldb+j
				if transA {
					ai = p*lda + i
				}
				if transB {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			out[i*n+j] = v
		}
	}
	return out
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

type gemmCase struct {
	transA, transB bool
	m, n, k        int
	pad            int // extra leading-dimension padding
	alpha, beta    float32
}

func (g gemmCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d pad=%d alpha=%v beta=%v", g.transA, g.transB, g.m, g.n, g.k, g.pad, g.alpha, g.beta)
}

// checkGemm runs one case through Sgemm and compares with naiveGemm; it
// returns C so callers can compare runs bit for bit.
func checkGemm(t *testing.T, rng *rand.Rand, g gemmCase) []float32 {
	t.Helper()
	in := newGemmInputs(rng, g)
	return in.check(t, g)
}

// gemmInputs holds one case's operands and its float64 reference result, so
// that several kernels and thread counts can be checked against one naive run.
type gemmInputs struct {
	a, b, c       []float32
	lda, ldb, ldc int
	want          []float64
}

func newGemmInputs(rng *rand.Rand, g gemmCase) *gemmInputs {
	ar, ac := g.m, g.k
	if g.transA {
		ar, ac = ac, ar
	}
	br, bc := g.k, g.n
	if g.transB {
		br, bc = bc, br
	}
	in := &gemmInputs{lda: ac + g.pad, ldb: bc + g.pad, ldc: g.n + g.pad}
	in.a = randSlice(rng, max(0, ar*in.lda))
	in.b = randSlice(rng, max(0, br*in.ldb))
	in.c = randSlice(rng, max(0, g.m*in.ldc))
	if g.beta == 0 {
		for i := range in.c {
			if i%in.ldc < g.n {
				in.c[i] = float32(math.NaN())
			}
		}
	}
	in.want = naiveGemm(g.transA, g.transB, g.m, g.n, g.k, g.alpha, in.a, in.lda, in.b, in.ldb, g.beta, in.c, in.ldc)
	return in
}

func (in *gemmInputs) check(t *testing.T, g gemmCase) []float32 {
	t.Helper()
	ldc := in.ldc
	c := append([]float32(nil), in.c...)
	Sgemm(g.transA, g.transB, g.m, g.n, g.k, g.alpha, in.a, in.lda, in.b, in.ldb, g.beta, c, ldc)
	tol := 1e-5 * float64(g.k+4) * float64(abs32(g.alpha)+abs32(g.beta)+1)
	for i := 0; i < g.m; i++ {
		for j := 0; j < ldc; j++ {
			got, old := c[i*ldc+j], in.c[i*ldc+j]
			if j >= g.n {
				if math.Float32bits(got) != math.Float32bits(old) {
					t.Fatalf("%v (%s): padding C[%d,%d] changed", g, simd.GemmKernel().Name, i, j)
				}
				continue
			}
			if w := in.want[i*g.n+j]; math.IsNaN(float64(got)) || math.Abs(float64(got)-w) > tol {
				t.Fatalf("%v (%s, %d threads): C[%d,%d] = %v, want %v", g, simd.GemmKernel().Name, Threads(), i, j, got, w)
			}
		}
	}
	return c
}

func abs32(x float32) float32 { return float32(math.Abs(float64(x))) }

// forEachLevel runs f under every simd level this machine offers.
func forEachLevel(t *testing.T, f func(t *testing.T)) {
	defer func(l simd.Level) { _ = simd.Use(string(l)) }(simd.Current())
	for _, l := range simd.Available() {
		if err := simd.Use(string(l)); err != nil {
			t.Fatal(err)
		}
		t.Run(string(l), f)
	}
}

func gemmShapes() [][3]int {
	shapes := [][3]int{{1, 1, 1}, {7, 13, 5}, {1, 17, 9}, {19, 1, 3}, {2, 3, 1}, {300, 200, 517}, {64, 80, 576},
		{1030, 9, 1030}} // the last packs A block by block (over wholeALimit)
	// Primes and near-multiples around the micro-tile and block sizes.
	for _, s := range []int{5, 6, 7, 8, 11, 13, 14, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 97} {
		shapes = append(shapes, [3]int{s, s + 2, s + 1})
	}
	shapes = append(shapes, [3]int{29, 131, 389}, [3]int{131, 37, 769}, [3]int{521, 23, 41})
	return shapes
}

func TestSgemmShapes(t *testing.T) {
	defer SetThreads(Threads())
	defer func(l simd.Level) { _ = simd.Use(string(l)) }(simd.Current())
	rng := rand.New(rand.NewSource(2))
	for _, s := range gemmShapes() {
		g := gemmCase{m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0}
		in := newGemmInputs(rng, g)
		for _, l := range simd.Available() {
			if err := simd.Use(string(l)); err != nil {
				t.Fatal(err)
			}
			for _, th := range []int{1, 2, 3} {
				SetThreads(th)
				in.check(t, g)
			}
		}
	}
}

func TestSgemmTransposesAndScalars(t *testing.T) {
	defer func(l simd.Level) { _ = simd.Use(string(l)) }(simd.Current())
	rng := rand.New(rand.NewSource(3))
	scalars := [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {0, 0}, {0, 3}, {2, -1}}
	for _, s := range [][3]int{{1, 1, 1}, {7, 13, 5}, {23, 41, 67}, {70, 37, 150}} {
		for mask := 0; mask < 4; mask++ {
			for _, ab := range scalars {
				for _, pad := range []int{0, 3} {
					g := gemmCase{transA: mask&1 != 0, transB: mask&2 != 0,
						m: s[0], n: s[1], k: s[2], pad: pad, alpha: ab[0], beta: ab[1]}
					in := newGemmInputs(rng, g)
					for _, l := range simd.Available() {
						if err := simd.Use(string(l)); err != nil {
							t.Fatal(err)
						}
						in.check(t, g)
					}
				}
			}
		}
	}
}

func TestSgemmEmpty(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for _, s := range [][3]int{{0, 5, 3}, {5, 0, 3}, {4, 6, 0}, {0, 0, 0}} {
		for _, beta := range []float32{0, 1, 2.5} {
			checkGemm(t, rng, gemmCase{m: s[0], n: s[1], k: s[2], alpha: 1, beta: beta})
		}
	}
}

// Results must be bit-identical across thread counts and repeated runs.
func TestSgemmDeterministic(t *testing.T) {
	defer SetThreads(Threads())
	forEachLevel(t, func(t *testing.T) {
		for _, s := range [][3]int{{300, 200, 517}, {64, 1000, 200}, {40, 900, 600}, {513, 17, 300}, {97, 389, 400}} {
			m, n, k := s[0], s[1], s[2]
			rng := rand.New(rand.NewSource(5))
			a, b, c0 := randSlice(rng, m*k), randSlice(rng, k*n), randSlice(rng, m*n)
			var ref []float32
			for run, th := range []int{1, 2, 3, 1} {
				SetThreads(th)
				c := append([]float32(nil), c0...)
				Sgemm(false, false, m, n, k, 1.5, a, k, b, n, 0.5, c, n)
				if run == 0 {
					ref = c
					continue
				}
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(ref[i]) {
						t.Fatalf("%v threads=%d: C[%d] = %v, single-threaded run gave %v", s, th, i, c[i], ref[i])
					}
				}
			}
		}
	})
}

func TestGemmTensors(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	a, _ := FromSlice(randSlice(rng, 12), 3, 4)
	b, _ := FromSlice(randSlice(rng, 20), 4, 5)
	c, err := MatMul(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := naiveGemm(false, false, 3, 5, 4, 1, a.data, 4, b.data, 5, 0, nil, 5)
	for i, w := range want {
		if math.Abs(float64(c.data[i])-w) > 1e-5 {
			t.Fatalf("MatMul C[%d] = %v, want %v", i, c.data[i], w)
		}
	}
	// Aᵀ·Bᵀ through transposed storage: (4x3)ᵀ · (5x4)ᵀ.
	at, _ := FromSlice(randSlice(rng, 12), 4, 3)
	bt, _ := FromSlice(randSlice(rng, 20), 5, 4)
	c2 := New(3, 5)
	if err := Gemm(true, true, 2, at, bt, 0, c2); err != nil {
		t.Fatal(err)
	}
	want = naiveGemm(true, true, 3, 5, 4, 2, at.data, 3, bt.data, 4, 0, nil, 5)
	for i, w := range want {
		if math.Abs(float64(c2.data[i])-w) > 1e-5 {
			t.Fatalf("Gemm(Aᵀ,Bᵀ) C[%d] = %v, want %v", i, c2.data[i], w)
		}
	}
	// A view with a column stride (a transposed view) is read in place, and a
	// C with a column stride is written in place.
	av := &Tensor{shape: []int{3, 4}, strides: []int{1, 3}, data: at.data}
	cv := &Tensor{shape: []int{3, 5}, strides: []int{1, 3}, data: make([]float32, 15)}
	if err := Gemm(false, true, 2, av, bt, 0, cv); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 5; j++ {
			if got, w := cv.data[i+3*j], want[i*5+j]; math.Abs(float64(got)-w) > 1e-5 {
				t.Fatalf("strided Gemm C[%d,%d] = %v, want %v", i, j, got, w)
			}
		}
	}
}

func TestGemmErrors(t *testing.T) {
	a, b := New(3, 4), New(5, 6)
	_, err := MatMul(a, b)
	if err == nil || err.Error() != "matmul: A [3 4] times B [5 6]: inner dimensions 4 and 5 differ" {
		t.Errorf("MatMul error = %v", err)
	}
	err = Gemm(false, false, 1, a, b, 0, New(3, 6))
	if err == nil || err.Error() != "gemm: A [3 4] times B [5 6]: inner dimensions 4 and 5 differ" {
		t.Errorf("Gemm error = %v", err)
	}
	err = Gemm(false, true, 1, a, New(6, 4), 0, New(3, 5))
	if err == nil || !strings.Contains(err.Error(), "is [3 6], but C is [3 5]") {
		t.Errorf("Gemm C shape error = %v", err)
	}
	if err := Gemm(false, false, 1, New(2, 2, 2), b, 0, New(2, 6)); err == nil || !strings.Contains(err.Error(), "[2 2 2]") {
		t.Errorf("Gemm rank error = %v", err)
	}
}

func TestSgemmPanicsOnShortSlices(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Sgemm with lda < k did not panic")
		}
	}()
	Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
}

// threadGrid and splitTiles decide the partition; tiles must never straddle it.
func TestGemmPartition(t *testing.T) {
	for _, c := range []struct{ tm, tn, th, wm, wn int }{{10, 10, 2, 1, 2}, {10, 1, 2, 2, 1}, {1, 1, 4, 1, 1}, {9, 3, 4, 1, 3}, {12, 12, 4, 1, 4}, {3, 40, 2, 1, 2}} {
		if m, n := threadGrid(c.tm, c.tn, c.th); m != c.wm || n != c.wn {
			t.Errorf("threadGrid(%d,%d,%d) = %d,%d, want %d,%d", c.tm, c.tn, c.th, m, n, c.wm, c.wn)
		}
	}
	for parts := 1; parts <= 5; parts++ {
		prev := 0
		for p := 0; p < parts; p++ {
			lo, hi := splitTiles(100, 6, parts, p)
			if lo != prev || (hi%6 != 0 && hi != 100) {
				t.Fatalf("splitTiles(100,6,%d,%d) = %d,%d", parts, p, lo, hi)
			}
			prev = hi
		}
		if prev != 100 {
			t.Fatalf("splitTiles with %d parts ends at %d", parts, prev)
		}
	}
}

// Every micro-kernel (not only each level's default) must drive the blocked
// loops correctly, edge tiles and thread splits included.
func TestSgemmEveryMicroKernel(t *testing.T) {
	defer SetThreads(Threads())
	defer func() { gemmTuning.micro = nil }()
	rng := rand.New(rand.NewSource(7))
	for _, s := range [][3]int{{1, 1, 1}, {13, 67, 29}, {65, 131, 401}, {130, 50, 7}} {
		g := gemmCase{m: s[0], n: s[1], k: s[2], alpha: 0.75, beta: 0.5, pad: 1}
		in := newGemmInputs(rng, g)
		for _, mic := range simd.GemmMicros() {
			gemmTuning.micro = &mic
			for _, th := range []int{1, 2} {
				SetThreads(th)
				in.check(t, g)
			}
		}
	}
}

// Repeated single-goroutine GEMMs (convolution runs one per image) reuse
// pooled packing buffers instead of allocating them each call.
func TestGemmPackedReusesBuffers(t *testing.T) {
	if raceEnabled {
		t.Skip("-race: sync.Pool drops items at random, so allocation counts are meaningless")
	}
	m, n, k := 70, 90, 500
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	var as aSource = matrix{data: a, rs: k, cs: 1}
	var bs bSource = matrix{data: b, rs: n, cs: 1}
	allocs := testing.AllocsPerRun(20, func() {
		gemmPacked(m, n, k, 1, as, bs, 0, c, n, 1)
	})
	if allocs > 0.5 {
		t.Errorf("gemmPacked allocates %v times per call", allocs)
	}
}
