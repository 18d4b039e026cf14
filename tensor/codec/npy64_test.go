package codec

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// LoadNpy64 returns every bit SaveNpy64 wrote, including values float32
// cannot hold, and refuses a float32 file instead of widening it.
func TestLoadNpy64RoundTrip(t *testing.T) {
	dir := t.TempDir()
	v := []float64{1 + 1e-12, -math.Pi, math.SmallestNonzeroFloat64, 1e300, 0, -0.5}
	path := filepath.Join(dir, "v.npy")
	if err := SaveNpy64(path, v, 2, 3); err != nil {
		t.Fatal(err)
	}
	got, shape, err := LoadNpy64(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(shape, []int{2, 3}) {
		t.Fatalf("shape %v, want [2 3]", shape)
	}
	for i := range v {
		if math.Float64bits(got[i]) != math.Float64bits(v[i]) {
			t.Errorf("value %d: %v, want %v", i, got[i], v[i])
		}
	}
	f32 := filepath.Join(dir, "f32.npy")
	if err := SaveNpy(f32, tensor.New(2)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadNpy64(f32); err == nil || !strings.Contains(err.Error(), `dtype "<f4"`) {
		t.Errorf("float32 file: error %v, want one naming dtype \"<f4\"", err)
	}
	if _, _, err := LoadNpy64(filepath.Join(dir, "missing.npy")); err == nil {
		t.Error("missing file: no error")
	}
}
