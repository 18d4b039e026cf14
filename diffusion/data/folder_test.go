package data

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/internal/rng"
)

func writeGrayPNG(t *testing.T, path string, w, h int, f func(x, y int) uint8) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := f(x, y)
			img.Set(x, y, color.RGBA{v, v, v, 255})
		}
	}
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(fh, img); err != nil {
		t.Fatal(err)
	}
	fh.Close()
}

func TestFolderLoadSplitAndErrors(t *testing.T) {
	dir := t.TempDir()
	// 12 images 60×40 whose centre 40×40 square is a flat level k·20 framed
	// by 10-pixel bands of 255 that the centre crop must remove.
	for k := 0; k < 12; k++ {
		writeGrayPNG(t, filepath.Join(dir, "img"+string(rune('a'+k))+".png"), 60, 40, func(x, y int) uint8 {
			if x < 10 || x >= 50 {
				return 255
			}
			return uint8(k * 20)
		})
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644)
	ds, err := Open("folder:"+dir, 8, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Train.N != 11 || ds.Test.N != 1 || ds.Train.H != 8 {
		t.Fatalf("train %d test %d size %d", ds.Train.N, ds.Test.N, ds.Train.H)
	}
	for k := 0; k < 11; k++ {
		for _, v := range ds.Train.Image(k) {
			if d := v - float32(k*20)/255; d > 1e-6 || d < -1e-6 {
				t.Fatalf("image %d has %v, want %v (crop or resize wrong)", k, v, float32(k*20)/255)
			}
		}
	}
	if ds.Test.Image(0)[0] != float32(220)/255 {
		t.Fatalf("test set is not the last image")
	}
	// Errors: empty folder, missing folder, corrupt image, too many requested.
	empty := t.TempDir()
	if _, err := Open("folder:"+empty, 8, Options{}); err == nil || !strings.Contains(err.Error(), "no .png") {
		t.Fatalf("empty folder: %v", err)
	}
	if _, err := Open("folder:"+filepath.Join(empty, "nope"), 8, Options{}); err == nil {
		t.Fatal("missing folder accepted")
	}
	if _, err := Open("folder:"+dir, 8, Options{NTrain: 12}); err == nil {
		t.Fatal("more training images than available accepted")
	}
	bad := filepath.Join(dir, "imgz.jpg")
	os.WriteFile(bad, []byte("\xff\xd8\xff\xe0 truncated"), 0o644)
	if _, err := Open("folder:"+dir, 8, Options{}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("corrupt jpeg: %v", err)
	}
}

func TestFolderDedup(t *testing.T) {
	dir := t.TempDir()
	for k := 0; k < 6; k++ {
		writeGrayPNG(t, filepath.Join(dir, "p"+string(rune('0'+k))+".png"), 20, 20, func(x, y int) uint8 {
			if k%2 == 0 {
				return uint8(x * 10) // images 0, 2, 4: one ramp
			}
			return uint8(y*5 + k) // 1, 3, 5: another ramp, offsets only
		})
	}
	ds, err := Open("folder:"+dir, 20, Options{Dedup: true, NTest: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Train.N+ds.Test.N != 2 {
		t.Fatalf("kept %d images of two distinct ramps", ds.Train.N+ds.Test.N)
	}
}

func TestPatches(t *testing.T) {
	r := rng.New(1)
	ph := []Photo{{Name: "a", H: 30, W: 50}, {Name: "b", H: 40, W: 40}}
	for i := range ph {
		ph[i].Pix = make([]float32, ph[i].H*ph[i].W)
		for k := range ph[i].Pix {
			ph[i].Pix[k] = float32(r.Float64())
		}
	}
	s, err := Patches(ph, 8, 300, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Every patch is a crop of one of the photos, and no two are equal.
	for i := 0; i < s.N; i++ {
		if !isCrop(s.Image(i), 8, ph) {
			t.Fatalf("patch %d is not a crop of a photo", i)
		}
		for j := 0; j < i; j++ {
			if equal(s.Image(i), s.Image(j)) {
				t.Fatalf("patches %d and %d are equal", i, j)
			}
		}
	}
	s2, _ := Patches(ph, 8, 300, 3, nil)
	if !equal(s.Pixels, s2.Pixels) {
		t.Fatal("same seed, different patches")
	}
	if _, err := Patches(ph, 35, 1, 3, nil); err == nil || !strings.Contains(err.Error(), "image a is 30×50, smaller than the 35×35 crop") {
		t.Fatalf("small photo: %v", err)
	}
	// 2 photos of 23·43 + 33·33 positions cannot give 5000 patches.
	if _, err := Patches(ph, 8, 5000, 3, nil); err == nil || !strings.Contains(err.Error(), "found only") {
		t.Fatalf("too many patches: %v", err)
	}
}

func isCrop(p []float32, n int, photos []Photo) bool {
	for _, ph := range photos {
		for y := 0; y+n <= ph.H; y++ {
			for x := 0; x+n <= ph.W; x++ {
				ok := true
				for i := 0; i < n && ok; i++ {
					for j := 0; j < n; j++ {
						if ph.Pix[(y+i)*ph.W+x+j] != p[i*n+j] {
							ok = false
							break
						}
					}
				}
				if ok {
					return true
				}
			}
		}
	}
	return false
}
