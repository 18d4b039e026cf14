//go:build torchparity

package nn

// Parity with the PyTorch reference networks: a harmonic checkpoint is run
// through the PyTorch twin torch_reference.py (see docs/reproduce.md; forward
// in eval and train mode, jvp, vjp) and compared with harmonic's own outputs.
//
//	go test -tags torchparity -run TorchParity -v ./nn/
//
// Needs /usr/bin/python3 with torch and numpy (Debian: apt-get install -y
// python3-torch python3-numpy) and the script; torchReference says where it
// looks and fails the test when either is missing. HARMONIC_PARITY_BASE sets
// the networks' base width (default 8, small and fast; 64 is the study's
// width, where every inner convolution takes the Winograd path).

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// parityTol is the largest accepted max|harmonic − torch| / max|torch|.
const parityTol = 1e-4

func TestTorchParity(t *testing.T) {
	python, script := torchReference(t)
	rng := tensor.NewRNG(42)
	base := 8
	if s := os.Getenv("HARMONIC_PARITY_BASE"); s != "" {
		var err error
		if base, err = strconv.Atoi(s); err != nil || base < 1 {
			t.Fatalf("HARMONIC_PARITY_BASE=%q is not a positive width", s)
		}
	}
	unet, err := NewBFUNet(2, base, rng)
	if err != nil {
		t.Fatal(err)
	}
	cnn, err := NewBFCNN(5, base, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, net := range []Net{unet, cnn} {
		t.Run(parityName(net), func(t *testing.T) { checkParity(t, python, script, net, rng) })
	}
}

// parityName names a network for subtests.
func parityName(net Net) string {
	m := net.Config().Meta()
	if m["arch"] == "bf-unet" {
		return "bf-unet-L" + m["levels"] + "-base" + m["base"]
	}
	return "bf-cnn-" + m["layers"] + "-base" + m["base"]
}

func checkParity(t *testing.T, python, script string, net Net, rng *tensor.RNG) {
	// Gammas of order 1 (the authors' init is ~0.01) make the network's
	// part of f(y) = y − net(y) as large as y, so the comparison tests it.
	for _, p := range net.Params() {
		if strings.HasSuffix(p.Name, ".gamma") {
			rng.FillUniform(p.Value.Data(), 0.5, 1.5)
		}
	}
	trainSteps(t, net, rng, 4)
	for _, p := range net.State() {
		if p.Buffer && p.Value.Data()[0] == 1 {
			t.Fatalf("%s is still 1 after training: the check would not cover running_sd", p.Name)
		}
	}
	dir := t.TempDir()
	ckpt := filepath.Join(dir, ModelFile)
	if err := SaveModel(ckpt, net, nil); err != nil {
		t.Fatal(err)
	}
	file := func(name string, x *tensor.Tensor) string {
		p := filepath.Join(dir, name)
		if x != nil {
			if err := codec.SaveNpy(p, x); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	run := func(args ...string) *tensor.Tensor {
		out := file("out.npy", nil)
		cmd := exec.Command(python, append(append([]string{script}, args...), "--ckpt", ckpt, "--output", out)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %v: %v\n%s", script, args, err, stderr.String())
		}
		y, err := codec.LoadNpy(out)
		if err != nil {
			t.Fatal(err)
		}
		return y
	}

	batch := noisyImages(rng, 4)
	one := noisyImages(rng, 1)
	v, u := tensor.New(1, 1, 16, 16), tensor.New(1, 1, 16, 16)
	rng.FillNormal(v.Data(), 0, 1)
	rng.FillNormal(u.Data(), 0, 1)

	// Eval mode (running_sd), a batch.
	f, err := Denoise(net, batch)
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "forward (eval)", batch, f, run("forward", "--input", file("x.npy", batch)))

	lin, err := Linearize(net, one, false)
	if err != nil {
		t.Fatal(err)
	}
	jv, err := lin.JVP(v)
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "jvp", v, jv, run("jvp", "--input", file("x1.npy", one), "--tangent", file("v.npy", v)))
	jtu, err := lin.VJP(u)
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "vjp", u, jtu, run("vjp", "--input", file("x1.npy", one), "--cotangent", file("u.npy", u)))

	// Train mode (batch statistics) last: it moves harmonic's running_sd.
	trainLin, err := Linearize(net, batch, true)
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "forward (train)", batch, trainLin.Output(), run("forward", "--train", "--input", file("x.npy", batch)))
}

// noisyImages are b random 16×16 images in [0,1] plus noise of std 0.2.
func noisyImages(rng *tensor.RNG, b int) *tensor.Tensor {
	x := tensor.New(b, 1, 16, 16)
	d := x.Data()
	rng.FillUniform(d, 0, 1)
	for i := range d {
		d[i] += 0.2 * float32(rng.Normal())
	}
	return x
}

// trainSteps takes a few Adam steps at a large learning rate so weights,
// gammas and running_sd all move away from their initial values.
func trainSteps(t *testing.T, net Net, rng *tensor.RNG, steps int) {
	opt := NewAdam(net.Params())
	for range steps {
		clean := noisyImages(rng, 8)
		noise := tensor.New(8, 1, 16, 16)
		rng.FillNormal(noise.Data(), 0, 0.3)
		noisy := tensor.New(8, 1, 16, 16)
		for i := range noisy.Data() {
			noisy.Data()[i] = clean.Data()[i] + noise.Data()[i]
		}
		tp := autograd.NewTape()
		loss, err := NoiseLoss(tp, net, noisy, noise)
		if err != nil {
			t.Fatal(err)
		}
		if err := Backward(tp, loss, net); err != nil {
			t.Fatal(err)
		}
		if err := opt.Update(1e-2); err != nil {
			t.Fatal(err)
		}
	}
}

// compare checks the network's part of the denoiser, identity − got against
// identity − want (y − f(y) = net(y); for the JVP v − Jv, for the VJP
// u − Jᵀu): the identity part is equal by construction and would hide
// differences.
func compare(t *testing.T, what string, identity, got, want *tensor.Tensor) {
	t.Helper()
	id, g, w := identity.Contiguous().Data(), got.Contiguous().Data(), want.Contiguous().Data()
	if len(g) != len(w) || len(g) != len(id) {
		t.Fatalf("%s: harmonic gives %v, torch %v, input %v", what, got.Shape(), want.Shape(), identity.Shape())
	}
	var maxDiff, maxRef float64
	for i := range g {
		maxDiff = max(maxDiff, math.Abs(float64(g[i])-float64(w[i])))
		maxRef = max(maxRef, math.Abs(float64(id[i])-float64(w[i])))
	}
	rel := maxDiff / maxRef
	t.Logf("%-16s max|harmonic−torch| / max|torch network part| = %.2e (max %.3g)", what, rel, maxRef)
	if !(rel <= parityTol) {
		t.Errorf("%s: relative difference %.3e exceeds %.0e", what, rel, parityTol)
	}
}
