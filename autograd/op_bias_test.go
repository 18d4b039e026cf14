package autograd_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/internal/gradcheck"
	"github.com/harmonic-go/harmonic/tensor"
)

// channelAddRef adds b[c] (perImage: b[n,c]) to every pixel of x [nb,c,hw].
func channelAddRef(x, b []float64, nb, c, hw int, perImage bool) []float64 {
	y := make([]float64, len(x))
	for n := range nb {
		for ch := range c {
			v := b[ch]
			if perImage {
				v = b[n*c+ch]
			}
			for p := range hw {
				i := (n*c+ch)*hw + p
				y[i] = x[i] + v
			}
		}
	}
	return y
}

func TestAddChannelBias(t *testing.T) {
	rng := rand.New(rand.NewPCG(32, 33))
	x := randTensor(rng, 1, 2, 3, 2, 3)
	b := randTensor(rng, 1, 3)
	v := randTensor(rng, 1, 2, 3)
	checkTape(t, tapeCase{Name: "add_channel_bias", Inputs: []*tensor.Tensor{x, b},
		Build: func(_ *Tape, in []*Var) *Var { return AddChannelBias(in[0], in[1]) },
		Ref:   func(in [][]float64) []float64 { return channelAddRef(in[0], in[1], 2, 3, 6, false) }})
	checkTape(t, tapeCase{Name: "add_channel_vectors", Inputs: []*tensor.Tensor{x, v},
		Build: func(_ *Tape, in []*Var) *Var { return AddChannelVectors(in[0], in[1]) },
		Ref:   func(in [][]float64) []float64 { return channelAddRef(in[0], in[1], 2, 3, 6, true) }})
}

// A biased 3×3 stride-2 convolution (the tc-unet's down-sampling) composed
// from Conv2d and AddChannelBias, against a float64 loop written here.
func TestConvStride2WithBias(t *testing.T) {
	rng := rand.New(rand.NewPCG(34, 35))
	for _, c := range []struct{ b, ci, h, w, co int }{{2, 3, 6, 6, 4}, {1, 2, 5, 7, 3}} {
		x := randTensor(rng, 1, c.b, c.ci, c.h, c.w)
		w := randTensor(rng, 1, c.co, c.ci, 3, 3)
		bias := randTensor(rng, 1, c.co)
		checkTape(t, tapeCase{Name: "conv_stride2_bias", Inputs: []*tensor.Tensor{x, w, bias},
			Build: func(_ *Tape, v []*Var) *Var { return AddChannelBias(Conv2d(v[0], v[1], 2, 1), v[2]) },
			Ref: func(in [][]float64) []float64 {
				return conv3x3Stride2Ref(in[0], in[1], in[2], c.b, c.ci, c.h, c.w, c.co)
			}})
	}
}

// Conv2dBias, the fused form, against Conv2d's float64 reference plus the
// bias, in the tc-unet's three geometries (3×3 same, 3×3 stride 2, 1×1).
func TestConv2dBias(t *testing.T) {
	rng := rand.New(rand.NewPCG(46, 47))
	for _, c := range []struct{ b, ci, h, w, co, k, stride, pad int }{
		{2, 3, 5, 4, 4, 3, 1, 1}, {2, 2, 6, 5, 3, 3, 2, 1}, {1, 4, 3, 3, 2, 1, 1, 0},
	} {
		s := gradcheck.NCHW(c.b, c.ci, c.h, c.w)
		x := randTensor(rng, 1, c.b, c.ci, c.h, c.w)
		w := randTensor(rng, 1, c.co, c.ci, c.k, c.k)
		bias := randTensor(rng, 1, c.co)
		checkTape(t, tapeCase{Name: "conv2d_bias", Inputs: []*tensor.Tensor{x, w, bias},
			Build: func(_ *Tape, v []*Var) *Var { return Conv2dBias(v[0], v[1], v[2], c.stride, c.pad) },
			Ref: func(in [][]float64) []float64 {
				y, o := gradcheck.Conv2dRef(in[0], s, in[1], c.co, c.k, c.k, c.stride, c.pad)
				return channelAddRef(y, in[2], o.B, o.C, o.H*o.W, false)
			}})
	}
	tp := NewTape()
	Conv2dBias(tp.Leaf(tensor.New(1, 2, 4, 4), true), tp.Leaf(tensor.New(3, 2, 3, 3), true), tp.Leaf(tensor.New(2), true), 1, 1)
	if tp.Err() == nil {
		t.Error("a bias of 2 for 3 output channels accepted")
	}
}

// conv3x3Stride2Ref is the 3×3, stride 2, padding 1 convolution with bias:
// output (h+1)/2 × (w+1)/2.
func conv3x3Stride2Ref(x, w, bias []float64, nb, ci, h, wd, co int) []float64 {
	ho, wo := (h+1)/2, (wd+1)/2
	y := make([]float64, nb*co*ho*wo)
	for n := range nb {
		for o := range co {
			for i := range ho {
				for j := range wo {
					s := bias[o]
					for c := range ci {
						for p := range 3 {
							for q := range 3 {
								r, s2 := 2*i+p-1, 2*j+q-1
								if r >= 0 && r < h && s2 >= 0 && s2 < wd {
									s += x[((n*ci+c)*h+r)*wd+s2] * w[((o*ci+c)*3+p)*3+q]
								}
							}
						}
					}
					y[((n*co+o)*ho+i)*wo+j] = s
				}
			}
		}
	}
	return y
}

func TestAddChannelBiasShapeErrors(t *testing.T) {
	for _, c := range []struct {
		name     string
		x, b     []int
		perImage bool
	}{
		{"bias too long", []int{2, 3, 2, 2}, []int{4}, false},
		{"vectors of another batch", []int{2, 3, 2, 2}, []int{3, 3}, true},
		{"vectors given as a bias", []int{2, 3, 2, 2}, []int{2, 3}, false},
		{"input not 4-D", []int{2, 3}, []int{3}, false},
	} {
		tp := NewTape()
		x, b := tp.Leaf(tensor.New(c.x...), true), tp.Leaf(tensor.New(c.b...), true)
		if c.perImage {
			AddChannelVectors(x, b)
		} else {
			AddChannelBias(x, b)
		}
		if tp.Err() == nil {
			t.Errorf("%s: x %v with %v accepted", c.name, c.x, c.b)
		}
	}
}
