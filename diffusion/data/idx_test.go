package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// makeIDX builds an IDX byte stream by hand, independently of the reader.
func makeIDX(typ byte, dims []int, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, typ, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(payload)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestReadIDXRawAndGzip(t *testing.T) {
	payload := []byte{0, 255, 128, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	raw := makeIDX(0x08, []int{3, 2, 2}, payload)
	for name, b := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
		x, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(x.Dims) != 3 || x.Dims[0] != 3 || x.Dims[1] != 2 || x.Dims[2] != 2 {
			t.Fatalf("%s: dims %v", name, x.Dims)
		}
		for i, v := range payload {
			if x.Data[i] != float32(v) {
				t.Fatalf("%s: value %d = %v want %v", name, i, x.Data[i], v)
			}
		}
		s, err := IDXImages(x, "t", 2)
		if err != nil || s.N != 2 || s.Pixels[1] != 1 || s.Pixels[2] != 128.0/255 {
			t.Fatalf("%s: IDXImages = %+v, %v", name, s, err)
		}
	}
	// Wider types, big-endian.
	x, err := ReadIDX(bytes.NewReader(makeIDX(0x0B, []int{2}, []byte{0xff, 0xfe, 0x01, 0x00})))
	if err != nil || x.Data[0] != -2 || x.Data[1] != 256 {
		t.Fatalf("int16: %v %v", x, err)
	}
	x, err = ReadIDX(bytes.NewReader(makeIDX(0x0D, []int{1}, []byte{0x3f, 0xc0, 0, 0})))
	if err != nil || x.Data[0] != 1.5 {
		t.Fatalf("float32: %v %v", x, err)
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := makeIDX(0x08, []int{2, 2, 2}, make([]byte, 8))
	cases := map[string]struct {
		in   []byte
		want string
	}{
		"empty":          {nil, "truncated header"},
		"short magic":    {[]byte{0, 0}, "truncated header"},
		"bad magic":      {[]byte{1, 2, 8, 3, 0, 0, 0, 1}, "bad magic"},
		"bad type":       {[]byte{0, 0, 0x07, 1, 0, 0, 0, 1, 0}, "bad magic"},
		"zero dims":      {[]byte{0, 0, 8, 0}, "zero dimensions"},
		"short dims":     {[]byte{0, 0, 8, 3, 0, 0, 0, 2}, "truncated header"},
		"short payload":  {good[:len(good)-3], "truncated: dimensions [2 2 2] need 8 bytes of values, found 5"},
		"huge header":    {makeIDX(0x0E, []int{1 << 20, 1 << 20, 1 << 20}, nil), "announce more than"},
		"corrupt gzip":   {append([]byte{0x1f, 0x8b}, 1, 2, 3), "corrupt gzip"},
		"truncated gzip": {gz(good)[:20], "truncated"},
	}
	for name, c := range cases {
		_, err := ReadIDX(bytes.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
	// A size above 2^31 beside a zero: an error where int has 32 bits, the
	// exact (empty) array where it has 64; never a negative dimension.
	x, err := ReadIDX(bytes.NewReader([]byte{0, 0, 8, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}))
	switch {
	case err != nil && !strings.Contains(err.Error(), "announce more than"):
		t.Errorf("dims [0 2^32-1]: error %v", err)
	case err == nil && (len(x.Data) != 0 || uint64(x.Dims[1]) != math.MaxUint32):
		t.Errorf("dims [0 2^32-1]: read as %v with %d values", x.Dims, len(x.Data))
	}
	// LoadIDX names the file.
	p := filepath.Join(t.TempDir(), "bad-idx3-ubyte")
	os.WriteFile(p, []byte{9, 9, 9, 9}, 0o644)
	if _, err := LoadIDX(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("LoadIDX error %v does not name the file", err)
	}
	x, _ = ReadIDX(bytes.NewReader(makeIDX(0x08, []int{4}, make([]byte, 4))))
	if _, err := IDXImages(x, "labels", 0); err == nil {
		t.Error("1-D labels accepted as images")
	}
}

// FuzzReadIDX: any input gives a value or an error, never a panic, and a
// value always holds exactly as many elements as its dimensions say.
func FuzzReadIDX(f *testing.F) {
	f.Add(makeIDX(0x08, []int{2, 3, 3}, make([]byte, 18)))
	f.Add(gz(makeIDX(0x08, []int{1, 2, 2}, []byte{1, 2, 3, 4})))
	f.Add(makeIDX(0x0E, []int{2}, make([]byte, 16)))
	f.Add([]byte{0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if len(x.Data) != n {
			t.Fatalf("dims %v but %d values", x.Dims, len(x.Data))
		}
	})
}
