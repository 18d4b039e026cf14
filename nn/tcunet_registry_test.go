package nn

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// tc-unet is built through the registry with its defaults, saved with
// exactly the contract's metadata keys and loaded back as a Conditioned.
func TestTCUNetRegistry(t *testing.T) {
	m, err := New(Config{Arch: "tc-unet", Base: 8, Groups: 4}, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	net, err := AsConditioned(m)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Arch: "tc-unet", Channels: 1, Base: 8, Mult: []int{1, 2, 2}, ResBlocks: 1, Groups: 4}
	if !net.Config().Equal(want) {
		t.Errorf("Config() = %+v, want %+v", net.Config(), want)
	}
	direct, _ := NewTCUNet(1, 8, []int{1, 2, 2}, 1, 4, tensor.NewRNG(3))
	if stateHash(net) != stateHash(direct) {
		t.Error("New(tc-unet) draws other weights than NewTCUNet with the same rng")
	}
	meta := net.Config().Meta()
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"arch", "base", "channels", "groups", "mult", "res_blocks"}) || meta["mult"] != "1,2,2" || meta["channels"] != "1" {
		t.Errorf("metadata %v", meta)
	}
	path := filepath.Join(t.TempDir(), "tc.safetensors")
	if err := SaveModel(path, net, map[string]string{"step": "5"}); err != nil {
		t.Fatal(err)
	}
	back, cfg, err := Load(path)
	if err != nil || !cfg.Equal(want) || stateHash(back) != stateHash(net) {
		t.Fatalf("Load: %+v, %v", cfg, err)
	}
	if _, err := AsNet(back); err == nil || !strings.Contains(err.Error(), "tc-unet") {
		t.Errorf("AsNet of a tc-unet: %v", err)
	}
	if _, _, err := LoadModel(path); err == nil || !strings.Contains(err.Error(), "time-conditioned") {
		t.Errorf("LoadModel (blind) of a tc-unet checkpoint: %v", err)
	}
	if m, _ := InputMultiple(want); m != 4 {
		t.Errorf("InputMultiple = %d, want 4 for 3 levels", m)
	}
}

func TestTCUNetCheckErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Arch: "tc-unet", Base: 12, Groups: 8}, "groups 8 do not divide the width 12"},
		{Config{Arch: "tc-unet", Base: 8, Mult: []int{1, 3}, Groups: 16}, "groups 16 do not divide the width 24"},
		// Level widths 4 and 8 are fine; the decoder's 8+4 = 12 is not.
		{Config{Arch: "tc-unet", Base: 4, Mult: []int{1, 2}, Groups: 8}, "the width 12"},
		{Config{Arch: "tc-unet", Base: 7}, "even base"},
		{Config{Arch: "tc-unet", Base: 8, Mult: []int{1, 0}}, "multiplier 0"},
	} {
		err := Check(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%+v) = %v, want %q", c.cfg, err, c.want)
			continue
		}
		// Check agrees with the constructor.
		if _, nerr := NewTCUNet(1, TCUNetDefaults(c.cfg).Base, TCUNetDefaults(c.cfg).Mult, 1, TCUNetDefaults(c.cfg).Groups, tensor.NewRNG(1)); nerr == nil {
			t.Errorf("%+v: Check rejects what NewTCUNet builds", c.cfg)
		}
	}
	if err := Check(Config{Arch: "tc-unet", Base: 4, Mult: []int{1, 2}, Groups: 4}); err != nil {
		t.Errorf("a valid tc-unet rejected: %v", err)
	}
}
