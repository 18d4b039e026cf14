package tensor

import (
	"math"
	"strconv"
	"testing"
)

// TestXoshiroReference checks the core step against the outputs of the
// authors' C code started from state {1, 2, 3, 4}.
func TestXoshiroReference(t *testing.T) {
	r := &RNG{s: [4]uint64{1, 2, 3, 4}}
	want := []uint64{11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
		607988272756665600, 16172922978634559625, 8476171486693032832,
		10595114339597558777, 2904607092377533576}
	for i, w := range want {
		if got := r.Uint64(); got != w {
			t.Fatalf("output %d = %d, want %d", i, got, w)
		}
	}
}

// TestSplitMixReference checks seeding against SplitMix64's reference outputs
// for seed 1234567.
func TestSplitMixReference(t *testing.T) {
	x := uint64(1234567)
	want := []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423,
		4593380528125082431, 16408922859458223821}
	for i, w := range want {
		if got := splitMix64(&x); got != w {
			t.Fatalf("output %d = %d, want %d", i, got, w)
		}
	}
}

func TestRNGSameSeedSameStream(t *testing.T) {
	a, b, c := NewRNG(42), NewRNG(42), NewRNG(43)
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
	b = NewRNG(7)
	if a.Normal() != b.Normal() || a.Normal() != b.Normal() {
		t.Fatal("Seed must reset to the NewRNG stream, including the normal spare")
	}
}

func TestRNGStateRestore(t *testing.T) {
	r := NewRNG(2024)
	r.Uint64()
	r.Normal() // leaves a spare pending
	state, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	buf := make([]float32, 7)
	for i := 0; i < 50; i++ {
		want = append(want, r.Normal(), r.Float64(), float64(r.Intn(1000)))
		r.FillNormal(buf, 1, 2)
		for _, v := range buf {
			want = append(want, float64(v))
		}
	}
	q := NewRNG(0)
	if err := q.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		got := []float64{q.Normal(), q.Float64(), float64(q.Intn(1000))}
		q.FillNormal(buf, 1, 2)
		for _, v := range buf {
			got = append(got, float64(v))
		}
		for j, g := range got {
			if w := want[i*len(got)+j]; g != w {
				t.Fatalf("draw %d.%d after restore: %v want %v", i, j, g, w)
			}
		}
	}
	if err := q.UnmarshalBinary(state[:10]); err == nil {
		t.Fatal("short state accepted")
	}
	bad := append([]byte(nil), state...)
	bad[0] = 'X'
	if err := q.UnmarshalBinary(bad); err == nil {
		t.Fatal("wrong tag accepted")
	}
	zero := append([]byte(nil), state...)
	for i := len(rngMagic); i < len(rngMagic)+32; i++ {
		zero[i] = 0
	}
	if err := q.UnmarshalBinary(zero); err == nil {
		t.Fatal("all-zero state accepted")
	}
}

func TestRNGJump(t *testing.T) {
	a := NewRNG(5)
	b := NewRNG(5)
	b.Jump()
	if a.Uint64() == b.Uint64() && a.Uint64() == b.Uint64() {
		t.Fatal("Jump did not move the stream")
	}
	c := NewRNG(5)
	c.Jump()
	d := NewRNG(5)
	d.Jump()
	if c.Uint64() != d.Uint64() {
		t.Fatal("Jump not deterministic")
	}
}

// TestNormalMoments: mean and variance of 1e5 normals within 5 standard errors
// (var of the sample variance of a normal is 2σ⁴/n); also the 4th moment.
func TestNormalMoments(t *testing.T) {
	const n = 100000
	r := NewRNG(1)
	for _, fill := range []bool{false, true} {
		xs := make([]float64, n)
		if fill {
			buf := make([]float32, n)
			r.FillNormal(buf, 3, 2)
			for i, v := range buf {
				xs[i] = (float64(v) - 3) / 2
			}
		} else {
			for i := range xs {
				xs[i] = r.Normal()
			}
		}
		var s1, s2, s4 float64
		for _, x := range xs {
			s1 += x
			s2 += x * x
			s4 += x * x * x * x
		}
		mean, m2, m4 := s1/n, s2/n, s4/n
		if math.Abs(mean) > 5/math.Sqrt(n) {
			t.Errorf("fill=%v mean %v", fill, mean)
		}
		if math.Abs(m2-1) > 5*math.Sqrt(2.0/n) {
			t.Errorf("fill=%v second moment %v", fill, m2)
		}
		if math.Abs(m4-3) > 5*math.Sqrt(96.0/n) { // Var(x^4) = 105 - 9
			t.Errorf("fill=%v fourth moment %v", fill, m4)
		}
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
	r := NewRNG(9)
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
	r := NewRNG(3)
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
	mustPanic(t, "must be positive", func() { r.Intn(0) })
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

func TestRNGText(t *testing.T) {
	r := NewRNG(77)
	r.Normal()
	text, err := r.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	var q RNG
	if err := q.UnmarshalText(text); err != nil {
		t.Fatal(err)
	}
	if q.Normal() != r.Normal() || q.Uint64() != r.Uint64() {
		t.Fatal("text state did not resume the stream")
	}
	if err := q.UnmarshalText([]byte("zz")); err == nil {
		t.Fatal("non-hex state accepted")
	}
}
