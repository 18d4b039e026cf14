package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/nn"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

func netTestArray(t *testing.T, path string, seed uint64, shape ...int) *tensor.Tensor {
	x := tensor.New(shape...)
	tensor.NewRNG(seed).FillNormal(x.Data(), 0, 1)
	if err := codec.SaveNpy(path, x); err != nil {
		t.Fatal(err)
	}
	return x
}

func dot64(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// harmonic net on a tc-unet: forward is net(x, T) at every image; jvp and
// vjp are adjoint (<Jv,u> = <v,Jᵀu>) and jvp matches a central finite
// difference of forward in float64-accumulated terms.
func TestNetTCUNet(t *testing.T) {
	dir := t.TempDir()
	net, err := nn.NewTCUNet(2, 8, []int{1, 2}, 1, 4, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, "tc.safetensors")
	if err := nn.SaveModel(ckpt, net, nil); err != nil {
		t.Fatal(err)
	}
	p := func(n string) string { return filepath.Join(dir, n) }
	x := netTestArray(t, p("x.npy"), 1, 3, 2, 8, 8)
	x1 := netTestArray(t, p("x1.npy"), 2, 1, 2, 8, 8)
	v := netTestArray(t, p("v.npy"), 3, 1, 2, 8, 8)
	u := netTestArray(t, p("u.npy"), 4, 1, 2, 8, 8)
	mustRun := func(args ...string) *tensor.Tensor {
		t.Helper()
		if code, _, stderr := runCaptured(t, args...); code != 0 {
			t.Fatalf("harmonic %v: exit %d: %s", args, code, stderr)
		}
		y, err := codec.LoadNpy(p("out.npy"))
		if err != nil {
			t.Fatal(err)
		}
		return y
	}
	y := mustRun("net", "forward", "--ckpt", ckpt, "--input", p("x.npy"), "--time", "250", "--output", p("out.npy"))
	want, err := nn.ApplyAt(net, x, 250)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want.Data() {
		if y.Data()[i] != w {
			t.Fatalf("forward [%d] = %v, Apply gives %v", i, y.Data()[i], w)
		}
	}
	// A different time changes the output: --time reaches the network.
	other, _ := nn.ApplyAt(net, x, 900)
	if dot64(other.Data(), other.Data()) == dot64(want.Data(), want.Data()) {
		t.Fatal("forward at t 900 equals t 250")
	}
	jv := mustRun("net", "jvp", "--ckpt", ckpt, "--input", p("x1.npy"), "--tangent", p("v.npy"), "--time", "250", "--output", p("out.npy"))
	jtu := mustRun("net", "vjp", "--ckpt", ckpt, "--input", p("x1.npy"), "--cotangent", p("u.npy"), "--time", "250", "--output", p("out.npy"))
	a, b := dot64(jv.Data(), u.Data()), dot64(v.Data(), jtu.Data())
	if math.Abs(a-b) > 1e-4*math.Abs(a) {
		t.Fatalf("<Jv,u> = %v, <v,Jᵀu> = %v", a, b)
	}
	const h = 1e-2
	shift := func(s float32) *tensor.Tensor {
		z := x1.Clone()
		for i := range z.Data() {
			z.Data()[i] += s * v.Data()[i]
		}
		f, err := nn.ApplyAt(net, z, 250)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	fp, fm := shift(h), shift(-h)
	var num, den float64
	for i := range jv.Data() {
		fd := (float64(fp.Data()[i]) - float64(fm.Data()[i])) / (2 * h)
		num += (fd - float64(jv.Data()[i])) * (fd - float64(jv.Data()[i]))
		den += fd * fd
	}
	if e := math.Sqrt(num / den); e > 1e-2 {
		t.Fatalf("jvp differs from a finite difference by %.3g relative", e)
	}
}

// Bad input is a clear error naming the value, and no output file appears.
func TestNetErrors(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	tc, _ := nn.NewTCUNet(1, 8, []int{1, 2}, 1, 4, tensor.NewRNG(3))
	if err := nn.SaveModel(p("tc.safetensors"), tc, nil); err != nil {
		t.Fatal(err)
	}
	bf, _ := nn.NewBFCNN(3, 4, tensor.NewRNG(4))
	if err := nn.SaveModel(p("bf.safetensors"), bf, nil); err != nil {
		t.Fatal(err)
	}
	netTestArray(t, p("x.npy"), 1, 2, 1, 8, 8)
	netTestArray(t, p("x1.npy"), 1, 1, 1, 8, 8)
	netTestArray(t, p("odd.npy"), 1, 1, 1, 7, 8)
	netTestArray(t, p("v3.npy"), 1, 1, 3, 8, 8)
	out := p("y.npy")
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"net"}, 2, "missing subcommand"},
		{[]string{"net", "backward"}, 2, `"backward"`},
		{[]string{"net", "forward", "--input", p("x.npy"), "--output", out}, 2, "--ckpt is required"},
		{[]string{"net", "forward", "--ckpt", p("tc.safetensors"), "--input", p("x.npy"), "--output", out}, 1, "needs --time"},
		{[]string{"net", "forward", "--ckpt", p("tc.safetensors"), "--input", p("x.npy"), "--time", "abc", "--output", out}, 1, `--time "abc"`},
		{[]string{"net", "forward", "--ckpt", p("bf.safetensors"), "--input", p("x.npy"), "--time", "3", "--output", out}, 1, "--time is for tc-unet"},
		{[]string{"net", "forward", "--ckpt", p("tc.safetensors"), "--input", p("odd.npy"), "--time", "3", "--output", out}, 1, "7x8"},
		{[]string{"net", "forward", "--ckpt", p("tc.safetensors"), "--input", p("v3.npy"), "--time", "3", "--output", out}, 1, "[1 3 8 8]"},
		{[]string{"net", "forward", "--ckpt", p("missing.safetensors"), "--input", p("x.npy"), "--time", "3", "--output", out}, 1, "missing.safetensors"},
		{[]string{"net", "forward", "--ckpt", p("tc.safetensors"), "--input", p("nothere.npy"), "--time", "3", "--output", out}, 1, "nothere.npy"},
		{[]string{"net", "forward", "--ckpt", p("tc.safetensors"), "--input", p("x.npy"), "--time", "3", "--output", p("y.txt")}, 1, "y.txt"},
		{[]string{"net", "jvp", "--ckpt", p("tc.safetensors"), "--input", p("x1.npy"), "--time", "3", "--output", out}, 2, "--tangent"},
		{[]string{"net", "vjp", "--ckpt", p("tc.safetensors"), "--input", p("x1.npy"), "--tangent", p("x1.npy"), "--time", "3", "--output", out}, 2, "--cotangent"},
		{[]string{"net", "jvp", "--ckpt", p("tc.safetensors"), "--input", p("x.npy"), "--tangent", p("x.npy"), "--time", "3", "--output", out}, 1, "B = 1"},
		{[]string{"net", "jvp", "--ckpt", p("bf.safetensors"), "--input", p("x1.npy"), "--tangent", p("odd.npy"), "--output", out}, 1, "does not match"},
	} {
		code, _, stderr := runCaptured(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("harmonic %v: exit %d, stderr %q; want exit %d mentioning %q", c.args[1:], code, stderr, c.code, c.msg)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("harmonic %v wrote %s", c.args[1:], out)
		}
	}
}

// On a bf-cnn the map is the denoiser y − net(y).
func TestNetBlindIsDenoiser(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	bf, _ := nn.NewBFCNN(3, 4, tensor.NewRNG(4))
	if err := nn.SaveModel(p("bf.safetensors"), bf, nil); err != nil {
		t.Fatal(err)
	}
	x := netTestArray(t, p("x.npy"), 1, 2, 1, 8, 8)
	if code, _, stderr := runCaptured(t, "net", "forward", "--ckpt", p("bf.safetensors"), "--input", p("x.npy"), "--output", p("y.npy")); code != 0 {
		t.Fatal(stderr)
	}
	y, _ := codec.LoadNpy(p("y.npy"))
	want, _ := nn.Denoise(bf, x)
	for i, w := range want.Data() {
		if y.Data()[i] != w {
			t.Fatalf("forward [%d] = %v, Denoise gives %v", i, y.Data()[i], w)
		}
	}
}
