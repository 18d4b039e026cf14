// Package gradcheck checks differentiable computations recorded with
// autograd against an independent float64 forward: our float32 forward, JVP
// blocks, VJP blocks and Backward are compared with the Jacobian of the
// reference taken by central differences, and <Jv, u> = <v, Jᵀu> is checked
// between our own JVP and VJP. It also holds naive float64 reference ops.
// It is test support, imported only by tests.
package gradcheck

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// Case is one op (or composition) to check. Build records it on a tape
// from leaves holding Inputs; Ref computes the same function in float64.
type Case struct {
	Name   string
	Inputs []*tensor.Tensor
	Build  func(tp *autograd.Tape, in []*autograd.Var) *autograd.Var
	Ref    func(in [][]float64) []float64
	// Tol is the relative tolerance of derivatives (default 1e-3);
	// FwdTol that of the forward value (default 1e-5).
	Tol, FwdTol float64
}

const fdStep = 1e-6

// RandTensor returns a tensor of normal values with the given std.
func RandTensor(rng *rand.Rand, scale float64, shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	for i := range t.Data() {
		t.Data()[i] = float32(scale * rng.NormFloat64())
	}
	return t
}

// To64 converts to float64.
func To64(t *tensor.Tensor) []float64 {
	r := make([]float64, t.Numel())
	for i, v := range t.Data() {
		r[i] = float64(v)
	}
	return r
}

// RelErr is ‖a − b‖ / ‖b‖ (absolute when b is tiny).
func RelErr(a []float32, b []float64) float64 {
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

// Check runs every comparison and reports failures on t.
func Check(t testing.TB, c Case) {
	t.Helper()
	tol := c.Tol
	if tol == 0 {
		tol = 1e-3
	}
	rng := rand.New(rand.NewPCG(7, uint64(len(c.Name))))
	tp := autograd.NewTape()
	leaves := make([]*autograd.Var, len(c.Inputs))
	for i, x := range c.Inputs {
		leaves[i] = tp.Leaf(x, true)
	}
	out := c.Build(tp, leaves)
	if err := tp.Err(); err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	xs := make([][]float64, len(c.Inputs))
	for i, x := range c.Inputs {
		xs[i] = To64(x)
	}
	want := c.Ref(xs)
	fwdTol := c.FwdTol
	if fwdTol == 0 {
		fwdTol = 1e-5
	}
	if e := RelErr(out.Value.Data(), want); e > fwdTol {
		t.Errorf("%s forward: relative error %.2g", c.Name, e)
	}
	J := jacobianFD(c.Ref, xs)
	m := len(want)

	// JVP with a block of 3 tangents on all leaves, then on each leaf alone
	// (the others zero, exercising the nil-tangent paths).
	seeds := [][]int{allIndices(len(leaves))}
	for i := range leaves {
		seeds = append(seeds, []int{i})
	}
	for _, seed := range seeds {
		k := 3
		ls, ts := []*autograd.Var{}, []*tensor.Tensor{}
		full := make([][]float64, k) // the tangent of all inputs, for J·v
		for _, i := range seed {
			v := RandTensor(rng, 1, autograd.BlockShape(c.Inputs[i], k)...)
			ls, ts = append(ls, leaves[i]), append(ts, v)
			_ = v
		}
		for j := range k {
			for i, x := range c.Inputs {
				part := make([]float64, x.Numel())
				for p, l := range ls {
					if l == leaves[i] {
						copy(part, To64(autograd.Block(ts[p], x, j)))
					}
				}
				full[j] = append(full[j], part...)
			}
		}
		jv, err := tp.JVP(out, ls, ts)
		if err != nil {
			t.Fatalf("%s JVP: %v", c.Name, err)
		}
		for j := range k {
			ref := make([]float64, m)
			for o := range m {
				for q, v := range full[j] {
					ref[o] += J[o][q] * v
				}
			}
			if e := RelErr(autograd.Block(jv, out.Value, j).Data(), ref); e > tol {
				t.Errorf("%s JVP (leaves %v) vector %d: relative error %.2g", c.Name, seed, j, e)
			}
		}
	}

	// VJP with a block of 2 cotangents.
	k := 2
	u := RandTensor(rng, 1, autograd.BlockShape(out.Value, k)...)
	grads, err := tp.VJP(out, u, leaves)
	if err != nil {
		t.Fatalf("%s VJP: %v", c.Name, err)
	}
	for j := range k {
		uj := To64(autograd.Block(u, out.Value, j))
		col := 0
		for i, x := range c.Inputs {
			ref := make([]float64, x.Numel())
			for q := range ref {
				for o := range m {
					ref[q] += J[o][col+q] * uj[o]
				}
			}
			col += x.Numel()
			if e := RelErr(autograd.Block(grads[i], x, j).Data(), ref); e > tol {
				t.Errorf("%s VJP input %d vector %d: relative error %.2g", c.Name, i, j, e)
			}
		}
	}

	// <Jv, u> = <v, Jᵀu> between our own JVP and VJP.
	vs := make([]*tensor.Tensor, len(leaves))
	for i, x := range c.Inputs {
		vs[i] = RandTensor(rng, 1, autograd.BlockShape(x, k)...)
	}
	jv, err := tp.JVP(out, leaves, vs)
	if err != nil {
		t.Fatal(err)
	}
	for j := range k {
		lhs := Dot64(autograd.Block(jv, out.Value, j).Data(), autograd.Block(u, out.Value, j).Data())
		var rhs float64
		for i, x := range c.Inputs {
			rhs += Dot64(autograd.Block(vs[i], x, j).Data(), autograd.Block(grads[i], x, j).Data())
		}
		if math.Abs(lhs-rhs) > 1e-4*math.Max(math.Abs(lhs)+math.Abs(rhs), 1e-3) {
			t.Errorf("%s: <Jv,u> = %.8g but <v,Jᵀu> = %.8g (vector %d)", c.Name, lhs, rhs, j)
		}
	}

	// Backward on a scalar output must agree with the first row of J.
	if out.Value.Numel() == 1 && out.Value.Rank() == 0 {
		if err := tp.Backward(out); err != nil {
			t.Fatal(err)
		}
		col := 0
		for i, x := range c.Inputs {
			if e := RelErr(leaves[i].Grad.Data(), J[0][col:col+x.Numel()]); e > tol {
				t.Errorf("%s Backward input %d: relative error %.2g", c.Name, i, e)
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

// Dot64 is the float64 inner product.
func Dot64(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}
