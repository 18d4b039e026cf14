//go:build torchparity

package nn

import (
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// saveTCUNet writes net's state dict with its metadata, the checkpoint
// torch_reference.py loads (it rejects any name or shape it does not expect).
func saveTCUNet(t *testing.T, path string, net *TCUNet) {
	state := net.State()
	names := make([]string, len(state))
	values := make([]*tensor.Tensor, len(state))
	for i, p := range state {
		names[i], values[i] = p.Name, p.Value
	}
	if err := codec.SaveSafetensors(path, names, values, net.Meta()); err != nil {
		t.Fatal(err)
	}
}

// The tc-unet against torch_reference.py's TCUNet on the same checkpoint:
// forward of a batch at one time, then JVP and VJP at one image, for two
// configurations (two channels and 2 res blocks; 1x1 skips and a group
// count capped by the width).
func TestTorchParityTCUNet(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(8, 8))
	for i, c := range []struct {
		channels, base    int
		mult              []int
		res, groups, side int
		time              float32
	}{
		{1, 8, []int{1, 2, 2}, 1, 4, 8, 500},
		{2, 4, []int{1, 2}, 2, 16, 12, 37}, // groups capped by every width: one channel per group
	} {
		net, err := NewTCUNet(c.channels, c.base, c.mult, c.res, c.groups, tensor.NewRNG(uint64(20+i)))
		if err != nil {
			t.Fatal(err)
		}
		// GroupNorm starts at weight 1, bias 0: randomize it so a wrong
		// affine map would show.
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
		ckpt := filepath.Join(dir, "tc"+strconv.Itoa(i)+".safetensors")
		saveTCUNet(t, ckpt, net)
		ts := strconv.FormatFloat(float64(c.time), 'g', -1, 32)
		what := "tc-unet " + strconv.Itoa(i)

		x := randTensor(rng, 1, 3, c.channels, c.side, c.side)
		xin := ptSaveNpy(t, filepath.Join(dir, "x.npy"), x)
		out := filepath.Join(dir, "out.npy")
		runTorchRef(t, "forward", "--ckpt", ckpt, "--input", xin, "--output", out, "--time", ts)
		tp := autograd.NewTape()
		y := net.Forward(tp, tp.Leaf(x, false), tensor.Full(c.time, 3), false)
		if err := tp.Err(); err != nil {
			t.Fatal(err)
		}
		ptCompareRel(t, what+" forward", y.Value, ptLoadNpy(t, out))

		x1 := randTensor(rng, 1, 1, c.channels, c.side, c.side)
		v := randTensor(rng, 1, 1, c.channels, c.side, c.side)
		x1in, vin := ptSaveNpy(t, filepath.Join(dir, "x1.npy"), x1), ptSaveNpy(t, filepath.Join(dir, "v.npy"), v)
		tp = autograd.NewTape()
		in := tp.Leaf(x1, true)
		y1 := net.Forward(tp, in, tensor.Full(c.time, 1), false)
		if err := tp.Err(); err != nil {
			t.Fatal(err)
		}
		jv, err := tp.JVP(y1, []*autograd.Var{in}, []*tensor.Tensor{v})
		if err != nil {
			t.Fatal(err)
		}
		runTorchRef(t, "jvp", "--ckpt", ckpt, "--input", x1in, "--tangent", vin, "--output", out, "--time", ts)
		ptCompareRel(t, what+" jvp", jv, ptLoadNpy(t, out))
		u := randTensor(rng, 1, 1, c.channels, c.side, c.side)
		uin := ptSaveNpy(t, filepath.Join(dir, "u.npy"), u)
		g, err := tp.VJP(y1, u, []*autograd.Var{in})
		if err != nil {
			t.Fatal(err)
		}
		runTorchRef(t, "vjp", "--ckpt", ckpt, "--input", x1in, "--cotangent", uin, "--output", out, "--time", ts)
		ptCompareRel(t, what+" vjp", g[0], ptLoadNpy(t, out))
	}
}
