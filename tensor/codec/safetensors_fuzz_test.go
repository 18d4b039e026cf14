package codec

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// FuzzReadSafetensors feeds arbitrary bytes to the safetensors loader. It must
// never panic nor allocate beyond the input; accepted files must survive a
// WriteSafetensors/ReadSafetensors round trip. The seed corpus in
// testdata/fuzz/FuzzReadSafetensors holds valid files and the usual corruptions.
func FuzzReadSafetensors(f *testing.F) {
	f.Add(stFile(`{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, le(float32(1), float32(2))))
	f.Fuzz(func(t *testing.T, in []byte) {
		meta, names, ts, err := ReadSafetensors(bytes.NewReader(in), int64(len(in)))
		if err != nil {
			// In-memory input cannot fail to read: every error is the input's fault.
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %q does not wrap codec.ErrFormat", err)
			}
			return
		}
		total := 0
		list := make([]*tensor.Tensor, len(names))
		for i, n := range names {
			list[i] = ts[n]
			total += 4 * ts[n].Numel()
		}
		if total > len(in) {
			t.Fatalf("%d data bytes from a %d-byte file", total, len(in))
		}
		var buf bytes.Buffer
		if err := WriteSafetensors(&buf, names, list, meta); err != nil {
			// Only names our writer refuses (empty) may fail.
			for _, n := range names {
				if n == "" {
					return
				}
			}
			t.Fatal(err)
		}
		meta2, names2, ts2, err := ReadSafetensors(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("re-reading our own output: %v", err)
		}
		if len(names2) != len(names) || len(meta2) != len(meta) {
			t.Fatalf("names %q became %q, meta %q became %q", names, names2, meta, meta2)
		}
		for k, v := range meta {
			if meta2[k] != v {
				t.Fatalf("meta[%q] = %q became %q", k, v, meta2[k])
			}
		}
		for i, n := range names {
			a, b := ts[n], ts2[names2[i]]
			if names2[i] != n || !slices.Equal(a.Shape(), b.Shape()) {
				t.Fatalf("tensor %d: %q %v became %q %v", i, n, a.Shape(), names2[i], b.Shape())
			}
			for j := range a.Data() {
				if math.Float32bits(a.Data()[j]) != math.Float32bits(b.Data()[j]) {
					t.Fatalf("tensor %q element %d changed", n, j)
				}
			}
		}
	})
}
