package autograd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// opCase is one op (or composition) to check against an independent float64
// forward: our float32 forward, JVP, VJP and Backward are compared with the
// Jacobian of ref taken by central differences.
type opCase struct {
	name   string
	inputs []*tensor.Tensor
	build  func(tp *Tape, in []*Var) *Var
	ref    func(in [][]float64) []float64
	tol    float64 // relative tolerance of derivatives (default 1e-3)
}

const fdStep = 1e-6

func randTensor(rng *rand.Rand, scale float64, shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	for i := range t.Data() {
		t.Data()[i] = float32(scale * rng.NormFloat64())
	}
	return t
}

func to64(t *tensor.Tensor) []float64 {
	r := make([]float64, t.Numel())
	for i, v := range t.Data() {
		r[i] = float64(v)
	}
	return r
}

// relErr is ‖a − b‖ / ‖b‖ (absolute when b is tiny).
func relErr(a []float32, b []float64) float64 {
	var num, den float64
	for i := range b {
		d := float64(a[i]) - b[i]
		num += d * d
		den += b[i] * b[i]
	}
	return math.Sqrt(num) / math.Max(math.Sqrt(den), 1e-6)
}

// jacobianFD returns J[o][col] of ref at xs, with the inputs' elements
// numbered input by input.
func jacobianFD(ref func([][]float64) []float64, xs [][]float64) [][]float64 {
	m := len(ref(xs))
	n := 0
	for _, x := range xs {
		n += len(x)
	}
	J := make([][]float64, m)
	for o := range J {
		J[o] = make([]float64, n)
	}
	col := 0
	for _, x := range xs {
		for i := range x {
			old := x[i]
			x[i] = old + fdStep
			fp := ref(xs)
			x[i] = old - fdStep
			fm := ref(xs)
			x[i] = old
			for o := range J {
				J[o][col] = (fp[o] - fm[o]) / (2 * fdStep)
			}
			col++
		}
	}
	return J
}

func checkOp(t *testing.T, c opCase) {
	t.Helper()
	tol := c.tol
	if tol == 0 {
		tol = 1e-3
	}
	rng := rand.New(rand.NewPCG(7, uint64(len(c.name))))
	tp := NewTape()
	leaves := make([]*Var, len(c.inputs))
	for i, x := range c.inputs {
		leaves[i] = tp.Leaf(x, true)
	}
	out := c.build(tp, leaves)
	if err := tp.Err(); err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	xs := make([][]float64, len(c.inputs))
	for i, x := range c.inputs {
		xs[i] = to64(x)
	}
	want := c.ref(xs)
	if e := relErr(out.Value.Data(), want); e > 1e-5 {
		t.Errorf("%s forward: relative error %.2g", c.name, e)
	}
	J := jacobianFD(c.ref, xs)
	m := len(want)

	// JVP with a block of 3 tangents on all leaves, then on each leaf alone
	// (the others zero, exercising the nil-tangent paths).
	seeds := [][]int{allIndices(len(leaves))}
	for i := range leaves {
		seeds = append(seeds, []int{i})
	}
	for _, seed := range seeds {
		k := 3
		ls, ts := []*Var{}, []*tensor.Tensor{}
		full := make([][]float64, k) // the tangent of all inputs, for J·v
		for _, i := range seed {
			v := randTensor(rng, 1, blockShape(c.inputs[i], k)...)
			ls, ts = append(ls, leaves[i]), append(ts, v)
			_ = v
		}
		for j := range k {
			for i, x := range c.inputs {
				part := make([]float64, x.Numel())
				for p, l := range ls {
					if l == leaves[i] {
						copy(part, to64(block(ts[p], x, j)))
					}
				}
				full[j] = append(full[j], part...)
			}
		}
		jv, err := tp.JVP(out, ls, ts)
		if err != nil {
			t.Fatalf("%s JVP: %v", c.name, err)
		}
		for j := range k {
			ref := make([]float64, m)
			for o := range m {
				for q, v := range full[j] {
					ref[o] += J[o][q] * v
				}
			}
			if e := relErr(block(jv, out.Value, j).Data(), ref); e > tol {
				t.Errorf("%s JVP (leaves %v) vector %d: relative error %.2g", c.name, seed, j, e)
			}
		}
	}

	// VJP with a block of 2 cotangents.
	k := 2
	u := randTensor(rng, 1, blockShape(out.Value, k)...)
	grads, err := tp.VJP(out, u, leaves)
	if err != nil {
		t.Fatalf("%s VJP: %v", c.name, err)
	}
	for j := range k {
		uj := to64(block(u, out.Value, j))
		col := 0
		for i, x := range c.inputs {
			ref := make([]float64, x.Numel())
			for q := range ref {
				for o := range m {
					ref[q] += J[o][col+q] * uj[o]
				}
			}
			col += x.Numel()
			if e := relErr(block(grads[i], x, j).Data(), ref); e > tol {
				t.Errorf("%s VJP input %d vector %d: relative error %.2g", c.name, i, j, e)
			}
		}
	}

	// <Jv, u> = <v, Jᵀu> between our own JVP and VJP.
	vs := make([]*tensor.Tensor, len(leaves))
	for i, x := range c.inputs {
		vs[i] = randTensor(rng, 1, blockShape(x, k)...)
	}
	jv, err := tp.JVP(out, leaves, vs)
	if err != nil {
		t.Fatal(err)
	}
	for j := range k {
		lhs := dot64(block(jv, out.Value, j).Data(), block(u, out.Value, j).Data())
		var rhs float64
		for i, x := range c.inputs {
			rhs += dot64(block(vs[i], x, j).Data(), block(grads[i], x, j).Data())
		}
		if math.Abs(lhs-rhs) > 1e-4*math.Max(math.Abs(lhs)+math.Abs(rhs), 1e-3) {
			t.Errorf("%s: <Jv,u> = %.8g but <v,Jᵀu> = %.8g (vector %d)", c.name, lhs, rhs, j)
		}
	}

	// Backward on a scalar output must agree with the first row of J.
	if out.Value.Numel() == 1 && out.Value.Rank() == 0 {
		if err := tp.Backward(out); err != nil {
			t.Fatal(err)
		}
		col := 0
		for i, x := range c.inputs {
			if e := relErr(leaves[i].Grad.Data(), J[0][col:col+x.Numel()]); e > tol {
				t.Errorf("%s Backward input %d: relative error %.2g", c.name, i, e)
			}
			col += x.Numel()
		}
	}
}

func allIndices(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}

func dot64(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}
