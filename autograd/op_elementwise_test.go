package autograd_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

func TestElementwiseOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a, b := randTensor(rng, 1, 2, 3, 4), randTensor(rng, 1, 2, 3, 4)
	zip := func(f func(x, y float64) float64) func([][]float64) []float64 {
		return func(in [][]float64) []float64 {
			r := make([]float64, len(in[0]))
			for i := range r {
				r[i] = f(in[0][i], in[1][i])
			}
			return r
		}
	}
	cases := []tapeCase{
		{Name: "add", Inputs: []*tensor.Tensor{a, b}, Build: func(_ *Tape, v []*Var) *Var { return Add(v[0], v[1]) },
			Ref: zip(func(x, y float64) float64 { return x + y })},
		{Name: "sub", Inputs: []*tensor.Tensor{a, b}, Build: func(_ *Tape, v []*Var) *Var { return Sub(v[0], v[1]) },
			Ref: zip(func(x, y float64) float64 { return x - y })},
		{Name: "mul", Inputs: []*tensor.Tensor{a, b}, Build: func(_ *Tape, v []*Var) *Var { return Mul(v[0], v[1]) },
			Ref: zip(func(x, y float64) float64 { return x * y })},
		{Name: "scale", Inputs: []*tensor.Tensor{a}, Build: func(_ *Tape, v []*Var) *Var { return Scale(v[0], -0.75) },
			Ref: func(in [][]float64) []float64 {
				r := make([]float64, len(in[0]))
				for i, x := range in[0] {
					r[i] = -0.75 * x
				}
				return r
			}},
		// x·x + x − x exercises fan-out: cotangents from several uses add up.
		{Name: "fanout", Inputs: []*tensor.Tensor{a}, Build: func(_ *Tape, v []*Var) *Var { return Sub(Add(Mul(v[0], v[0]), v[0]), Scale(v[0], 2)) },
			Ref: func(in [][]float64) []float64 {
				r := make([]float64, len(in[0]))
				for i, x := range in[0] {
					r[i] = x*x + x - 2*x
				}
				return r
			}},
	}
	for _, c := range cases {
		checkTape(t, c)
	}
}

func TestReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := randTensor(rng, 1, 2, 2, 3, 3)
	checkTape(t, tapeCase{Name: "relu", Inputs: []*tensor.Tensor{x},
		Build: func(_ *Tape, v []*Var) *Var { return ReLU(v[0]) },
		Ref: func(in [][]float64) []float64 {
			r := make([]float64, len(in[0]))
			for i, v := range in[0] {
				r[i] = max(v, 0)
			}
			return r
		}})
}

func TestReductions(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a, b := randTensor(rng, 1, 3, 5), randTensor(rng, 1, 3, 5)
	checkTape(t, tapeCase{Name: "sum", Inputs: []*tensor.Tensor{a},
		Build: func(_ *Tape, v []*Var) *Var { return Sum(v[0]) },
		Ref: func(in [][]float64) []float64 {
			var s float64
			for _, v := range in[0] {
				s += v
			}
			return []float64{s}
		}})
	checkTape(t, tapeCase{Name: "squared_error", Inputs: []*tensor.Tensor{a, b},
		Build: func(_ *Tape, v []*Var) *Var { return SquaredError(v[0], v[1]) },
		Ref: func(in [][]float64) []float64 {
			var s float64
			for i := range in[0] {
				d := in[0][i] - in[1][i]
				s += d * d
			}
			return []float64{s}
		}})
}

func TestShapeErrorsAreSticky(t *testing.T) {
	tp := NewTape()
	a, b := tp.Leaf(tensor.New(2, 3), true), tp.Leaf(tensor.New(3, 2), true)
	y := ReLU(Add(a, b))
	if tp.Err() == nil || y.Value != nil {
		t.Fatal("adding [2 3] and [3 2] did not fail")
	}
	if _, err := tp.JVP(y, []*Var{a}, []*tensor.Tensor{tensor.New(2, 3)}); err == nil {
		t.Fatal("JVP on a failed tape did not fail")
	}
}

func TestBlockShapeChecked(t *testing.T) {
	tp := NewTape()
	a := tp.Leaf(tensor.New(2, 3), true)
	y := ReLU(a)
	if _, err := tp.JVP(y, []*Var{a}, []*tensor.Tensor{tensor.New(3, 3)}); err == nil {
		t.Fatal("a [3 3] tangent block for a [2 3] value was accepted")
	}
	if _, err := tp.VJP(y, tensor.New(4, 3), []*Var{a}); err != nil {
		t.Fatalf("a [4 3] cotangent block (k=2) was rejected: %v", err)
	}
}

// Results of JVP and VJP never alias the caller's tensors or each other.
func TestResultsDoNotAlias(t *testing.T) {
	tp := NewTape()
	a, b := tp.Leaf(tensor.New(2, 2), true), tp.Leaf(tensor.New(2, 2), true)
	y := Add(a, b)
	u := tensor.New(2, 2)
	g, err := tp.VJP(y, u, []*Var{a, b})
	if err != nil {
		t.Fatal(err)
	}
	g[0].Data()[0] = 5
	if u.Data()[0] != 0 || g[1].Data()[0] != 0 {
		t.Fatal("VJP results alias the cotangent or each other")
	}
	v := tensor.New(2, 2)
	jv, err := tp.JVP(a, []*Var{a}, []*tensor.Tensor{v})
	if err != nil {
		t.Fatal(err)
	}
	jv.Data()[0] = 5
	if v.Data()[0] != 0 {
		t.Fatal("JVP result aliases the tangent")
	}
}
