package autograd

import (
	"math"
	"sync"

	"github.com/harmonic-go/harmonic/tensor"
)

// SiLU records x·sigmoid(x) (PyTorch's F.silu), elementwise.
func SiLU(x *Var) *Var {
	return x.tape.record([]*Var{x}, func() (*tensor.Tensor, op, error) {
		y := tensor.Empty(x.Value.Shape()...)
		yd, xd := y.Data(), x.Value.Data()
		splitElements(len(xd), func(lo, hi int) { siluForward(yd[lo:hi], xd[lo:hi]) })
		return y, &siluOp{}, nil
	})
}

// siluOp keeps the derivative silu'(x), computed on first use and shared by
// every later JVP and VJP of the recording (a Jacobian spectrum applies it
// thousands of times; the exponential is the expensive part).
type siluOp struct {
	once  sync.Once
	deriv []float32
}

func (*siluOp) name() string { return "silu" }

func (o *siluOp) derivative(x []float32) []float32 {
	o.once.Do(func() {
		o.deriv = make([]float32, len(x))
		splitElements(len(x), func(lo, hi int) { siluDerivative(o.deriv[lo:hi], x[lo:hi]) })
	})
	return o.deriv
}

// The Jacobian is diagonal, the same for every vector of the block.
func (o *siluOp) jvp(out *Var, tin []*tensor.Tensor, k int) *tensor.Tensor {
	return scaleBlocks(tin[0], o.derivative(out.inputs[0].Value.Data()))
}

func (o *siluOp) vjp(out *Var, g *tensor.Tensor, need []bool, k int) []*tensor.Tensor {
	return []*tensor.Tensor{scaleBlocks(g, o.derivative(out.inputs[0].Value.Data()))}
}

// scaleBlocks returns t·f elementwise, f repeated over the block's vectors.
func scaleBlocks(t *tensor.Tensor, f []float32) *tensor.Tensor {
	y := tensor.Empty(t.Shape()...)
	yd, td, n := y.Data(), t.Data(), len(f)
	for j := 0; j < len(td); j += n {
		yj, tj := yd[j:j+n], td[j:j+n]
		splitElements(n, func(lo, hi int) {
			a, b, c := yj[lo:hi], tj[lo:hi], f[lo:hi]
			for i := range a {
				a[i] = b[i] * c[i]
			}
		})
	}
	return y
}

// siluForward sets y = x·σ(x), with σ(x) = 1/(1 + e^−|x|) for x ≥ 0 and
// e^x/(1 + e^x) below: the exponential never overflows, and for x < −87
// (e^x below the normal float32 range) the result is 0.
func siluForward(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		if v >= 0 {
			y[i] = v / (1 + expNeg(-v))
			continue
		}
		e := expNeg(v)
		if e == 0 {
			y[i] = 0 // also the limit at −Inf, where v·0 would be NaN
			continue
		}
		y[i] = float32(v*e) / (1 + e)
	}
}

// siluDerivative sets d = σ(x)·(1 + x·(1 − σ(x))), with σ and 1 − σ each
// formed without cancellation from e = e^−|x|; where e underflows to 0 the
// derivative is its limit, 1 for large x and 0 for very negative x.
func siluDerivative(d, x []float32) {
	d = d[:len(x)]
	for i, v := range x {
		a := v
		if v > 0 {
			a = -v
		}
		e := expNeg(a)
		if e == 0 {
			d[i] = 0
			if v > 0 {
				d[i] = 1
			}
			continue
		}
		inv := 1 / (1 + e)
		s, sc := inv, e*inv // σ(x), 1 − σ(x) for x ≥ 0
		if v < 0 {
			s, sc = sc, s
		}
		d[i] = s * (1 + float32(v*sc))
	}
}

// expNeg is e^a for a ≤ 0 in float32 to about 2 ulp (Cephes' expf:
// a = n·ln2 + r, a degree-6 polynomial for e^r, times 2^n), several times
// faster than float64 math.Exp. Below −87, where 2^n would leave the normal
// float32 range, it returns 0. Explicit conversions keep every product
// rounded on its own (no fused multiply-add), so the bits do not depend on
// the compiler's target.
func expNeg(a float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2Hi = 0.693359375
		ln2Lo = -2.12194440e-4
	)
	if a < -87 {
		return 0
	}
	fx := float32(a*log2e) + 0.5
	n := int32(fx) // n = floor(fx): truncation rounds negative values up
	if float32(n) > fx {
		n--
	}
	fn := float32(n)
	r := a - float32(fn*ln2Hi)
	r -= float32(fn * ln2Lo)
	p := float32(1.9875691500e-4*r) + 1.3981999507e-3
	p = float32(p*r) + 8.3334519073e-3
	p = float32(p*r) + 4.1665795894e-2
	p = float32(p*r) + 1.6666665459e-1
	p = float32(p*r) + 5.0000001201e-1
	p = float32(p*float32(r*r)) + r + 1
	return p * math.Float32frombits(uint32(n+127)<<23)
}
