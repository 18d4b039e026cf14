package nn

import (
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/autograd"
	"github.com/harmonic-go/harmonic/tensor"
)

// stateHash is FNV-1a over every state tensor's name and float32 bits.
func stateHash(net Model) uint64 {
	h := fnv.New64a()
	for _, p := range net.State() {
		h.Write([]byte(p.Name))
		for _, v := range p.Value.Data() {
			b := math.Float32bits(v)
			h.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24)})
		}
	}
	return h.Sum64()
}

// The golden checkpoints in testdata and every number below were written by
// harmonic before the registry existed (commit 2632f7b): NewBFUNet(2, 3) and
// NewBFCNN(3, 3) from tensor.NewRNG(7), two NoiseSteps at lr 1e-2 on uniform
// 4×1×8×8 batches, saved by SaveModel with metadata step=2. The outputs are
// net(y) (the predicted noise) on two uniform 8×8 images from
// tensor.NewRNG(99), evaluation mode.
var goldenCheckpoints = []struct {
	arch     string
	cfg      Config
	initHash uint64 // stateHash of the freshly initialized net (seed 7)
	fileHash uint64 // stateHash of the net loaded from the file
	outputs  map[int]float64
}{
	{"bf-unet", Config{Arch: "bf-unet", Channels: 1, Levels: 2, Base: 3}, 0x4ecc1bd2833781c4, 0xb8440a45067516ae,
		map[int]float64{0: 5.93472009e-07, 9: -3.17858508e-07, 27: 4.33700689e-06, 63: -2.25770123e-06,
			64: -2.72351608e-05, 100: 9.63292405e-06, 127: -7.4679815e-06}},
	{"bf-cnn", Config{Arch: "bf-cnn", Channels: 1, Layers: 3, Base: 3}, 0x753eaafd13888b06, 0x712c7a08e41741bb,
		map[int]float64{0: 0.00780029735, 9: -0.0105526531, 27: -0.000616352481, 63: -0.00526516372,
			64: 4.52522872e-05, 100: 0.000169357125, 127: -0.0046054679}},
}

func TestLoadGoldenCheckpoints(t *testing.T) {
	for _, g := range goldenCheckpoints {
		path := filepath.Join("testdata", "golden-"+g.arch+".safetensors")
		net, cfg, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !cfg.Equal(g.cfg) {
			t.Errorf("%s: config %+v, want %+v", path, cfg, g.cfg)
		}
		if h := stateHash(net); h != g.fileHash {
			t.Errorf("%s: loaded state hash %#x, want %#x", path, h, g.fileHash)
		}
		y := tensor.New(2, 1, 8, 8)
		tensor.NewRNG(99).FillUniform(y.Data(), 0, 1)
		tp := autograd.NewTape()
		out := net.(Net).Forward(tp, tp.Leaf(y, false), false)
		if err := tp.Err(); err != nil {
			t.Fatal(err)
		}
		for k, want := range g.outputs {
			// The asm and pure-Go convolutions round differently; 1e-5
			// relative is far below what a wrong weight would change.
			if got := float64(out.Value.Data()[k]); math.Abs(got-want) > 1e-5*math.Abs(want) {
				t.Errorf("%s: net(y)[%d] = %.9g, recorded %.9g", path, k, got, want)
			}
		}
	}
}

// New draws the same weights, bit for bit, as the constructors did before
// the registry (the study's models must not change).
func TestNewInitBitsUnchanged(t *testing.T) {
	for _, g := range goldenCheckpoints {
		for _, channels := range []int{0, 1} {
			c := g.cfg
			c.Channels = channels
			if c.Arch == "bf-unet" { // a size the architecture does not read
				c.Layers = 21
			} else {
				c.Levels = 1
			}
			net, err := New(c, tensor.NewRNG(7))
			if err != nil {
				t.Fatal(err)
			}
			if h := stateHash(net); h != g.initHash {
				t.Errorf("New(%+v) state hash %#x, recorded %#x", c, h, g.initHash)
			}
			if !net.Config().Equal(g.cfg) {
				t.Errorf("New(%+v).Config() = %+v, want %+v (unused sizes dropped, channels 1)", c, net.Config(), g.cfg)
			}
		}
	}
}

func TestConfigMetaRoundTrip(t *testing.T) {
	for _, c := range []Config{
		{Arch: "bf-unet", Channels: 1, Levels: 3, Base: 64},
		{Arch: "bf-cnn", Channels: 1, Layers: 21, Base: 64},
		{Arch: "bf-unet", Channels: 3, Levels: 1, Base: 8},
	} {
		m := c.Meta()
		if _, has := m["channels"]; has != (c.Channels != 1) {
			t.Errorf("%+v: metadata %v (channels only for colour)", c, m)
		}
		got, err := ConfigFromMeta(m)
		if err != nil || !got.Equal(c) {
			t.Errorf("ConfigFromMeta(%v) = %+v, %v; want %+v", m, got, err, c)
		}
	}
	if m := (Config{Arch: "bf-unet", Levels: 2, Base: 4}).Meta(); len(m) != 3 || m["levels"] != "2" || m["base"] != "4" {
		t.Errorf("grayscale bf-unet metadata %v, want exactly arch, levels, base", m)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		meta map[string]string
		want string
	}{
		{map[string]string{"base": "4"}, `no "arch"`},
		{map[string]string{"arch": "resnet", "base": "4"}, `unknown architecture "resnet" (registered: bf-cnn, bf-unet, classifier, tc-unet)`},
		{map[string]string{"arch": "bf-unet", "base": "4"}, "bf-unet needs levels >= 1"},
		{map[string]string{"arch": "bf-cnn", "base": "4", "layers": "1"}, "bf-cnn needs layers >= 2"},
		{map[string]string{"arch": "bf-unet", "base": "x", "levels": "1"}, `"base" = "x" is not a positive integer`},
		{map[string]string{"arch": "bf-unet", "base": "4", "levels": "1", "channels": "0"}, `"channels" = "0"`},
	} {
		if _, err := ConfigFromMeta(c.meta); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ConfigFromMeta(%v): %v, want it to say %q", c.meta, err, c.want)
		}
	}
	if _, err := New(Config{Arch: "bf-vit", Base: 4}, tensor.NewRNG(1)); err == nil || !strings.Contains(err.Error(), "registered: bf-cnn, bf-unet") {
		t.Errorf("New of an unknown architecture: %v", err)
	}
	if m, err := InputMultiple(Config{Arch: "bf-unet", Levels: 3, Base: 1}); err != nil || m != 8 {
		t.Errorf("bf-unet L=3 input multiple %d, %v; want 8", m, err)
	}
	if m, err := InputMultiple(Config{Arch: "bf-cnn", Layers: 3, Base: 1}); err != nil || m != 1 {
		t.Errorf("bf-cnn input multiple %d, %v; want 1", m, err)
	}
}

// pairNet is a two-layer bf-cnn under another architecture name.
type pairNet struct{ *BFCNN }

func (p pairNet) Config() Config {
	return Config{Arch: "test-cnn-pair", Channels: p.Channels, Base: p.Base}
}

// A registered architecture is built, saved and loaded like the built-in ones.
func TestRegisterCustomArchitecture(t *testing.T) {
	const name = "test-cnn-pair"
	defer func() { // other tests list the registered names
		archMu.Lock()
		delete(archs, name)
		archMu.Unlock()
	}()
	Register(name, Architecture{
		New: func(c Config, rng *tensor.RNG) (Model, error) {
			n, err := newBFCNN(c.Channels, 2, c.Base, rng)
			return pairNet{n}, err
		},
		Check:         func(Config) error { return nil },
		InputMultiple: func(Config) int { return 1 },
		Describe:      func(c Config) string { return fmt.Sprintf("the test pair base %d", c.Base) },
	})
	if !slices.Contains(Archs(), name) {
		t.Fatalf("Archs() = %v lacks %s", Archs(), name)
	}
	net, err := New(Config{Arch: name, Base: 2}, tensor.NewRNG(1))
	if err != nil || net.NumParams() != 2*9+2*9 {
		t.Fatalf("New: %v, %v", net, err)
	}
	if got := Describe(net); got != "the test pair base 2" {
		t.Errorf("Describe = %q", got)
	}
	path := filepath.Join(t.TempDir(), "pair.safetensors")
	if err := SaveModel(path, net, nil); err != nil {
		t.Fatal(err)
	}
	back, cfg, err := Load(path)
	if err != nil || !cfg.Equal(net.Config()) || stateHash(back) != stateHash(net) {
		t.Errorf("Load of a custom architecture: %+v, %v", cfg, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a name twice did not panic")
		}
	}()
	Register(name, Architecture{New: func(Config, *tensor.RNG) (Model, error) { return nil, nil },
		Check: func(Config) error { return nil }, InputMultiple: func(Config) int { return 1 }, Describe: func(Config) string { return "" }})
}

// Writing the golden files again with today's code gives the same bytes
// (metadata keys and tensor order unchanged).
func TestGoldenCheckpointRewriteIdentical(t *testing.T) {
	for _, g := range goldenCheckpoints {
		path := filepath.Join("testdata", "golden-"+g.arch+".safetensors")
		net, meta, err := LoadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "m.safetensors")
		if err := SaveModel(out, net, map[string]string{"step": meta["step"]}); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(path)
		b, _ := os.ReadFile(out)
		if !slices.Equal(a, b) {
			t.Errorf("%s: saved again, %d bytes differ from the %d recorded", path, len(b), len(a))
		}
	}
}
