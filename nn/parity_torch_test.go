//go:build torchparity

// Parity with the PyTorch reference networks: run with
//
//	go test -tags torchparity ./nn/
//
// It needs Debian's PyTorch (`apt-get install -y python3-torch python3-numpy`,
// run by /usr/bin/python3) and the PyTorch twin torch_reference.py (see
// docs/reproduce.md): HARMONIC_TORCH_REFERENCE, by default
// ../shared/tools/torch_reference.py from the module root (torchReference).

package nn

import (
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

func runTorchRef(t *testing.T, args ...string) {
	t.Helper()
	python, script := torchReference(t)
	cmd := exec.Command(python, append([]string{script}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("torch_reference.py %v: %v\n%s", args, err, out)
	}
}

func ptLoadNpy(t *testing.T, path string) *tensor.Tensor {
	x, err := codec.LoadNpy(path)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func ptSaveNpy(t *testing.T, path string, x *tensor.Tensor) string {
	if err := codec.SaveNpy(path, x); err != nil {
		t.Fatal(err)
	}
	return path
}

func ptCompareRel(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	if !slices.Equal(got.Shape(), want.Shape()) {
		t.Fatalf("%s: shape %v, torch %v", what, got.Shape(), want.Shape())
	}
	var num, den float64
	for i, w := range want.Data() {
		d := float64(got.Data()[i]) - float64(w)
		num += d * d
		den += float64(w) * float64(w)
	}
	if e := math.Sqrt(num / den); e > 1e-4 {
		t.Errorf("%s: relative difference from torch %.3g", what, e)
	} else {
		t.Logf("%s: relative difference from torch %.3g", what, e)
	}
}

func TestTorchParityLinearization(t *testing.T) {
	dir := t.TempDir()
	u, _ := NewBFUNet(2, 4, tensor.NewRNG(11))
	c, _ := NewBFCNN(5, 4, tensor.NewRNG(12))
	rng := rand.New(rand.NewPCG(5, 5))
	for _, net := range []Net{u, c} {
		randomizeBN(net, rng) // gammas of order one, so the network matters
		arch := net.Config().Arch
		ckpt := filepath.Join(dir, arch+".safetensors")
		if err := SaveModel(ckpt, net, nil); err != nil {
			t.Fatal(err)
		}
		x := randTensor(rng, 1, 3, 1, 8, 8)
		xin := ptSaveNpy(t, filepath.Join(dir, "x.npy"), x)
		out := filepath.Join(dir, "out.npy")

		runTorchRef(t, "forward", "--ckpt", ckpt, "--input", xin, "--output", out)
		f, err := Denoise(net, x)
		if err != nil {
			t.Fatal(err)
		}
		ptCompareRel(t, arch+" forward eval", f, ptLoadNpy(t, out))

		runTorchRef(t, "forward", "--ckpt", ckpt, "--input", xin, "--output", out, "--train")
		saved := snapshot(net)
		tp := autograd.NewTape()
		ft := DenoiserForward(tp, net, tp.Leaf(x, false), true)
		if tp.Err() != nil {
			t.Fatal(tp.Err())
		}
		restore(net, saved)
		ptCompareRel(t, arch+" forward train", ft.Value, ptLoadNpy(t, out))

		x1 := randTensor(rng, 1, 1, 1, 8, 8)
		v := randTensor(rng, 1, 1, 1, 8, 8)
		x1in, vin := ptSaveNpy(t, filepath.Join(dir, "x1.npy"), x1), ptSaveNpy(t, filepath.Join(dir, "v.npy"), v)
		lin, err := Linearize(net, x1, false)
		if err != nil {
			t.Fatal(err)
		}
		runTorchRef(t, "jvp", "--ckpt", ckpt, "--input", x1in, "--tangent", vin, "--output", out)
		jv, err := lin.JVP(v)
		if err != nil {
			t.Fatal(err)
		}
		ptCompareRel(t, arch+" jvp", jv, ptLoadNpy(t, out))
		runTorchRef(t, "vjp", "--ckpt", ckpt, "--input", x1in, "--cotangent", vin, "--output", out)
		jtu, err := lin.VJP(v)
		if err != nil {
			t.Fatal(err)
		}
		ptCompareRel(t, arch+" vjp", jtu, ptLoadNpy(t, out))
	}
}
