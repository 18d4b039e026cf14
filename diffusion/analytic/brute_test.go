package analytic

import (
	"math"
	"math/rand"

	"github.com/harmonic-go/harmonic/tensor"
)

// Float64 brute-force references, written from the definitions with no
// eigensolver, GEMM or streaming: the oracles of the tests.

// testImages returns n correlated images [n,c,h,w] in [−1,1]: a few smooth
// random patterns mixed with random weights, plus pixel noise, clipped.
func testImages(rng *rand.Rand, n, c, h, w int) *tensor.Tensor {
	d := c * h * w
	const k = 4
	base := make([]float64, k*d)
	for i := range base {
		base[i] = rng.NormFloat64() * 0.5
	}
	x := tensor.New(n, c, h, w)
	for i := range n {
		for j := range d {
			v := -0.2
			for b := range k {
				v += base[b*d+j] * rng.NormFloat64() * 0.6
			}
			v += 0.1 * rng.NormFloat64()
			x.Data()[i*d+j] = float32(math.Max(-1, math.Min(1, v)))
		}
	}
	return x
}

func rows64(x *tensor.Tensor) ([][]float64, int) {
	x = x.Contiguous()
	n := x.Dim(0)
	d := x.Numel() / n
	out := make([][]float64, n)
	for i := range n {
		out[i] = make([]float64, d)
		for j := range d {
			out[i][j] = float64(x.Data()[i*d+j])
		}
	}
	return out, d
}

func bruteMeanCov(x [][]float64, d int) ([]float64, []float64) {
	n := len(x)
	mu := make([]float64, d)
	for _, r := range x {
		for j, v := range r {
			mu[j] += v / float64(n)
		}
	}
	cov := make([]float64, d*d)
	for _, r := range x {
		for a := range d {
			for b := range d {
				cov[a*d+b] += (r[a] - mu[a]) * (r[b] - mu[b]) / float64(n-1)
			}
		}
	}
	return mu, cov
}

// bruteFilter is S(S+σ²I)⁻¹ by Gauss–Jordan elimination with partial
// pivoting on [S+σ²I | S] (S and S+σ²I commute, so this is the filter).
func bruteFilter(cov []float64, d int, sigma2 float64) []float64 {
	a := make([]float64, d*d)
	copy(a, cov)
	for i := range d {
		a[i*d+i] += sigma2
	}
	b := append([]float64(nil), cov...)
	for col := range d {
		p := col
		for r := col + 1; r < d; r++ {
			if math.Abs(a[r*d+col]) > math.Abs(a[p*d+col]) {
				p = r
			}
		}
		for j := range d {
			a[col*d+j], a[p*d+j] = a[p*d+j], a[col*d+j]
			b[col*d+j], b[p*d+j] = b[p*d+j], b[col*d+j]
		}
		piv := a[col*d+col]
		for j := range d {
			a[col*d+j] /= piv
			b[col*d+j] /= piv
		}
		for r := range d {
			if r == col || a[r*d+col] == 0 {
				continue
			}
			f := a[r*d+col]
			for j := range d {
				a[r*d+j] -= f * a[col*d+j]
				b[r*d+j] -= f * b[col*d+j]
			}
		}
	}
	// b = (S+σ²I)⁻¹S = S(S+σ²I)⁻¹ (they commute).
	return b
}

func bruteWiener(x [][]float64, d int, xt []float64, a float64) []float64 {
	mu, cov := bruteMeanCov(x, d)
	p := bruteFilter(cov, d, (1-a)/a)
	out := make([]float64, d)
	for i := range d {
		out[i] = mu[i]
		for j := range d {
			out[i] += p[i*d+j] * (xt[j]/math.Sqrt(a) - mu[j])
		}
	}
	return out
}

func bruteOptimal(x [][]float64, xt []float64, a float64) []float64 {
	l := make([]float64, len(x))
	mx := math.Inf(-1)
	for i, r := range x {
		var s float64
		for j, v := range r {
			e := xt[j] - math.Sqrt(a)*v
			s += e * e
		}
		l[i] = -s / (2 * (1 - a))
		mx = math.Max(mx, l[i])
	}
	out := make([]float64, len(xt))
	var z float64
	for i, r := range x {
		w := math.Exp(l[i] - mx)
		z += w
		for j, v := range r {
			out[j] += w * v
		}
	}
	for j := range out {
		out[j] /= z
	}
	return out
}

func bruteLocalityMask(x [][]float64, d int, a, tau float64) []bool {
	_, cov := bruteMeanCov(x, d)
	p := bruteFilter(cov, d, (1-a)/a)
	r := make([]float64, d*d)
	var g float64
	for n := range d {
		dn := p[n*d+n]
		if math.Abs(dn) < 1e-6 {
			dn = 1
		}
		for m := range d {
			r[n*d+m] = math.Abs(p[n*d+m] / dn)
			g = math.Max(g, r[n*d+m])
		}
	}
	mask := make([]bool, d*d)
	for i, v := range r {
		mask[i] = v >= tau*g
	}
	return mask
}

func bruteLocality(x [][]float64, d int, xt []float64, a float64, mask []bool) []float64 {
	out := make([]float64, d)
	for m := range d {
		l := make([]float64, len(x))
		mx := math.Inf(-1)
		for i, r := range x {
			var s float64
			for n := range d {
				if mask[n*d+m] {
					e := xt[n] - math.Sqrt(a)*r[n]
					s += e * e
				}
			}
			l[i] = -s / (2 * (1 - a))
			mx = math.Max(mx, l[i])
		}
		var z, u float64
		for i, r := range x {
			w := math.Exp(l[i] - mx)
			z += w
			u += w * r[m]
		}
		out[m] = u / z
	}
	return out
}

func bruteNearest(x [][]float64, y []float64) []float64 {
	best, arg := math.Inf(1), 0
	for i, r := range x {
		var s float64
		for j, v := range r {
			e := y[j] - v
			s += e * e
		}
		if s < best {
			best, arg = s, i
		}
	}
	return x[arg]
}

// noisy returns VP images x_t = √a x0 + √(1−a) ε of b training or fresh
// images.
func noisy(rng *rand.Rand, x0 *tensor.Tensor, a float64) *tensor.Tensor {
	xt := x0.Clone()
	for i, v := range xt.Data() {
		xt.Data()[i] = float32(math.Sqrt(a)*float64(v) + math.Sqrt(1-a)*rng.NormFloat64())
	}
	return xt
}
