package codec

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaveNpy64WritesF8 checks the header names '<f8' and that the payload is
// the float64 values bit for bit (decoded here by hand, independently of
// ReadNpy), then that LoadNpy reads them back as their float32 roundings.
func TestSaveNpy64WritesF8(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eig.npy")
	v := []float64{1, -2.5, math.Pi, 1e-300, math.Inf(1), 0x1.fffffffffffffp-1}
	if err := SaveNpy64(path, v, 2, 3); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\x93NUMPY\x01\x00")) {
		t.Fatalf("preamble %q", b[:8])
	}
	hlen := int(binary.LittleEndian.Uint16(b[8:10]))
	header := string(b[10 : 10+hlen])
	if want := "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"; !strings.HasPrefix(header, want) {
		t.Fatalf("header %q, want it to start with %q", header, want)
	}
	if (10+hlen)%64 != 0 {
		t.Fatalf("data starts at byte %d, not a multiple of 64", 10+hlen)
	}
	data := b[10+hlen:]
	if len(data) != 8*len(v) {
		t.Fatalf("%d data bytes, want %d", len(data), 8*len(v))
	}
	for i, x := range v {
		if got := binary.LittleEndian.Uint64(data[8*i:]); got != math.Float64bits(x) {
			t.Errorf("value %d: bits %#x, want %#x (%v)", i, got, math.Float64bits(x), x)
		}
	}
	back, err := LoadNpy(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := back.Shape(); len(s) != 2 || s[0] != 2 || s[1] != 3 {
		t.Fatalf("shape %v", s)
	}
	for i, x := range back.Data() {
		if x != float32(v[i]) {
			t.Errorf("LoadNpy value %d = %v, want %v", i, x, float32(v[i]))
		}
	}
	if err := SaveNpy64(path, v, 4); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("6 values saved as shape [4]: error %v, want one naming %s", err, path)
	}
}

// TestSaveNpyAtomic checks SaveNpy's file mode and that it replaces an
// existing file without leaving temporary files.
func TestSaveNpyAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	if err := os.WriteFile(path, bytes.Repeat([]byte("old"), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := SaveNpy(path, arange(2, 3)); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := st.Mode().Perm(); m != 0o644 {
		t.Fatalf("mode %o, want 644", m)
	}
	back, err := LoadNpy(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range back.Data() {
		if x != float32(i) {
			t.Fatalf("value %d = %v", i, x)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("directory holds %d entries, want only x.npy", len(ents))
	}
}
