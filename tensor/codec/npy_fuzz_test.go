package codec

import (
	"bytes"
	"errors"
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
			// In-memory input cannot fail to read: every error is the input's fault.
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %q does not wrap codec.ErrFormat", err)
			}
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
		if !slices.Equal(x.Shape(), y.Shape()) {
			t.Fatalf("shape %v became %v", x.Shape(), y.Shape())
		}
		for i := range x.Data() {
			if math.Float32bits(x.Data()[i]) != math.Float32bits(y.Data()[i]) {
				t.Fatalf("element %d: %v became %v", i, x.Data()[i], y.Data()[i])
			}
		}
	})
}
