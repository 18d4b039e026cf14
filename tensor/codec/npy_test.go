package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// npyBytes builds a .npy file by hand (independently of WriteNpy): the given
// version, a header dict padded to 64 bytes, and raw data.
func npyBytes(major byte, dict string, data []byte) []byte {
	lenBytes := 2
	if major >= 2 {
		lenBytes = 4
	}
	pre := 6 + 2 + lenBytes
	h := dict
	for (pre+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(major)
	b.WriteByte(0)
	if lenBytes == 2 {
		binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	}
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func le(vals ...any) []byte {
	var b bytes.Buffer
	for _, v := range vals {
		binary.Write(&b, binary.LittleEndian, v)
	}
	return b.Bytes()
}

// TestWriteNpyGolden checks byte for byte what numpy.save writes for
// np.arange(6, dtype='<f4').reshape(2, 3).
func TestWriteNpyGolden(t *testing.T) {
	want := "\x93NUMPY\x01\x00\x76\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" +
		strings.Repeat(" ", 58) + "\n"
	if len(want) != 128 {
		t.Fatalf("golden header length %d", len(want))
	}
	want += string(le(float32(0), float32(1), float32(2), float32(3), float32(4), float32(5)))
	var b bytes.Buffer
	if err := WriteNpy(&b, arange(2, 3)); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
}

func TestNpyRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, shape := range [][]int{{}, {0}, {5}, {2, 3}, {2, 1, 3, 4}} {
		a := arange(shape...)
		for i := range a.Data() {
			a.Data()[i] = float32(math.Sin(float64(i))) * 1e3
		}
		// Write a transposed view to exercise the non-contiguous path.
		src := a
		if len(shape) >= 2 {
			src, _ = a.Transpose(0, len(shape)-1)
		}
		path := filepath.Join(dir, "a.npy")
		if err := SaveNpy(path, src); err != nil {
			t.Fatal(err)
		}
		got, err := LoadNpy(path)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Shape(), src.Shape()) {
			t.Fatalf("shape %v want %v", got.Shape(), src.Shape())
		}
		for _, idx := range allIndices(src.Shape()) {
			if got.At(idx...) != src.At(idx...) {
				t.Fatalf("shape %v: value at %v", shape, idx)
			}
		}
	}
}

func TestReadNpyDtypes(t *testing.T) {
	cases := []struct {
		descr string
		data  []byte
		want  []float32
	}{
		{"<f4", le(float32(1.5), float32(-2)), []float32{1.5, -2}},
		{"<f8", le(1.25, -1e300), []float32{1.25, float32(math.Inf(-1))}},
		{"<i4", le(int32(-7), int32(1<<30)), []float32{-7, 1 << 30}},
		{"<i8", le(int64(-3), int64(1)<<40), []float32{-3, 1 << 40}},
		{"|u1", []byte{0, 255}, []float32{0, 255}},
		{"|i1", []byte{0x80, 1}, []float32{-128, 1}},
		{"<u2", le(uint16(65535), uint16(2)), []float32{65535, 2}},
		{"|b1", []byte{1, 0}, []float32{1, 0}},
	}
	for _, c := range cases {
		for _, major := range []byte{1, 2, 3} {
			dict := "{'descr': '" + c.descr + "', 'fortran_order': False, 'shape': (2,), }"
			got, err := ReadNpy(bytes.NewReader(npyBytes(major, dict, c.data)))
			if err != nil {
				t.Fatalf("%s v%d: %v", c.descr, major, err)
			}
			if !slices.Equal(got.Shape(), []int{2}) || got.Data()[0] != c.want[0] || got.Data()[1] != c.want[1] {
				t.Fatalf("%s v%d: got %v want %v", c.descr, major, got.Data(), c.want)
			}
		}
	}
}

func TestReadNpyHeaderVariants(t *testing.T) {
	data := le(float32(1), float32(2), float32(3), float32(4))
	for _, dict := range []string{
		`{"descr": "<f4", "fortran_order": False, "shape": (2, 2)}`,
		"{'shape': (2,2,), 'fortran_order': False, 'descr': '<f4'}",
		"{'descr':'<f4','fortran_order':False,'shape':(2L, 2L),}",
		"{'descr': '=f4', 'fortran_order': False, 'shape': (1, 4), }",
	} {
		got, err := ReadNpy(bytes.NewReader(npyBytes(1, dict, data)))
		if err != nil {
			t.Fatalf("%s: %v", dict, err)
		}
		if got.Numel() != 4 || got.Data()[3] != 4 {
			t.Fatalf("%s: %v", dict, got)
		}
	}
}

func TestReadNpyErrors(t *testing.T) {
	good := npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", le(float32(1), float32(2)))
	dict := func(d string) []byte { return npyBytes(1, d, le(float32(1), float32(2))) }
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "reading magic"},
		{"bad magic", append([]byte("\x93NUMPZ"), good[6:]...), "bad magic"},
		{"version", append(append([]byte{}, good[:6]...), append([]byte{9, 0}, good[8:]...)...), "version 9.0"},
		{"truncated header", good[:40], "truncated header"},
		{"truncated data", good[:len(good)-1], "truncated data"},
		{"big-endian", dict("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }"), "big-endian"},
		{"fortran", dict("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }"), "fortran_order=True"},
		{"complex", dict("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"), "unsupported dtype"},
		{"struct", dict("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"), "descr"},
		{"missing key", dict("{'descr': '<f4', 'shape': (2,), }"), "fortran_order"},
		{"extra key", dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}"), "unexpected header key"},
		{"negative", dict("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }"), "integer"},
		// The largest shape this platform allows, declared over 8 bytes of data.
		{"huge", dict(fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, 2), }", tensor.MaxElements/2)), "truncated data"},
		{"overflow", dict("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }"), "more than"},
		{"too big int", dict("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }"), "too large"},
		{"trailing", dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x"), "trailing"},
		{"header len", []byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f"), "header length"},
		// Above 2^31: negative if read into a 32-bit int.
		{"header len 2^32-1", []byte("\x93NUMPY\x02\x00\xff\xff\xff\xff"), "header length 4294967295"},
	}
	for _, c := range cases {
		_, err := ReadNpy(bytes.NewReader(c.in))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "npy: ") {
			t.Errorf("%s: error %q, want %q", c.name, err, c.want)
		}
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %q does not wrap ErrFormat", c.name, err)
		}
	}
}

func TestLoadNpyErrorsNameFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.npy")
	os.WriteFile(path, []byte("not numpy at all"), 0o644)
	_, err := LoadNpy(path)
	wantErr(t, err, path, "bad magic")
	if !errors.Is(err, ErrFormat) {
		t.Errorf("bad magic: %q does not wrap ErrFormat", err)
	}
	_, err = LoadNpy(filepath.Join(dir, "missing.npy"))
	wantErr(t, err, "missing.npy")
	if errors.Is(err, ErrFormat) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %q should wrap os.ErrNotExist, not ErrFormat", err)
	}
	extra := npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", le(float32(1), float32(2)))
	os.WriteFile(path, extra, 0o644)
	_, err = LoadNpy(path)
	wantErr(t, err, path, "extra bytes")
	if !errors.Is(err, ErrFormat) {
		t.Errorf("extra bytes: %q does not wrap ErrFormat", err)
	}
	err = SaveNpy(filepath.Join(dir, "no", "such", "dir.npy"), arange(2))
	wantErr(t, err, "dir.npy")
}
