package data_test

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"runtime"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/diffusion/data"
)

// The values below were printed by the generators before their random
// streams moved to internal/rng. They are the contract that a dataset seed
// keeps naming the same images (and the same batches, shuffles and W
// coefficients): published results name seeds.

// pixelHash is FNV-1a over the little-endian bits of every pixel.
func pixelHash(p []float32) uint64 {
	h := fnv.New64a()
	binary.Write(h, binary.LittleEndian, p)
	return h.Sum64()
}

// floatPinned says whether this architecture reproduces pinned pixels that
// go through math.Log, math.Cos or math.Hypot, which Go implements in
// assembly on amd64 and may round differently elsewhere.
var floatPinned = runtime.GOARCH == "amd64"

func TestCAlphaGolden(t *testing.T) {
	s, err := data.CAlpha(16, 3, 2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !floatPinned {
		t.Skipf("C^α pixels pinned on amd64, not %s", runtime.GOARCH)
	}
	want := map[int]float32{0: 0.108741164, 37: 0.18433747, 100: 0.16713205, 255: 0.7574463, 333: 0.5661977, 712: 0.91107327}
	for i, w := range want {
		if g := s.Pixels[i]; g != w {
			t.Errorf("cmix:2 seed 7 pixel %d = %v, want %v", i, g, w)
		}
	}
	if h := pixelHash(s.Pixels); h != 0xac27014041a7c4f2 {
		t.Errorf("cmix:2 seed 7: pixel hash %#x, want 0xac27014041a7c4f2", h)
	}
}

func TestDisksGolden(t *testing.T) {
	s, params, err := data.Disks(16, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := []data.DiskParams{
		{CX: 9.109976424437471, CY: 7.076383767216495, R: 4.9407145739732625, FG: 0.48823831614527446, BG: 0.37942671575488174},
		{CX: 11.057887114006512, CY: 3.8809123705737916, R: 3.677405604611698, FG: 0.23895600991807664, BG: 0.7578891084112495},
		{CX: 10.221882086093217, CY: 6.717734862262568, R: 4.341299244075848, FG: 0.676935839078734, BG: 0.9045289394271465},
	}
	if !slices.Equal(params, want) {
		t.Fatalf("disks seed 7 parameters\n%v\nwant\n%v", params, want)
	}
	if h := pixelHash(s.Pixels); h != 0x80c4e1b0f6aca1ea && floatPinned {
		t.Errorf("disks seed 7: pixel hash %#x, want 0x80c4e1b0f6aca1ea", h)
	}
}

func TestPermutationGolden(t *testing.T) {
	if g, w := data.NewPermutation(10, 3), (data.Permutation{6, 5, 3, 7, 8, 0, 1, 4, 9, 2}); !slices.Equal(g, w) {
		t.Fatalf("NewPermutation(10, 3) = %v, want %v", g, w)
	}
}

func TestApplyWGolden(t *testing.T) {
	s := &data.Set{Name: "zero", N: 4, H: 1, W: 2, Pixels: make([]float32, 8)}
	c, err := data.ApplyW(s, []float32{1, 0}, 0.5, 9)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-0.9664955844378018, -0.5621834094301819, -0.5266725193316955, 0.22388464668770092}
	if !slices.Equal(c, want) {
		t.Fatalf("ApplyW seed 9 coefficients %v, want %v", c, want)
	}
	for i, w := range want {
		if g := s.Pixels[2*i]; g != float32(0.5*w) || s.Pixels[2*i+1] != 0 {
			t.Fatalf("image %d = %v, want [%v 0]", i, s.Image(i), float32(0.5*w))
		}
	}
}

func TestSamplerGolden(t *testing.T) {
	set := &data.Set{Name: "five", N: 5, H: 1, W: 1, Pixels: make([]float32, 5)}
	sm, err := data.NewSampler(set, 3, 11)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range [][]int{{4, 1, 0}, {2, 3, 4}, {1, 0, 2}, {3, 3, 2}} {
		if g := sm.Indices(); !slices.Equal(g, w) {
			t.Fatalf("seed 11 batch %d = %v, want %v", i, g, w)
		}
	}
}

func TestPatchesGolden(t *testing.T) {
	// Pixel j of photo k is 1000k + j, so a patch's first pixel names the
	// photo and the position it was cut at.
	var photos []data.Photo
	for k, hw := range [][2]int{{9, 12}, {10, 8}} {
		p := data.Photo{Name: fmt.Sprint(k), H: hw[0], W: hw[1], Pix: make([]float32, hw[0]*hw[1])}
		for j := range p.Pix {
			p.Pix[j] = float32(1000*k + j)
		}
		photos = append(photos, p)
	}
	s, err := data.Patches(photos, 4, 6, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []float32{1017, 1024, 61, 1032, 56, 54} {
		if g := s.Image(i)[0]; g != w {
			t.Fatalf("seed 5 patch %d starts at pixel %v, want %v", i, g, w)
		}
	}
	if h := pixelHash(s.Pixels); h != 0x641d7fd896a9af7c {
		t.Fatalf("seed 5 patches: pixel hash %#x, want 0x641d7fd896a9af7c", h)
	}
}
