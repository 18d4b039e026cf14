package nn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

func TestModelRoundTrip(t *testing.T) {
	dir := t.TempDir()
	u, _ := NewBFUNet(2, 3, tensor.NewRNG(1))
	c, _ := NewBFCNN(5, 3, tensor.NewRNG(2))
	y := uniformInput(2, 1, 8, 8)
	for _, net := range []Net{u, c} {
		for _, p := range net.State() {
			if p.Buffer {
				fill(p.Value, 1.5) // buffers must round-trip too
			}
		}
		path := filepath.Join(dir, net.Meta()["arch"]+".safetensors")
		if err := SaveModel(path, net, map[string]string{"step": "17"}); err != nil {
			t.Fatal(err)
		}
		back, meta, err := LoadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		if meta["step"] != "17" || meta["arch"] != net.Meta()["arch"] {
			t.Errorf("metadata %v", meta)
		}
		if describe(back.State()) != describe(net.State()) {
			t.Fatalf("loaded state differs:\n%s", describe(back.State()))
		}
		for i, p := range back.State() {
			a, b := p.Value.Data(), net.State()[i].Value.Data()
			for j := range a {
				if a[j] != b[j] {
					t.Fatalf("%s[%d] = %v, saved %v", p.Name, j, a[j], b[j])
				}
			}
		}
		f1, err1 := Denoise(net, y)
		f2, err2 := Denoise(back, y)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		for i := range f1.Data() {
			if f1.Data()[i] != f2.Data()[i] {
				t.Fatal("loaded network denoises differently")
			}
		}
	}
}

func TestLoadModelErrors(t *testing.T) {
	dir := t.TempDir()
	u, _ := NewBFUNet(1, 2, tensor.NewRNG(1))
	save := func(name string, names []string, ts []*tensor.Tensor, meta map[string]string) string {
		p := filepath.Join(dir, name)
		if err := tensor.SaveSafetensors(p, names, ts, meta); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var names []string
	var ts []*tensor.Tensor
	for _, p := range u.State() {
		names, ts = append(names, p.Name), append(ts, p.Value)
	}
	good := u.Meta()
	wrongShape := append([]*tensor.Tensor{tensor.New(2, 1, 3, 4)}, ts[1:]...)
	cases := []struct {
		path string
		want string
	}{
		{save("arch.st", names, ts, map[string]string{"arch": "resnet", "base": "2"}), "neither bf-unet nor bf-cnn"},
		{save("nolevels.st", names, ts, map[string]string{"arch": "bf-unet", "base": "2"}), `no "levels"`},
		{save("missing.st", names[1:], ts[1:], good), "missing [enc.0.conv1.weight]"},
		{save("extra.st", append(names, "adam.m.x"), append(ts, tensor.New(1)), good), "unexpected [adam.m.x]"},
		{save("shape.st", names, wrongShape, good), "enc.0.conv1.weight has shape [2 1 3 4], the network needs [2 1 3 3]"},
		{filepath.Join(dir, "absent.st"), "absent.st"},
	}
	for _, c := range cases {
		_, _, err := LoadModel(c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", filepath.Base(c.path), err, c.want)
		}
	}
	// A truncated file is an error, not a panic.
	p := save("full.st", names, ts, good)
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)-10], 0o644)
	if _, _, err := LoadModel(p); err == nil {
		t.Error("truncated checkpoint loaded")
	}
}

// Resuming Adam from a saved state continues bit-identically.
func TestAdamRoundTrip(t *testing.T) {
	dir := t.TempDir()
	mk := func() (*BFCNN, *Adam) {
		n, _ := NewBFCNN(3, 2, tensor.NewRNG(4))
		return n, NewAdam(n.Params())
	}
	noisy, noise := uniformInput(2, 1, 6, 6), uniformInput(2, 1, 6, 6)
	step := func(n Net, a *Adam) {
		tp := autograd.NewTape()
		loss, err := NoiseLoss(tp, n, noisy, noise)
		if err == nil {
			err = Backward(tp, loss, n)
		}
		if err == nil {
			err = a.Update(1e-2)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	n1, a1 := mk()
	step(n1, a1)
	step(n1, a1)
	if err := SaveModel(filepath.Join(dir, "m.st"), n1, nil); err != nil {
		t.Fatal(err)
	}
	if err := SaveAdam(filepath.Join(dir, "a.st"), a1, nil); err != nil {
		t.Fatal(err)
	}
	step(n1, a1)
	loaded, _, err := LoadModel(filepath.Join(dir, "m.st"))
	if err != nil {
		t.Fatal(err)
	}
	a2 := NewAdam(loaded.Params())
	if _, err := LoadAdam(filepath.Join(dir, "a.st"), a2); err != nil {
		t.Fatal(err)
	}
	if a2.Step != 2 {
		t.Fatalf("restored step %d, want 2", a2.Step)
	}
	step(loaded, a2)
	for i, p := range loaded.State() {
		a, b := p.Value.Data(), n1.State()[i].Value.Data()
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("%s[%d]: resumed %v, uninterrupted %v", p.Name, j, a[j], b[j])
			}
		}
	}
}
