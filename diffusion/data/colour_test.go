package data

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/internal/rng"
)

func writeRGBPNG(t *testing.T, path string, w, h int, f func(x, y int) color.RGBA) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, f(x, y))
		}
	}
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := png.Encode(fh, img); err != nil {
		t.Fatal(err)
	}
}

// A folder of colour images opens as [N,3,H,W] planes R, G, B (centre
// crop and resize per plane), and its grayscale version is their mean.
func TestFolderRGB(t *testing.T) {
	dir := t.TempDir()
	// Image k: a 12×8 picture whose centre 8×8 square is the flat colour
	// (20k, 255−20k, 7k); 2-pixel bands of another colour the crop removes.
	for k := range 6 {
		writeRGBPNG(t, filepath.Join(dir, "c"+string(rune('a'+k))+".png"), 12, 8, func(x, y int) color.RGBA {
			if x < 2 || x >= 10 {
				return color.RGBA{255, 0, 255, 255}
			}
			return color.RGBA{uint8(20 * k), uint8(255 - 20*k), uint8(7 * k), 255}
		})
	}
	rgb, err := Open("folder:"+dir, 4, Options{Channels: 3, NTest: 1})
	if err != nil {
		t.Fatal(err)
	}
	gray, err := Open("folder:"+dir, 4, Options{NTest: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rgb.Train.Channels() != 3 || rgb.Train.N != 5 || !slices.Equal(rgb.Train.Tensor().Shape(), []int{5, 3, 4, 4}) {
		t.Fatalf("colour folder: %d images of %d channels, tensor %v", rgb.Train.N, rgb.Train.Channels(), rgb.Train.Tensor().Shape())
	}
	for k := range 5 {
		img := rgb.Train.Image(k)
		want := [3]float64{float64(20*k) / 255, float64(255-20*k) / 255, float64(7*k) / 255}
		for c := range 3 {
			for _, v := range img[c*16 : (c+1)*16] {
				if math.Abs(float64(v)-want[c]) > 1e-6 {
					t.Fatalf("image %d channel %d: %v, want %v", k, c, v, want[c])
				}
			}
		}
		for j, g := range gray.Train.Image(k) {
			mean := (float64(img[j]) + float64(img[16+j]) + float64(img[32+j])) / 3
			if math.Abs(float64(g)-mean) > 1e-6 {
				t.Fatalf("image %d pixel %d: gray %v, mean of RGB %v", k, j, g, mean)
			}
		}
	}
}

// RGB .npy arrays load with 3 channels and resize plane by plane; shuffling
// moves every channel of a pixel together.
func TestNpyRGBResizeAndShuffle(t *testing.T) {
	const n, h, w = 4, 6, 6
	vals := make([]float32, n*3*h*w)
	r := rng.New(9)
	for i := range vals {
		vals[i] = float32(r.Float64())
	}
	p := filepath.Join(t.TempDir(), "rgb.npy")
	saveNpy(t, p, vals, n, 3, h, w)
	ds, err := Open("npy:"+p, 0, Options{Channels: 3, NTest: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ds.Train.Pixels, vals[:3*3*h*w]) || ds.Train.Channels() != 3 {
		t.Fatalf("RGB npy not read as stored (C = %d)", ds.Train.Channels())
	}
	small, err := Open("npy:"+p, 3, Options{Channels: 3, NTest: 1})
	if err != nil {
		t.Fatal(err)
	}
	for c := range 3 {
		plane := vals[c*h*w : (c+1)*h*w] // image 0
		want, _ := Resize(plane, h, w, 3, 3)
		if got := small.Train.Image(0)[c*9 : (c+1)*9]; !slices.Equal(got, want) {
			t.Errorf("channel %d resized %v, want %v", c, got, want)
		}
	}
	sh, err := Open("npy:"+p, 0, Options{Channels: 3, NTest: 1, Shuffle: true, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Perm) != h*w {
		t.Fatalf("permutation of %d, want one over the %d pixel positions", len(sh.Perm), h*w)
	}
	for i := range 3 {
		for c := range 3 {
			orig := ds.Train.Image(i)[c*h*w : (c+1)*h*w]
			got := sh.Train.Image(i)[c*h*w : (c+1)*h*w]
			for j, src := range sh.Perm {
				if got[j] != orig[src] {
					t.Fatalf("image %d channel %d pixel %d: %v, want pixel %d's %v", i, c, j, got[j], src, orig[src])
				}
			}
		}
	}
	if _, err := Open("npy:"+p, 0, Options{}); err == nil || !strings.Contains(err.Error(), "--channels 3") {
		t.Errorf("RGB npy read as grayscale: %v", err)
	}
	gp := filepath.Join(t.TempDir(), "gray.npy")
	saveNpy(t, gp, vals[:n*h*w], n, h, w)
	if _, err := Open("npy:"+gp, 0, Options{Channels: 3}); err == nil || !strings.Contains(err.Error(), "want RGB images [N 3 H W]") {
		t.Errorf("grayscale npy read with 3 channels: %v", err)
	}
}

func TestChannelsErrors(t *testing.T) {
	for _, spec := range []string{"cmix:2", "disks", "mnist", "fashion-mnist"} {
		_, err := Open(spec, 8, Options{Channels: 3, NTrain: 2, NTest: 1})
		if err == nil || !strings.Contains(err.Error(), spec+" holds grayscale images only") {
			t.Errorf("%s with 3 channels: %v", spec, err)
		}
	}
	if _, err := Open("disks", 16, Options{Channels: 2, NTrain: 2, NTest: 1}); err == nil || !strings.Contains(err.Error(), "2 channels") {
		t.Errorf("2 channels: %v", err)
	}
	if _, err := Open("npy:/x.npy", 16, Options{Channels: 3, WGamma: 0.5}); err == nil || !strings.Contains(err.Error(), "W manipulation") {
		t.Errorf("W manipulation in colour: %v", err)
	}
}

// Colour patches are cut at the positions grayscale patches of the same
// seed are cut at (dedup compares the gray version), so their channel mean
// is exactly the grayscale patch of the gray photos.
func TestPatchesRGBMatchGray(t *testing.T) {
	r := rng.New(3)
	var rgb, gray []Photo
	for k := range 3 {
		p := Photo{Name: "p" + string(rune('0'+k)), C: 3, H: 30, W: 40, Pix: make([]float32, 3*30*40)}
		for i := range p.Pix {
			p.Pix[i] = float32(r.Float64())
		}
		rgb = append(rgb, p)
		gray = append(gray, Photo{Name: p.Name, H: p.H, W: p.W, Pix: channelMean(p.Pix, 3)})
	}
	a, err := Patches(rgb, 8, 20, 5, NewDeduper())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Patches(gray, 8, 20, 5, NewDeduper())
	if err != nil {
		t.Fatal(err)
	}
	if a.Channels() != 3 || b.Channels() != 1 {
		t.Fatalf("channels %d and %d", a.Channels(), b.Channels())
	}
	for i := range a.N {
		if !slices.Equal(channelMean(a.Image(i), 3), b.Image(i)) {
			t.Fatalf("patch %d: colour patch's mean is not the gray patch", i)
		}
	}
	mixed := append([]Photo{gray[0]}, rgb[1:]...)
	if _, err := Patches(mixed, 8, 2, 5, nil); err == nil || !strings.Contains(err.Error(), "channels") {
		t.Errorf("photos of mixed channels: %v", err)
	}
}
