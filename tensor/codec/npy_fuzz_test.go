package tensor

import (
	"bytes"
	"math"
	"slices"
	"testing"
)

// FuzzReadNpy feeds arbitrary bytes to ReadNpy. It must never panic nor
// allocate far beyond the input (a declared shape of 10^12 elements over a
// few bytes must fail as truncated); whatever it accepts must survive a
// WriteNpy/ReadNpy round trip bit for bit. The seed corpus in
// testdata/fuzz/FuzzReadNpy holds valid files of several dtypes and versions,
// a truncated header, bad magic and a huge declared shape.
func FuzzReadNpy(f *testing.F) {
	f.Add(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", le(float32(1), float32(2))))
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := ReadNpy(bytes.NewReader(in))
		if err != nil {
			return
		}
		// Every element came from at least one input byte.
		if x.Numel() > len(in) {
			t.Fatalf("%d elements from %d bytes", x.Numel(), len(in))
		}
		var buf bytes.Buffer
		if err := WriteNpy(&buf, x); err != nil {
			t.Fatal(err)
		}
		y, err := ReadNpy(&buf)
		if err != nil {
			t.Fatalf("re-reading our own output: %v", err)
		}
		if !slices.Equal(x.shape, y.shape) {
			t.Fatalf("shape %v became %v", x.shape, y.shape)
		}
		for i := range x.data {
			if math.Float32bits(x.data[i]) != math.Float32bits(y.data[i]) {
				t.Fatalf("element %d: %v became %v", i, x.data[i], y.data[i])
			}
		}
	})
}
