package nn

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
	"github.com/harmonic-go/harmonic/tensor/codec"
)

// contractUNet2 lists the torch_reference.py contract's names and shapes for
// a bf-unet with 2 levels and base C, written out by hand from the contract.
func contractUNet2(c int) map[string][]int {
	m := map[string][]int{
		"enc.0.conv1.weight": {c, 1, 3, 3},
		"enc.0.conv2.weight": {c, c, 3, 3}, "enc.0.bn2.gamma": {c}, "enc.0.bn2.running_sd": {c},
		"enc.1.conv1.weight": {2 * c, c, 3, 3}, "enc.1.bn1.gamma": {2 * c}, "enc.1.bn1.running_sd": {2 * c},
		"enc.1.conv2.weight": {2 * c, 2 * c, 3, 3}, "enc.1.bn2.gamma": {2 * c}, "enc.1.bn2.running_sd": {2 * c},
		"mid.conv1.weight": {4 * c, 2 * c, 3, 3}, "mid.bn1.gamma": {4 * c}, "mid.bn1.running_sd": {4 * c},
		"mid.conv2.weight": {4 * c, 4 * c, 3, 3}, "mid.bn2.gamma": {4 * c}, "mid.bn2.running_sd": {4 * c},
		"dec.1.up.weight":    {4 * c, 2 * c, 2, 2},
		"dec.1.conv1.weight": {2 * c, 4 * c, 3, 3}, "dec.1.bn1.gamma": {2 * c}, "dec.1.bn1.running_sd": {2 * c},
		"dec.1.conv2.weight": {2 * c, 2 * c, 3, 3}, "dec.1.bn2.gamma": {2 * c}, "dec.1.bn2.running_sd": {2 * c},
		"dec.0.up.weight":    {2 * c, c, 2, 2},
		"dec.0.conv1.weight": {c, 2 * c, 3, 3}, "dec.0.bn1.gamma": {c}, "dec.0.bn1.running_sd": {c},
		"out.weight": {1, c, 3, 3},
	}
	return m
}

func TestSaveModelWritesContract(t *testing.T) {
	net, err := NewBFUNet(2, 4, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := SaveModel(path, net, map[string]string{"step": "7"}); err != nil {
		t.Fatal(err)
	}
	meta, names, tensors, err := codec.LoadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	want := contractUNet2(4)
	if len(names) != len(want) {
		t.Fatalf("file has %d tensors %v, contract has %d", len(names), names, len(want))
	}
	for name, shape := range want {
		got, ok := tensors[name]
		if !ok {
			t.Errorf("missing %s", name)
			continue
		}
		if !slices.Equal(got.Shape(), shape) {
			t.Errorf("%s: shape %v, contract %v", name, got.Shape(), shape)
		}
	}
	for k, v := range map[string]string{"arch": "bf-unet", "levels": "2", "base": "4", "step": "7"} {
		if meta[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], v)
		}
	}
	if err := SaveModel(path, net, map[string]string{"arch": "x"}); err == nil {
		t.Error("overriding arch metadata was accepted")
	}
}

func TestLoadModelRoundTrip(t *testing.T) {
	rng := tensor.NewRNG(2)
	unet, _ := NewBFUNet(1, 4, rng)
	cnn, _ := NewBFCNN(4, 3, rng)
	for _, net := range []Net{unet, cnn} {
		// Make running_sd non-trivial so it is seen to round-trip.
		for _, p := range net.State() {
			if p.Buffer {
				rng.FillUniform(p.Value.Data(), 0.5, 2)
			}
		}
		dir := t.TempDir()
		if err := SaveModel(filepath.Join(dir, ModelFile), net, nil); err != nil {
			t.Fatal(err)
		}
		got, _, err := LoadModel(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(stateNames(got), stateNames(net)) {
			t.Fatalf("names %v, want %v", stateNames(got), stateNames(net))
		}
		for i, p := range net.State() {
			if !slices.Equal(got.State()[i].Value.Data(), p.Value.Data()) {
				t.Errorf("%s differs after the round trip", p.Name)
			}
		}
		x := tensor.New(2, 1, 8, 8)
		rng.FillUniform(x.Data(), 0, 1)
		a, err1 := Denoise(net, x)
		b, err2 := Denoise(got, x)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !slices.Equal(a.Data(), b.Data()) {
			t.Errorf("%s: loaded network denoises differently", Describe(net))
		}
	}
}

func stateNames(n Net) []string {
	var s []string
	for _, p := range n.State() {
		s = append(s, p.Name)
	}
	return s
}

func TestLoadModelErrors(t *testing.T) {
	dir := t.TempDir()
	net, _ := NewBFUNet(2, 4, tensor.NewRNG(3))
	good := filepath.Join(dir, "good.safetensors")
	if err := SaveModel(good, net, nil); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(good)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A file with one tensor changed, dropped or added, saved from the good one.
	edited := func(name string, edit func(names []string, ts []*tensor.Tensor, meta map[string]string) ([]string, []*tensor.Tensor)) string {
		meta, names, m, err := codec.LoadSafetensors(good)
		if err != nil {
			t.Fatal(err)
		}
		ts := make([]*tensor.Tensor, len(names))
		for i, n := range names {
			ts[i] = m[n]
		}
		names, ts = edit(names, ts, meta)
		p := filepath.Join(dir, name)
		if err := codec.SaveSafetensors(p, names, ts, meta); err != nil {
			t.Fatal(err)
		}
		return p
	}
	idx := func(names []string, n string) int { return slices.Index(names, n) }
	cases := []struct {
		path string
		want []string
	}{
		{filepath.Join(dir, "absent.safetensors"), []string{"absent.safetensors", "no such file"}},
		{write("trunc.safetensors", raw[:len(raw)-10]), []string{"trunc.safetensors"}},
		{write("garbage.safetensors", []byte("not a checkpoint at all")), []string{"garbage.safetensors"}},
		{edited("shape.safetensors", func(n []string, ts []*tensor.Tensor, _ map[string]string) ([]string, []*tensor.Tensor) {
			ts[idx(n, "enc.1.conv1.weight")] = tensor.New(8, 3, 3, 3)
			return n, ts
		}), []string{"enc.1.conv1.weight has shape [8 3 3 3]", "bf-unet L=2 base 4 expects [8 4 3 3]"}},
		{edited("missing.safetensors", func(n []string, ts []*tensor.Tensor, _ map[string]string) ([]string, []*tensor.Tensor) {
			i := idx(n, "mid.bn2.running_sd")
			return slices.Delete(n, i, i+1), slices.Delete(ts, i, i+1)
		}), []string{"missing 1 tensors [mid.bn2.running_sd]"}},
		{edited("extra.safetensors", func(n []string, ts []*tensor.Tensor, _ map[string]string) ([]string, []*tensor.Tensor) {
			return append(n, "optim.m.out.weight"), append(ts, tensor.New(1))
		}), []string{"1 unexpected tensors [optim.m.out.weight]"}},
		{edited("arch.safetensors", func(n []string, ts []*tensor.Tensor, meta map[string]string) ([]string, []*tensor.Tensor) {
			meta["arch"] = "resnet"
			return n, ts
		}), []string{`unknown architecture "resnet" (registered: bf-cnn, bf-unet, classifier, tc-unet)`}},
		{edited("levels.safetensors", func(n []string, ts []*tensor.Tensor, meta map[string]string) ([]string, []*tensor.Tensor) {
			meta["levels"] = "1"
			return n, ts
		}), []string{"bf-unet L=1 base 4", "unexpected tensors"}},
	}
	for _, c := range cases {
		_, _, err := LoadModel(c.path)
		if err == nil {
			t.Errorf("%s: loaded without error", c.path)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", filepath.Base(c.path), err, w)
			}
		}
	}
	// Resuming into a different architecture names both.
	other, _ := NewBFUNet(1, 4, tensor.NewRNG(4))
	if _, err := LoadModelInto(good, other); err == nil || !strings.Contains(err.Error(), "bf-unet L=2 base 4") ||
		!strings.Contains(err.Error(), "bf-unet L=1 base 4") {
		t.Errorf("LoadModelInto of another architecture: %v", err)
	}
	if _, err := LoadModelInto(good, net); err != nil {
		t.Errorf("LoadModelInto of the same architecture: %v", err)
	}
}
