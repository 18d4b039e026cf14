// Package gradcheck checks derivatives against an independent float64
// reference: a float32 forward value, blocks of Jacobian-vector products
// (JVP), blocks of vector-Jacobian products (VJP) and a scalar gradient are
// compared with the Jacobian of the reference taken by central differences,
// and <Jv, u> = <v, Jᵀu> is checked between the JVP and VJP under test.
//
// It knows nothing of tensors or tapes: a Func is plain float32 slices and
// closures, so every layer's tests can use it (the autograd and nn tests
// adapt their tapes to it in their own _test.go files). It also holds naive
// float64 reference forwards (naive.go). It is test support, imported only
// by tests.
package gradcheck

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Func is a differentiable function under test, f: inputs → one output,
// evaluated at X. Blocks of k vectors are flat: vector j of a block for a
// value of n elements is block[j·n : (j+1)·n] (autograd's block layout).
type Func struct {
	Name string
	// X are the inputs at which f is checked, one slice per input.
	X [][]float32
	// Value is the output under test, f(X).
	Value []float32
	// Ref computes f in float64 from float64 copies of X. Check perturbs
	// its argument in place, so Ref must not keep it.
	Ref func(x [][]float64) []float64
	// JVP returns the block J·v of k output tangents, where tangents[p] is
	// the block of k tangents of input inputs[p]; the inputs not listed
	// have zero tangents.
	JVP func(inputs []int, tangents [][]float32, k int) ([]float32, error)
	// VJP returns, for a block u of k output cotangents, the blocks Jᵀu of
	// every input, in input order.
	VJP func(u []float32, k int) ([][]float32, error)
	// Grad, set only for a scalar output, returns the gradient of every
	// input (reverse mode without a seed, e.g. autograd's Backward). It is
	// called last.
	Grad func() ([][]float32, error)
	// Tol is the relative tolerance of derivatives (default 1e-3); FwdTol
	// that of the forward value (default 1e-5).
	Tol, FwdTol float64
}

// fdStep is the central-difference step in float64: its truncation error
// (∝ step²) and rounding error (∝ 1e-16/step) are both below 1e-9.
const fdStep = 1e-6

// Normal returns n normal values with standard deviation scale, drawn in
// order from rng.
func Normal(rng *rand.Rand, scale float64, n int) []float32 {
	r := make([]float32, n)
	for i := range r {
		r[i] = float32(scale * rng.NormFloat64())
	}
	return r
}

// To64 converts to float64.
func To64(x []float32) []float64 {
	r := make([]float64, len(x))
	for i, v := range x {
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

// Dot64 is the float64 inner product.
func Dot64(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
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

// vector returns vector j of a flat block of n-element vectors.
func vector(block []float32, n, j int) []float32 { return block[j*n : (j+1)*n] }

// Check runs every comparison and reports failures on t: the forward value;
// a block of 3 JVPs seeded on all inputs, then on each input alone (the
// others zero); a block of 2 VJPs; <Jv, u> = <v, Jᵀu>; and Grad if set.
func Check(t testing.TB, f Func) {
	t.Helper()
	tol := f.Tol
	if tol == 0 {
		tol = 1e-3
	}
	fwdTol := f.FwdTol
	if fwdTol == 0 {
		fwdTol = 1e-5
	}
	rng := rand.New(rand.NewPCG(7, uint64(len(f.Name))))
	xs := make([][]float64, len(f.X))
	for i, x := range f.X {
		xs[i] = To64(x)
	}
	want := f.Ref(xs)
	m := len(want)
	if len(f.Value) != m {
		t.Fatalf("%s: %d output values, the reference has %d", f.Name, len(f.Value), m)
	}
	if e := RelErr(f.Value, want); e > fwdTol {
		t.Errorf("%s forward: relative error %.2g", f.Name, e)
	}
	J := jacobianFD(f.Ref, xs)

	seeds := [][]int{allIndices(len(f.X))}
	for i := range f.X {
		seeds = append(seeds, []int{i})
	}
	for _, seed := range seeds {
		const k = 3
		tangents := make([][]float32, len(seed))
		for p, i := range seed {
			tangents[p] = Normal(rng, 1, k*len(f.X[i]))
		}
		jv, err := f.JVP(seed, tangents, k)
		if err != nil {
			t.Fatalf("%s JVP: %v", f.Name, err)
		}
		for j := range k {
			// full is tangent j of all inputs, zeros where not seeded.
			var full []float64
			for i, x := range f.X {
				part := make([]float64, len(x))
				for p, s := range seed {
					if s == i {
						part = To64(vector(tangents[p], len(x), j))
					}
				}
				full = append(full, part...)
			}
			ref := make([]float64, m)
			for o := range m {
				for q, v := range full {
					ref[o] += J[o][q] * v
				}
			}
			if e := RelErr(vector(jv, m, j), ref); e > tol {
				t.Errorf("%s JVP (inputs %v) vector %d: relative error %.2g", f.Name, seed, j, e)
			}
		}
	}

	const k = 2
	u := Normal(rng, 1, k*m)
	grads, err := f.VJP(u, k)
	if err != nil {
		t.Fatalf("%s VJP: %v", f.Name, err)
	}
	for j := range k {
		uj := To64(vector(u, m, j))
		col := 0
		for i, x := range f.X {
			ref := make([]float64, len(x))
			for q := range ref {
				for o := range m {
					ref[q] += J[o][col+q] * uj[o]
				}
			}
			col += len(x)
			if e := RelErr(vector(grads[i], len(x), j), ref); e > tol {
				t.Errorf("%s VJP input %d vector %d: relative error %.2g", f.Name, i, j, e)
			}
		}
	}

	// <Jv, u> = <v, Jᵀu> between the JVP and VJP under test.
	vs := make([][]float32, len(f.X))
	for i, x := range f.X {
		vs[i] = Normal(rng, 1, k*len(x))
	}
	jv, err := f.JVP(allIndices(len(f.X)), vs, k)
	if err != nil {
		t.Fatalf("%s JVP: %v", f.Name, err)
	}
	for j := range k {
		lhs := Dot64(vector(jv, m, j), vector(u, m, j))
		var rhs float64
		for i, x := range f.X {
			rhs += Dot64(vector(vs[i], len(x), j), vector(grads[i], len(x), j))
		}
		if math.Abs(lhs-rhs) > 1e-4*math.Max(math.Abs(lhs)+math.Abs(rhs), 1e-3) {
			t.Errorf("%s: <Jv,u> = %.8g but <v,Jᵀu> = %.8g (vector %d)", f.Name, lhs, rhs, j)
		}
	}

	// The gradient of a scalar output is the first (only) row of J.
	if f.Grad != nil {
		if m != 1 {
			t.Fatalf("%s: Grad set for an output of %d values", f.Name, m)
		}
		g, err := f.Grad()
		if err != nil {
			t.Fatalf("%s gradient: %v", f.Name, err)
		}
		col := 0
		for i, x := range f.X {
			if e := RelErr(g[i], J[0][col:col+len(x)]); e > tol {
				t.Errorf("%s gradient of input %d: relative error %.2g", f.Name, i, e)
			}
			col += len(x)
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
