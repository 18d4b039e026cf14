package gradcheck

import "math"

// Independent float64 reference forwards (NCHW, plain loops), used by the
// finite-difference checks of the ops and of whole networks.

// Shape4 is an NCHW shape.
type Shape4 struct{ B, C, H, W int }

// N is the number of elements.
func (s Shape4) N() int { return s.B * s.C * s.H * s.W }

// Conv2dRef is convolution: x [s], w [co, s.C, kh, kw], zero padding, stride.
func Conv2dRef(x []float64, s Shape4, w []float64, co, kh, kw, stride, pad int) ([]float64, Shape4) {
	o := Shape4{s.B, co, (s.H+2*pad-kh)/stride + 1, (s.W+2*pad-kw)/stride + 1}
	y := make([]float64, o.N())
	for b := range s.B {
		for oc := range co {
			for i := range o.H {
				for j := range o.W {
					var acc float64
					for ic := range s.C {
						for p := range kh {
							for q := range kw {
								r, c := i*stride+p-pad, j*stride+q-pad
								if r < 0 || r >= s.H || c < 0 || c >= s.W {
									continue
								}
								acc += x[((b*s.C+ic)*s.H+r)*s.W+c] * w[((oc*s.C+ic)*kh+p)*kw+q]
							}
						}
					}
					y[((b*co+oc)*o.H+i)*o.W+j] = acc
				}
			}
		}
	}
	return y, o
}

// ConvT2Ref is the 2×2 stride-2 transposed convolution: x [s], w [s.C, co, 2, 2]; y[b,o,2i+p,2j+q] = Σ x[b,c,i,j] w[c,o,p,q].
func ConvT2Ref(x []float64, s Shape4, w []float64, co int) ([]float64, Shape4) {
	o := Shape4{s.B, co, 2 * s.H, 2 * s.W}
	y := make([]float64, o.N())
	for b := range s.B {
		for ic := range s.C {
			for i := range s.H {
				for j := range s.W {
					xv := x[((b*s.C+ic)*s.H+i)*s.W+j]
					for oc := range co {
						for p := range 2 {
							for q := range 2 {
								y[((b*co+oc)*o.H+2*i+p)*o.W+2*j+q] += xv * w[((ic*co+oc)*2+p)*2+q]
							}
						}
					}
				}
			}
		}
	}
	return y, o
}

// PoolRef is 2×2 average pooling.
func PoolRef(x []float64, s Shape4) ([]float64, Shape4) {
	o := Shape4{s.B, s.C, s.H / 2, s.W / 2}
	y := make([]float64, o.N())
	for bc := range s.B * s.C {
		for i := range o.H {
			for j := range o.W {
				var acc float64
				for p := range 2 {
					for q := range 2 {
						acc += x[(bc*s.H+2*i+p)*s.W+2*j+q]
					}
				}
				y[(bc*o.H+i)*o.W+j] = acc / 4
			}
		}
	}
	return y, o
}

// ConcatRef concatenates channels.
func ConcatRef(a []float64, sa Shape4, b []float64, sb Shape4) ([]float64, Shape4) {
	o := Shape4{sa.B, sa.C + sb.C, sa.H, sa.W}
	y := make([]float64, 0, o.N())
	pa, pb := sa.C*sa.H*sa.W, sb.C*sb.H*sb.W
	for n := range sa.B {
		y = append(y, a[n*pa:(n+1)*pa]...)
		y = append(y, b[n*pb:(n+1)*pb]...)
	}
	return y, o
}

// ReLURef is max(x, 0).
func ReLURef(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = max(v, 0)
	}
	return y
}

// BNRef is an independent float64 bias-free batch norm on x [b,c,h·w]:
// sd from the biased variance about the mean (train) or the given running
// sd (eval); the output is x/sd·gamma without mean subtraction.
func BNRef(x, gamma, running []float64, b, c, hw int) []float64 {
	y := make([]float64, len(x))
	for ch := range c {
		sd := 0.0
		if running != nil {
			sd = running[ch]
		} else {
			var s, ss float64
			for bb := range b {
				for p := range hw {
					s += x[(bb*c+ch)*hw+p]
				}
			}
			mu := s / float64(b*hw)
			for bb := range b {
				for p := range hw {
					d := x[(bb*c+ch)*hw+p] - mu
					ss += d * d
				}
			}
			sd = math.Sqrt(ss/float64(b*hw) + 1e-5)
		}
		for bb := range b {
			for p := range hw {
				i := (bb*c+ch)*hw + p
				y[i] = x[i] / sd * gamma[ch]
			}
		}
	}
	return y
}

// NCHW returns the shape [b, c, h, w].
func NCHW(b, c, h, w int) Shape4 { return Shape4{B: b, C: c, H: h, W: w} }

// DFTRef is the discrete Fourier transform by its O(n²) definition,
// out[k] = Σ_j x[j]·exp(∓2πi·jk/n) (minus forward, plus for the unnormalised
// inverse), the reference the FFTs are checked on. (k·j) mod n keeps the
// angle's argument small, so the twiddles stay accurate for large n.
func DFTRef(x []complex128, inverse bool) []complex128 {
	n := len(x)
	sign := -1.0
	if inverse {
		sign = 1
	}
	out := make([]complex128, n)
	for k := 0; k < n; k++ {
		var s complex128
		for j := 0; j < n; j++ {
			ang := sign * 2 * math.Pi * float64((k*j)%n) / float64(n)
			s += x[j] * complex(math.Cos(ang), math.Sin(ang))
		}
		out[k] = s
	}
	return out
}
