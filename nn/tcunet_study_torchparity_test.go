//go:build torchparity

package nn

import (
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// The study sizes of the tc-unet (28×28×1 base 32, 32×32×3 base 64, mult
// 1,2,2, groups 8) against torch_reference.py at several times: forward of a
// batch, JVP and VJP at one image, each within 1e-4 in max relative
// difference (largest |harmonic − torch| over the largest |torch|).

// studyTCUNet builds a study-size tc-unet with GroupNorm affine maps away
// from (1, 0), so a wrong affine map would show, and saves it.
func studyTCUNet(t *testing.T, path string, channels, base int, seed uint64) *TCUNet {
	net, err := NewTCUNet(channels, base, []int{1, 2, 2}, 1, 8, tensor.NewRNG(seed))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, p := range net.State() {
		if !strings.Contains(p.Name, "gn") {
			continue
		}
		for j := range p.Value.Data() {
			if strings.HasSuffix(p.Name, ".weight") {
				p.Value.Data()[j] = 1 + 0.3*float32(rng.NormFloat64())
			} else {
				p.Value.Data()[j] = 0.2 * float32(rng.NormFloat64())
			}
		}
	}
	if err := SaveModel(path, net, nil); err != nil {
		t.Fatal(err)
	}
	return net
}

// maxRelDiff is max|got − want| / max|want|.
func maxRelDiff(t *testing.T, what string, got, want *tensor.Tensor) float64 {
	t.Helper()
	if !slices.Equal(got.Shape(), want.Shape()) {
		t.Fatalf("%s: shape %v, torch %v", what, got.Shape(), want.Shape())
	}
	var d, m float64
	for i, w := range want.Data() {
		d = math.Max(d, math.Abs(float64(got.Data()[i])-float64(w)))
		m = math.Max(m, math.Abs(float64(w)))
	}
	return d / m
}

func checkMaxRel(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	if e := maxRelDiff(t, what, got, want); e > 1e-4 {
		t.Errorf("%s: max relative difference from torch %.3g > 1e-4", what, e)
	} else {
		t.Logf("%s: max relative difference from torch %.3g", what, e)
	}
}

func TestTorchParityTCUNetStudySizes(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(13, 13))
	out := filepath.Join(dir, "out.npy")
	for i, c := range []struct{ channels, base, side int }{{1, 32, 28}, {3, 64, 32}} {
		ckpt := filepath.Join(dir, "tc"+strconv.Itoa(i)+".safetensors")
		net := studyTCUNet(t, ckpt, c.channels, c.base, uint64(30+i))
		size := strconv.Itoa(c.side) + "x" + strconv.Itoa(c.side) + "x" + strconv.Itoa(c.channels)
		for _, tv := range []float32{0, 250, 999} {
			ts := strconv.FormatFloat(float64(tv), 'g', -1, 32)
			what := "tc-unet b" + strconv.Itoa(c.base) + " " + size + " t=" + ts

			x := randTensor(rng, 1, 2, c.channels, c.side, c.side)
			xin := ptSaveNpy(t, filepath.Join(dir, "x.npy"), x)
			runTorchRef(t, "forward", "--ckpt", ckpt, "--input", xin, "--output", out, "--time", ts)
			y, err := ApplyAt(net, x, tv)
			if err != nil {
				t.Fatal(err)
			}
			checkMaxRel(t, what+" forward", y, ptLoadNpy(t, out))

			x1 := randTensor(rng, 1, 1, c.channels, c.side, c.side)
			v := randTensor(rng, 1, 1, c.channels, c.side, c.side)
			u := randTensor(rng, 1, 1, c.channels, c.side, c.side)
			x1in := ptSaveNpy(t, filepath.Join(dir, "x1.npy"), x1)
			vin, uin := ptSaveNpy(t, filepath.Join(dir, "v.npy"), v), ptSaveNpy(t, filepath.Join(dir, "u.npy"), u)
			lin, err := LinearizeAt(net, x1, tv)
			if err != nil {
				t.Fatal(err)
			}
			jv, err := lin.JVP(v)
			if err != nil {
				t.Fatal(err)
			}
			runTorchRef(t, "jvp", "--ckpt", ckpt, "--input", x1in, "--tangent", vin, "--output", out, "--time", ts)
			checkMaxRel(t, what+" jvp", jv, ptLoadNpy(t, out))
			g, err := lin.VJP(u)
			if err != nil {
				t.Fatal(err)
			}
			runTorchRef(t, "vjp", "--ckpt", ckpt, "--input", x1in, "--cotangent", uin, "--output", out, "--time", ts)
			checkMaxRel(t, what+" vjp", g, ptLoadNpy(t, out))
		}
	}
}

// ddpmAlphaBar is ᾱ_t of the DDPM linear schedule (β from 1e-4 to 0.02
// over 1000 steps), in float64.
func ddpmAlphaBar(step int) float64 {
	a := 1.0
	for s := 0; s <= step; s++ {
		a *= 1 - (1e-4 + (0.02-1e-4)*float64(s)/999)
	}
	return a
}

// adamStepScript is one training step in PyTorch on a harmonic checkpoint:
// loss Σ(net(x_t, t) − ε)²/B, backward, torch.optim.Adam(lr).step(); it
// writes the loss, the gradients and the updated parameters (flattened, in
// parameter order, which is the state-dict order of a TCUNet).
const adamStepScript = `
import sys, numpy as np, torch
sys.path.insert(0, sys.argv[1])
import torch_reference as tr
ckpt, xp, tp, ep, lr, out = sys.argv[2:8]
net = tr.load(ckpt).train()
x, eps = torch.from_numpy(np.load(xp)), torch.from_numpy(np.load(ep))
t = torch.from_numpy(np.load(tp))
loss = ((net(x, t) - eps) ** 2).sum() / x.shape[0]
loss.backward()
g = np.concatenate([p.grad.numpy().ravel() for p in net.parameters()])
opt = torch.optim.Adam(net.parameters(), lr=float(lr))
opt.step()
w = np.concatenate([p.detach().numpy().ravel() for p in net.parameters()])
np.save(out + "_loss.npy", np.array([loss.item()], dtype=np.float64))
np.save(out + "_grad.npy", g)
np.save(out + "_weights.npy", w)
`

// One vp-eps training step from identical weights: the loss Σ(ε̂ − ε)²/B
// for fixed x0, t and ε, computed by harmonic's training forward pass, by
// torch_reference.py's forward outputs and by PyTorch's own training step,
// agrees to 1e-5 relative; the gradients and the weights after one Adam
// step agree too.
func TestTorchParityTCUNetTrainStep(t *testing.T) {
	dir := t.TempDir()
	python, script := torchReference(t)
	ckpt := filepath.Join(dir, "tc.safetensors")
	net := studyTCUNet(t, ckpt, 1, 32, 40)
	const batch, side = 4, 28
	steps := []int{10, 10, 600, 600} // torch_reference.py forward takes one --time per call: two halves
	rng := tensor.NewRNG(41)
	x0, eps := tensor.New(batch, 1, side, side), tensor.New(batch, 1, side, side)
	rng.FillUniform(x0.Data(), -1, 1)
	rng.FillNormal(eps.Data(), 0, 1)
	xt, times := tensor.New(batch, 1, side, side), tensor.New(batch)
	per := side * side
	for b, s := range steps {
		ab := ddpmAlphaBar(s)
		sa, sb := float32(math.Sqrt(ab)), float32(math.Sqrt(1-ab))
		for i := b * per; i < (b+1)*per; i++ {
			xt.Data()[i] = sa*x0.Data()[i] + sb*eps.Data()[i]
		}
		times.Data()[b] = float32(s)
	}

	// The loss from torch_reference.py forward on each half.
	var torchLoss float64
	out := filepath.Join(dir, "out.npy")
	for h := 0; h < 2; h++ {
		half := tensor.New(2, 1, side, side)
		copy(half.Data(), xt.Data()[2*h*per:(2*h+2)*per])
		in := ptSaveNpy(t, filepath.Join(dir, "half.npy"), half)
		runTorchRef(t, "forward", "--ckpt", ckpt, "--input", in, "--output", out, "--time", strconv.Itoa(steps[2*h]))
		pred := ptLoadNpy(t, out).Data()
		for i, p := range pred {
			d := float64(p) - float64(eps.Data()[2*h*per+i])
			torchLoss += d * d
		}
	}
	torchLoss /= batch

	// PyTorch's training step.
	xtIn, epsIn := ptSaveNpy(t, filepath.Join(dir, "xt.npy"), xt), ptSaveNpy(t, filepath.Join(dir, "eps.npy"), eps)
	tIn := ptSaveNpy(t, filepath.Join(dir, "t.npy"), times)
	const lr = 2e-4
	prefix := filepath.Join(dir, "step")
	cmd := exec.Command(python, "-c", adamStepScript, filepath.Dir(script), ckpt, xtIn, tIn, epsIn,
		strconv.FormatFloat(lr, 'g', -1, 64), prefix)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("torch training step: %v\n%s", err, b)
	}
	stepLoss := float64(ptLoadNpy(t, prefix+"_loss.npy").Data()[0])

	w0 := flatParams(net, false)
	loss, err := TCUNetStep(autograd.NewTape(), net, NewAdam(net.Params()), lr, xt, times, eps)
	if err != nil {
		t.Fatal(err)
	}
	for what, ref := range map[string]float64{"torch_reference.py forward": torchLoss, "torch training step": stepLoss} {
		if e := math.Abs(loss-ref) / ref; e > 1e-5 {
			t.Errorf("loss %.9g, %s %.9g: relative difference %.3g > 1e-5", loss, what, ref, e)
		} else {
			t.Logf("loss %.9g, %s %.9g: relative difference %.3g", loss, what, ref, e)
		}
	}
	grad, torchGrad := flatParams(net, true), ptLoadNpy(t, prefix+"_grad.npy")
	checkMaxRel(t, "gradient of the loss", grad, torchGrad)

	// Adam's first step moves each weight by m(g) = −lr·g/(|g| + ε) ≈ ±lr.
	// Near g = 0 the move is steep (m′ = lr·ε/(|g| + ε)²), so a gradient
	// entry that differs from torch's by rounding moves its weight by up to
	// m′·|Δg| more: that much, plus 1e-3·lr for the step's own rounding, is
	// allowed. Gradients of opposite signs (an entry within rounding of
	// zero) may move either way; few may.
	w1, want := flatParams(net, false), ptLoadNpy(t, prefix+"_weights.npy")
	adamEps := NewAdam(nil).Eps
	var worst float64
	flipped := 0
	for i := range w1.Data() {
		g, gt := float64(grad.Data()[i]), float64(torchGrad.Data()[i])
		if g*gt < 0 {
			flipped++
			continue
		}
		d, dw := float64(w1.Data()[i])-float64(w0.Data()[i]), float64(want.Data()[i])-float64(w0.Data()[i])
		small := math.Min(math.Abs(g), math.Abs(gt)) + adamEps
		slack := lr * adamEps * math.Abs(g-gt) / (small * small)
		worst = math.Max(worst, (math.Abs(d-dw)-slack)/lr)
	}
	if flipped > w1.Numel()/10000 || worst > 1e-3 {
		t.Errorf("Adam step: %d of %d gradients differ in sign; the other moves differ by up to %.3g·lr beyond their gradients' rounding", flipped, w1.Numel(), worst)
	} else {
		t.Logf("Adam step: %d of %d gradients differ in sign; the other moves differ by up to %.3g·lr beyond their gradients' rounding", flipped, w1.Numel(), worst)
	}
}

// flatParams concatenates the parameters' values (or gradients) in order.
func flatParams(net *TCUNet, grads bool) *tensor.Tensor {
	var all []float32
	for _, p := range net.Params() {
		if grads {
			all = append(all, p.Grad.Contiguous().Data()...)
		} else {
			all = append(all, p.Value.Contiguous().Data()...)
		}
	}
	out, _ := tensor.FromSlice(all, len(all))
	return out
}
