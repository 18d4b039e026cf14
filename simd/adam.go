package simd

import (
	"fmt"
	"math"
)

var adamImpl = adamGeneric

// AdamStep applies one Adam update to param in place, given its gradient and
// the first and second moment buffers m and v (updated in place):
//
//	m = beta1*m + (1-beta1)*g
//	v = beta2*v + (1-beta2)*g*g
//	param -= lr * (m/bc1) / (sqrt(v/bc2) + eps)
//
// bc1 = 1-beta1^t and bc2 = 1-beta2^t are the bias corrections of step t. As
// in PyTorch, the hyperparameters arrive in float64 and every per-step scalar
// (1-beta1, 1-beta2, step = lr/bc1, s = 1/sqrt(bc2)) is computed in float64
// and rounded to float32 once: computing 1-beta2 from float32(0.999) would give
// 0.00099998713 instead of 0.001. The last line is evaluated as
// param -= step*m / (sqrt(v)*s + eps), so each element costs one square root
// and one division. Every other operation is a float32 multiply or add rounded
// on its own, so all kernel sets give bit-identical results.
func AdamStep(param, grad, m, v []float32, lr, beta1, beta2, eps, bc1, bc2 float64) {
	checkLen("AdamStep", "grad", len(grad), "param", len(param))
	checkLen("AdamStep", "m", len(m), "param", len(param))
	checkLen("AdamStep", "v", len(v), "param", len(param))
	if !(bc1 > 0) || !(bc2 > 0) {
		panic(fmt.Sprintf("simd.AdamStep: bias corrections must be positive, got bc1=%v bc2=%v", bc1, bc2))
	}
	if len(param) == 0 {
		return
	}
	c := adamCoefficients(lr, beta1, beta2, eps, bc1, bc2)
	adamImpl(param, grad, m, v, c.b1, c.c1, c.b2, c.c2, c.step, c.s, c.eps)
}

// adamCoef holds the per-step scalars of AdamStep, as passed to the kernels.
type adamCoef struct{ b1, c1, b2, c2, step, s, eps float32 }

func adamCoefficients(lr, beta1, beta2, eps, bc1, bc2 float64) adamCoef {
	return adamCoef{
		b1: float32(beta1), c1: float32(1 - beta1),
		b2: float32(beta2), c2: float32(1 - beta2),
		step: float32(lr / bc1),
		s:    float32(1 / math.Sqrt(bc2)),
		eps:  float32(eps),
	}
}

// adamGeneric is the reference. The float32(...) conversions keep the
// compiler from fusing multiply-adds (see elementwise_generic.go), and
// float32(math.Sqrt(float64(x))) is the correctly rounded float32 square root,
// as VSQRTPS computes it.
func adamGeneric(p, g, m, v []float32, b1, c1, b2, c2, step, s, eps float32) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i := range p {
		gi := g[i]
		mi := float32(b1*m[i]) + float32(c1*gi)
		vi := float32(b2*v[i]) + float32(c2*float32(gi*gi))
		m[i], v[i] = mi, vi
		denom := float32(float32(math.Sqrt(float64(vi)))*s) + eps
		p[i] -= float32(step*mi) / denom
	}
}
