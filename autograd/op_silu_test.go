package autograd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

func siluRef(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = v / (1 + math.Exp(-v))
	}
	return y
}

func TestSiLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 43))
	x := randTensor(rng, 3, 2, 3, 2, 2)
	checkTape(t, tapeCase{Name: "silu", Inputs: []*tensor.Tensor{x},
		Build: func(_ *Tape, v []*Var) *Var { return SiLU(v[0]) },
		Ref:   func(in [][]float64) []float64 { return siluRef(in[0]) }})
}

// Forward and derivative over the whole float32 range that matters, and
// beyond it (saturation, ±Inf), against float64 math.
func TestSiLUValues(t *testing.T) {
	var xs []float32
	for v := -120.0; v <= 120; v += 0.0137 {
		xs = append(xs, float32(v))
	}
	xs = append(xs, 0, float32(math.Inf(1)), float32(math.Inf(-1)), 1e-30, -1e-30, 1e30, -1e30)
	x, _ := tensor.FromSlice(xs, len(xs))
	ones := tensor.Ones(len(xs))
	tp := NewTape()
	in := tp.Leaf(x, true)
	y := SiLU(in)
	d, err := tp.JVP(y, []*Var{in}, []*tensor.Tensor{ones})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range xs {
		xv := float64(v)
		// σ and 1 − σ from e^−|x| in float64 (no overflow).
		e := math.Exp(-math.Abs(xv))
		s, sc := 1/(1+e), e/(1+e)
		if xv < 0 {
			s, sc = sc, s
		}
		want, wantD := xv*s, s*(1+xv*sc)
		if math.IsInf(xv, 1) {
			want, wantD = xv, 1
		}
		if math.IsInf(xv, -1) {
			want, wantD = 0, 0
		}
		got, gotD := float64(y.Value.Data()[i]), float64(d.Data()[i])
		if got != want && !(math.Abs(got-want) <= 3e-7*math.Abs(want)+2e-36) {
			t.Errorf("silu(%v) = %v, want %v", v, got, want)
		}
		if !(math.Abs(gotD-wantD) <= 1e-6*math.Abs(wantD)+1e-7) {
			t.Errorf("silu'(%v) = %v, want %v", v, gotD, wantD)
		}
	}
	if v := SiLU(tp.Leaf(tensor.Full(float32(math.NaN()), 3), false)).Value.Data()[0]; !math.IsNaN(float64(v)) {
		t.Errorf("silu(NaN) = %v", v)
	}
}

// JVPs and VJPs of one recording may run on several goroutines at once
// (tape.go); the first of them computes SiLU's derivative for all (run this
// test with -race).
func TestSiLUConcurrentDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(44, 45))
	x := randTensor(rng, 2, 1, 4, 8, 8)
	v := randTensor(rng, 1, 1, 4, 8, 8)
	tp := NewTape()
	in := tp.Leaf(x, true)
	out := SiLU(SiLU(in))
	want, err := tp.JVP(out, []*Var{in}, []*tensor.Tensor{v})
	if err != nil {
		t.Fatal(err)
	}
	tp2 := NewTape()
	in2 := tp2.Leaf(x, true)
	out2 := SiLU(SiLU(in2))
	results := make(chan *tensor.Tensor, 8)
	for range 8 {
		go func() {
			jv, err := tp2.JVP(out2, []*Var{in2}, []*tensor.Tensor{v})
			if err != nil {
				t.Error(err)
			}
			results <- jv
		}()
	}
	for range 8 {
		jv := <-results
		if jv == nil {
			continue // already reported
		}
		for i, w := range want.Data() {
			if jv.Data()[i] != w {
				t.Fatalf("concurrent JVP element %d: %v, want %v", i, jv.Data()[i], w)
			}
		}
	}
}

// The first VJP of a recording computes silu' on the fly, later ones use
// the kept derivative: the same bits either way.
func TestSiLUVJPPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(48, 49))
	x := randTensor(rng, 3, 2, 4, 9, 9)
	u := randTensor(rng, 1, 2, 4, 9, 9)
	tp := NewTape()
	in := tp.Leaf(x, true)
	y := SiLU(in)
	var got [][]float32
	for range 3 {
		g, err := tp.VJP(y, u, []*Var{in})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, g[0].Data())
	}
	for p := 1; p < len(got); p++ {
		for i := range got[0] {
			if math.Float32bits(got[p][i]) != math.Float32bits(got[0][i]) {
				t.Fatalf("VJP %d element %d: %v, first VJP %v", p, i, got[p][i], got[0][i])
			}
		}
	}
}
