package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	gc "github.com/harmonic-go/harmonic/internal/gradcheck"
	"github.com/harmonic-go/harmonic/tensor"
)

// The state dict of a small tc-unet, written out by hand from the contract
// in torch_reference.py: names, shapes and PyTorch's order.
func TestTCUNetState(t *testing.T) {
	net, err := NewTCUNet(1, 4, []int{1, 2}, 1, 2, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	res := func(name string, ci, co int) []string {
		s := []string{
			name + ".gn1.weight [" + fmt.Sprint(ci) + "]", name + ".gn1.bias [" + fmt.Sprint(ci) + "]",
			fmt.Sprintf("%s.conv1.weight [%d %d 3 3]", name, co, ci), fmt.Sprintf("%s.conv1.bias [%d]", name, co),
			fmt.Sprintf("%s.tproj.weight [%d 16]", name, co), fmt.Sprintf("%s.tproj.bias [%d]", name, co),
			fmt.Sprintf("%s.gn2.weight [%d]", name, co), fmt.Sprintf("%s.gn2.bias [%d]", name, co),
			fmt.Sprintf("%s.conv2.weight [%d %d 3 3]", name, co, co), fmt.Sprintf("%s.conv2.bias [%d]", name, co),
		}
		if ci != co {
			s = append(s, fmt.Sprintf("%s.skip.weight [%d %d 1 1]", name, co, ci), fmt.Sprintf("%s.skip.bias [%d]", name, co))
		}
		return s
	}
	want := []string{"temb.lin1.weight [16 4]", "temb.lin1.bias [16]", "temb.lin2.weight [16 16]", "temb.lin2.bias [16]",
		"head.weight [4 1 3 3]", "head.bias [4]"}
	want = append(want, res("enc.0.res.0", 4, 4)...)
	want = append(want, "enc.0.down.weight [4 4 3 3]", "enc.0.down.bias [4]")
	want = append(want, res("enc.1.res.0", 4, 8)...)
	want = append(want, res("mid.res.0", 8, 8)...)
	want = append(want, res("mid.res.1", 8, 8)...)
	want = append(want, res("dec.0.res.0", 12, 4)...)
	want = append(want, res("dec.1.res.0", 16, 8)...)
	want = append(want, "dec.1.up.weight [8 8 3 3]", "dec.1.up.bias [8]",
		"out.gn.weight [4]", "out.gn.bias [4]", "out.conv.weight [1 4 3 3]", "out.conv.bias [1]")
	var got []string
	n := 0
	for _, p := range net.State() {
		got = append(got, fmt.Sprintf("%s %v", p.Name, p.Value.Shape()))
		n += p.Value.Numel()
	}
	if !slices.Equal(got, want) {
		t.Fatalf("state dict\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if net.NumParams() != n || len(net.Params()) != len(want) {
		t.Errorf("NumParams %d for %d scalars, %d params for %d tensors", net.NumParams(), n, len(net.Params()), len(want))
	}
	meta := net.Meta()
	for k, v := range map[string]string{"arch": "tc-unet", "channels": "1", "base": "4", "mult": "1,2", "res_blocks": "1", "groups": "2"} {
		if meta[k] != v {
			t.Errorf("meta %q = %q, want %q", k, meta[k], v)
		}
	}
	// PyTorch's defaults: GroupNorm weight 1, bias 0; weights within ±1/√fan_in.
	for _, p := range net.State() {
		d := p.Value.Data()
		switch {
		case strings.Contains(p.Name, "gn") && strings.HasSuffix(p.Name, "weight"):
			if slices.ContainsFunc(d, func(v float32) bool { return v != 1 }) {
				t.Errorf("%s is not all ones", p.Name)
			}
		case strings.Contains(p.Name, "gn"):
			if slices.ContainsFunc(d, func(v float32) bool { return v != 0 }) {
				t.Errorf("%s is not all zeros", p.Name)
			}
		case strings.HasPrefix(p.Name, "head.weight"):
			if slices.ContainsFunc(d, func(v float32) bool { return math.Abs(float64(v)) > 1/3.0 }) {
				t.Errorf("%s exceeds 1/sqrt(9)", p.Name)
			}
		}
	}
}

func TestSinusoidalEmbedding(t *testing.T) {
	e, err := SinusoidalEmbedding([]float32{0, 1, 999}, 8)
	if err != nil {
		t.Fatal(err)
	}
	for n, tv := range []float64{0, 1, 999} {
		for i := range 4 {
			f := math.Exp(-math.Log(10000) * float64(i) / 4)
			// The float32 argument of the reference: t·f rounded, so compare
			// at the argument's float32 precision.
			tol := 2e-7 * (1 + tv*f)
			if d := math.Abs(float64(e.At(n, i)) - math.Sin(tv*f)); d > tol {
				t.Errorf("t=%v sin column %d: %v, want %v", tv, i, e.At(n, i), math.Sin(tv*f))
			}
			if d := math.Abs(float64(e.At(n, 4+i)) - math.Cos(tv*f)); d > tol {
				t.Errorf("t=%v cos column %d: %v, want %v", tv, i, e.At(n, 4+i), math.Cos(tv*f))
			}
		}
	}
	if _, err := SinusoidalEmbedding([]float32{1}, 5); err == nil {
		t.Error("odd dimension accepted")
	}
}

// The whole network's JVP against central differences of its own forward
// (float32, so a loose tolerance) and against its VJP (<Jv,u> = <v,Jᵀu>),
// in evaluation and training recordings; and the time input matters.
func TestTCUNetDerivatives(t *testing.T) {
	net, err := NewTCUNet(2, 4, []int{1, 2, 2}, 1, 2, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	x := randTensor(rng, 1, 2, 2, 8, 8)
	v := randTensor(rng, 1, 2, 2, 8, 8)
	u := randTensor(rng, 1, 2, 2, 8, 8)
	times := tensor.New(2)
	copy(times.Data(), []float32{10, 700})
	eval := func(x *tensor.Tensor, ts *tensor.Tensor) *tensor.Tensor {
		tp := autograd.NewTape()
		y := net.Forward(tp, tp.Leaf(x, false), ts, false)
		if err := tp.Err(); err != nil {
			t.Fatal(err)
		}
		return y.Value
	}
	for _, train := range []bool{false, true} {
		tp := autograd.NewTape()
		in := tp.Leaf(x, true)
		y := net.Forward(tp, in, times, train)
		if err := tp.Err(); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(y.Shape(), x.Shape()) {
			t.Fatalf("output %v for input %v", y.Shape(), x.Shape())
		}
		jv, err := tp.JVP(y, []*autograd.Var{in}, []*tensor.Tensor{v})
		if err != nil {
			t.Fatal(err)
		}
		g, err := tp.VJP(y, u, []*autograd.Var{in})
		if err != nil {
			t.Fatal(err)
		}
		lhs, rhs := gc.Dot64(jv.Data(), u.Data()), gc.Dot64(v.Data(), g[0].Data())
		if math.Abs(lhs-rhs) > 1e-4*(math.Abs(lhs)+math.Abs(rhs)) {
			t.Errorf("train=%v: <Jv,u> = %v, <v,Jᵀu> = %v", train, lhs, rhs)
		}
		const h = 1e-2
		xp, xm := x.Clone(), x.Clone()
		for i, d := range v.Data() {
			xp.Data()[i] += h * d
			xm.Data()[i] -= h * d
		}
		fp, fm := eval(xp, times), eval(xm, times)
		fd := make([]float64, len(fp.Data()))
		for i := range fd {
			fd[i] = (float64(fp.Data()[i]) - float64(fm.Data()[i])) / (2 * h)
		}
		e := gc.RelErr(jv.Data(), fd)
		t.Logf("train=%v: JVP vs central differences %.2g, <Jv,u> %.6g vs <v,Jᵀu> %.6g", train, e, lhs, rhs)
		if e > 2e-3 {
			t.Errorf("train=%v: JVP differs from central differences by %.2g", train, e)
		}
	}
	other := tensor.New(2)
	copy(other.Data(), []float32{11, 700})
	a, b := eval(x, times), eval(x, other)
	if slices.Equal(a.Data()[:128], b.Data()[:128]) || !slices.Equal(a.Data()[128:], b.Data()[128:]) {
		t.Error("changing the first image's time must change its output and only its output")
	}
}

func TestTCUNetErrors(t *testing.T) {
	if _, err := NewTCUNet(1, 4, []int{1, 2}, 1, 3, tensor.NewRNG(1)); err == nil {
		t.Error("GroupNorm(3) on 4 channels accepted")
	}
	if _, err := NewTCUNet(1, 5, []int{1}, 1, 1, tensor.NewRNG(1)); err == nil {
		t.Error("odd base (sinusoid width) accepted")
	}
	net, _ := NewTCUNet(1, 4, []int{1, 2, 2}, 1, 2, tensor.NewRNG(1))
	for _, s := range [][]int{{1, 2, 8, 8}, {1, 1, 6, 8}, {1, 8, 8}} {
		if net.CheckInput(s) == nil {
			t.Errorf("input %v accepted", s)
		}
	}
	if err := net.CheckInput([]int{3, 1, 12, 4}); err != nil {
		t.Error(err)
	}
	tp := autograd.NewTape()
	net.Forward(tp, tp.Leaf(tensor.New(2, 1, 8, 8), false), tensor.New(3), false)
	if err := tp.Err(); err == nil || !strings.Contains(err.Error(), "times") {
		t.Errorf("3 times for 2 images: error %v", err)
	}
}
