package rng

import (
	"strconv"
	"strings"
	"testing"
)

// TestXoshiroReference checks the core step against the outputs of the
// authors' C code started from state {1, 2, 3, 4}.
func TestXoshiroReference(t *testing.T) {
	r := &Xoshiro256{s: [4]uint64{1, 2, 3, 4}}
	want := []uint64{11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
		607988272756665600, 16172922978634559625, 8476171486693032832,
		10595114339597558777, 2904607092377533576}
	for i, w := range want {
		if got := r.Uint64(); got != w {
			t.Fatalf("output %d = %d, want %d", i, got, w)
		}
	}
}

func TestSameSeedSameStream(t *testing.T) {
	a, b, c := New(42), New(42), New(43)
	differ := false
	for i := 0; i < 1000; i++ {
		x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
		if x != y {
			t.Fatalf("same seed differs at draw %d", i)
		}
		differ = differ || x != z
	}
	if !differ {
		t.Fatal("seeds 42 and 43 give the same stream")
	}
	a.Seed(7)
	b = New(7)
	if a.Normal() != b.Normal() || a.Normal() != b.Normal() {
		t.Fatal("Seed must reset to the NewRNG stream, including the normal spare")
	}
}

func TestJump(t *testing.T) {
	a := New(5)
	b := New(5)
	b.Jump()
	if a.Uint64() == b.Uint64() && a.Uint64() == b.Uint64() {
		t.Fatal("Jump did not move the stream")
	}
	c := New(5)
	c.Jump()
	d := New(5)
	d.Jump()
	if c.Uint64() != d.Uint64() {
		t.Fatal("Jump not deterministic")
	}
}

// chiSquare returns Pearson's statistic of counts against a uniform expectation.
func chiSquare(counts []int, n int) float64 {
	e := float64(n) / float64(len(counts))
	var x float64
	for _, c := range counts {
		d := float64(c) - e
		x += d * d / e
	}
	return x
}

// With k-1 = 99 degrees of freedom the statistic has mean 99 and standard
// deviation 14; 99 + 6·14 ≈ 180 fails only with a broken generator.
const chiBound = 180

func TestUniformHistogram(t *testing.T) {
	const n, k = 100000, 100
	r := New(9)
	c64, c32, cf, cn := make([]int, k), make([]int, k), make([]int, k), make([]int, k)
	buf := make([]float32, n)
	r.FillUniform(buf, -2, 3)
	for i := 0; i < n; i++ {
		u := r.Float64()
		v := r.Float32()
		if u < 0 || u >= 1 || v < 0 || v >= 1 || buf[i] < -2 || buf[i] > 3 {
			t.Fatalf("out of range: %v %v %v", u, v, buf[i])
		}
		c64[int(u*k)]++
		c32[int(v*k)]++
		cf[min(k-1, int((buf[i]+2)/5*k))]++
		cn[r.Intn(k)]++
	}
	for name, c := range map[string][]int{"Float64": c64, "Float32": c32, "FillUniform": cf, "Intn": cn} {
		if x := chiSquare(c, n); x > chiBound {
			t.Errorf("%s: chi-square %v over %d bins", name, x, k)
		}
	}
}

func TestIntnLargeAndPerm(t *testing.T) {
	r := New(3)
	// n = 3·2^61 makes the biased "x % n" method put ~2/3 of its mass below 2^62;
	// unbiased draws are below n/2 half the time. Where int has 32 bits the
	// largest such n is 3·2^29 (a weaker check: 64-bit draws barely bias it).
	n := 3 << (strconv.IntSize - 3)
	below := 0
	for i := 0; i < 10000; i++ {
		v := r.Intn(n)
		if v < 0 || v >= n {
			t.Fatalf("Intn(%d) = %d", n, v)
		}
		if v < n/2 {
			below++
		}
	}
	if below < 4800 || below > 5200 {
		t.Fatalf("%d of 10000 below n/2", below)
	}
	func() {
		defer func() {
			if p, _ := recover().(string); !strings.Contains(p, "must be positive") {
				t.Fatalf("Intn(0) panicked with %q, want \"must be positive\"", p)
			}
		}()
		r.Intn(0)
	}()
	// Each position of Perm(5) should hold each value about equally often.
	counts := make([]int, 25)
	for i := 0; i < 20000; i++ {
		p := r.Perm(5)
		seen := 0
		for pos, v := range p {
			seen |= 1 << v
			counts[pos*5+v]++
		}
		if seen != 31 {
			t.Fatalf("not a permutation: %v", p)
		}
	}
	for _, c := range counts {
		if c < 3600 || c > 4400 { // mean 4000, sd ~57
			t.Fatalf("Perm position counts %v", counts)
		}
	}
	if len(r.Perm(0)) != 0 {
		t.Fatal("Perm(0)")
	}
}
