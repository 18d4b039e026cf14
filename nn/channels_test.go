package nn

import (
	"math"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// naiveConv3 is a float64 3×3 convolution with zero padding 1: x [C,H,W],
// w [Co,C,3,3] (row-major), result [Co,H,W].
func naiveConv3(x []float64, c, h, wd int, w []float32, co int) []float64 {
	out := make([]float64, co*h*wd)
	for o := range co {
		for i := range h {
			for j := range wd {
				var s float64
				for k := range c {
					for di := -1; di <= 1; di++ {
						for dj := -1; dj <= 1; dj++ {
							if y, xx := i+di, j+dj; y >= 0 && y < h && xx >= 0 && xx < wd {
								s += float64(w[((o*c+k)*3+di+1)*3+dj+1]) * x[(k*h+y)*wd+xx]
							}
						}
					}
				}
				out[(o*h+i)*wd+j] = s
			}
		}
	}
	return out
}

// A 3-channel two-layer bf-cnn is conv(ReLU(conv(y))) with 3 channels in
// and out, checked against float64 loops; its checkpoint says channels 3
// and loads back as a 3-channel network.
func TestColourNetMatchesNaiveConvolutions(t *testing.T) {
	net, err := New(Config{Arch: "bf-cnn", Channels: 3, Layers: 2, Base: 4}, tensor.NewRNG(5))
	if err != nil {
		t.Fatal(err)
	}
	const b, c, h, w = 2, 3, 6, 5
	y := tensor.New(b, c, h, w)
	tensor.NewRNG(6).FillUniform(y.Data(), 0, 1)
	tp := autograd.NewTape()
	got := net.Forward(tp, tp.Leaf(y, false), false)
	if err := tp.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Value.Shape(), []int{b, c, h, w}) {
		t.Fatalf("output shape %v, want %v", got.Value.Shape(), y.Shape())
	}
	w0, w1 := net.State()[0].Value, net.State()[1].Value
	if !slices.Equal(w0.Shape(), []int{4, 3, 3, 3}) || !slices.Equal(w1.Shape(), []int{3, 4, 3, 3}) {
		t.Fatalf("weights %v %v, want [4 3 3 3] [3 4 3 3]", w0.Shape(), w1.Shape())
	}
	d := c * h * w
	for i := range b {
		x := make([]float64, d)
		for k, v := range y.Data()[i*d : (i+1)*d] {
			x[k] = float64(v)
		}
		hid := naiveConv3(x, c, h, w, w0.Data(), 4)
		for k := range hid {
			hid[k] = math.Max(0, hid[k])
		}
		want := naiveConv3(hid, 4, h, w, w1.Data(), c)
		for k, v := range want {
			if g := float64(got.Value.Data()[i*d+k]); math.Abs(g-v) > 1e-5*(1+math.Abs(v)) {
				t.Fatalf("image %d value %d: %g, float64 loops give %g", i, k, g, v)
			}
		}
	}
	if err := net.CheckInput([]int{1, 1, h, w}); err == nil {
		t.Error("a 3-channel network accepted a grayscale batch")
	}
	if m := net.Config().Meta(); m["channels"] != "3" {
		t.Errorf("metadata %v lacks channels 3", m)
	}
}
