package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harmonic-go/harmonic/tensor"
)

// stFile assembles a safetensors file by hand: length, JSON padded with
// spaces to 8 bytes, data.
func stFile(header string, data []byte) []byte {
	for len(header)%8 != 0 {
		header += " "
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func TestWriteSafetensorsGolden(t *testing.T) {
	w, _ := tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2)
	b, _ := tensor.FromSlice([]float32{-1, 0.5}, 2)
	var got bytes.Buffer
	err := WriteSafetensors(&got, []string{"w", "b"}, []*tensor.Tensor{w, b}, map[string]string{"format": "pt", "a": "x\"y"})
	if err != nil {
		t.Fatal(err)
	}
	want := stFile(`{"__metadata__":{"a":"x\"y","format":"pt"},`+
		`"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},`+
		`"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}`,
		le(float32(1), float32(2), float32(3), float32(4), float32(-1), float32(0.5)))
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("got\n%q\nwant\n%q", got.Bytes(), want)
	}
	if (len(want)-8-24)%8 != 0 {
		t.Fatal("header not padded to 8 bytes")
	}
}

// TestReadSafetensorsReferenceLayout reads a file laid out like the reference
// (Rust) writer's: keys sorted, data in another order, scalar and empty tensors.
func TestReadSafetensorsReferenceLayout(t *testing.T) {
	data := le(float32(7), float32(1), float32(2), float32(3))
	file := stFile(`{"__metadata__": {"format": "pt"}, `+
		`"a.bias": {"dtype": "F32", "shape": [3], "data_offsets": [4, 16]}, `+
		`"empty": {"dtype": "F32", "shape": [0, 5], "data_offsets": [16, 16]}, `+
		`"scale": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}}`, data)
	meta, names, ts, err := ReadSafetensors(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	if meta["format"] != "pt" || len(meta) != 1 {
		t.Fatalf("meta %v", meta)
	}
	if strings.Join(names, ",") != "scale,a.bias,empty" {
		t.Fatalf("names %v (want data order)", names)
	}
	if ts["scale"].Rank() != 0 || ts["scale"].At() != 7 {
		t.Fatalf("scale %v", ts["scale"])
	}
	if bias := ts["a.bias"]; !slices.Equal(bias.Shape(), []int{3}) || bias.At(2) != 3 {
		t.Fatalf("bias %v", bias)
	}
	if !slices.Equal(ts["empty"].Shape(), []int{0, 5}) {
		t.Fatalf("empty %v", ts["empty"])
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	r := tensor.NewRNG(41)
	names := []string{"enc.0.conv1.weight", "enc.0.conv1.bias", "bn.running_var", "step"}
	ts := []*tensor.Tensor{randTensor(r, true, 4, 3, 3, 3), randTensor(r, false, 4), randTensor(r, false, 0), tensor.Full(12, 1)}
	rng := tensor.NewRNG(99)
	rng.Normal()
	state, _ := rng.MarshalText()
	meta := map[string]string{"epoch": "3", "note": "\x00\x01 text \u00e9", "rng": string(state)}
	// Overwrite an existing file to exercise the rename.
	os.WriteFile(path, []byte("old"), 0o644)
	if err := SaveSafetensors(path, names, ts, meta); err != nil {
		t.Fatal(err)
	}
	gotMeta, gotNames, got, err := LoadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(gotNames, "|") != strings.Join(names, "|") {
		t.Fatalf("names %v want %v", gotNames, names)
	}
	if len(gotMeta) != 3 || gotMeta["epoch"] != "3" || gotMeta["note"] != meta["note"] {
		t.Fatalf("meta %q", gotMeta)
	}
	var resumed tensor.RNG
	if err := resumed.UnmarshalText([]byte(gotMeta["rng"])); err != nil {
		t.Fatal(err)
	}
	if resumed.Normal() != rng.Normal() || resumed.Uint64() != rng.Uint64() {
		t.Fatal("tensor.RNG state through safetensors metadata did not resume the stream")
	}
	for i, name := range names {
		g := got[name]
		if !slices.Equal(g.Shape(), ts[i].Shape()) {
			t.Fatalf("%s: shape %v want %v", name, g.Shape(), ts[i].Shape())
		}
		for _, idx := range allIndices(g.Shape()) {
			if g.At(idx...) != ts[i].At(idx...) {
				t.Fatalf("%s at %v", name, idx)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	// No metadata: the header has no __metadata__ key and loads as empty.
	if err := SaveSafetensors(path, names[:1], ts[:1], nil); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte("__metadata__")) {
		t.Fatal("empty metadata should be omitted")
	}
	m, _, _, err := LoadSafetensors(path)
	if err != nil || len(m) != 0 {
		t.Fatalf("meta %v err %v", m, err)
	}
}

func TestSaveSafetensorsErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.safetensors")
	a := tensor.New(2)
	cases := []struct {
		names []string
		ts    []*tensor.Tensor
		want  string
	}{
		{[]string{"a"}, []*tensor.Tensor{a, a}, "1 names for 2 tensors"},
		{[]string{"a", "a"}, []*tensor.Tensor{a, a}, `"a" repeated`},
		{[]string{"__metadata__"}, []*tensor.Tensor{a}, "reserved"},
		{[]string{""}, []*tensor.Tensor{a}, "empty name"},
		{[]string{"n"}, []*tensor.Tensor{nil}, `"n" is nil`},
		{[]string{"\xff"}, []*tensor.Tensor{a}, "not valid UTF-8"},
	}
	for _, c := range cases {
		err := SaveSafetensors(path, c.names, c.ts, nil)
		wantErr(t, err, path, c.want)
	}
	err := SaveSafetensors(path, []string{"a"}, []*tensor.Tensor{a}, map[string]string{"rng": "\xff\x00"})
	wantErr(t, err, `"rng" is not valid UTF-8`)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a failed save must not create the file")
	}
	err = SaveSafetensors(filepath.Join(dir, "missing", "y.safetensors"), []string{"a"}, []*tensor.Tensor{a}, nil)
	wantErr(t, err, "y.safetensors")
}

func TestLoadSafetensorsErrors(t *testing.T) {
	good := func(entry string, data []byte) []byte { return stFile(`{"t":`+entry+`}`, data) }
	d8 := make([]byte, 8)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"short", []byte{1, 2, 3}, "shorter than the 8-byte"},
		{"header too long", append(le(uint64(1000)), []byte("{}")...), "header length 1000"},
		{"huge header", le(uint64(1) << 62), "does not fit"},
		{"not json", stFile(`nope`, nil), "not a JSON object"},
		{"array", stFile(`[1,2]`, nil), "not a JSON object"},
		{"truncated json", stFile(`{"t":{"dtype":"F32"`, nil), "bad header entry"},
		{"trailing", stFile(`{} {}`, nil), "trailing"},
		{"dtype", good(`{"dtype":"F16","shape":[4],"data_offsets":[0,8]}`, d8), `"t" has dtype "F16"`},
		{"unknown field", good(`{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}`, d8), "unknown field"},
		{"missing shape", good(`{"dtype":"F32","data_offsets":[0,8]}`, d8), "missing \"shape\""},
		{"missing dtype", good(`{"shape":[2],"data_offsets":[0,8]}`, d8), "missing \"dtype\""},
		{"three offsets", good(`{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}`, d8), "[begin, end]"},
		{"negative dim", good(`{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}`, d8), "negative"},
		{"span mismatch", good(`{"dtype":"F32","shape":[3],"data_offsets":[0,8]}`, d8), "needs 12 bytes"},
		{"out of range", good(`{"dtype":"F32","shape":[4],"data_offsets":[0,16]}`, d8), "outside the 8-byte"},
		{"reversed", good(`{"dtype":"F32","shape":[0],"data_offsets":[8,0]}`, d8), "outside"},
		{"huge shape", good(`{"dtype":"F32","shape":[1000000,1000000,1000000],"data_offsets":[0,8]}`, d8), "more than"},
		{"extra data", good(`{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`, d8), "cover 4 data bytes but the file holds 8"},
		{"overlap", stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, d8), "overlaps"},
		{"gap", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, d8), "gap"},
		{"dup tensor", stFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, d8), `"a" repeated`},
		{"meta type", stFile(`{"__metadata__":{"k":1}}`, nil), "__metadata__"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		path := filepath.Join(dir, "bad.safetensors")
		os.WriteFile(path, c.file, 0o644)
		_, _, _, err := LoadSafetensors(path)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q, want %q and the path", c.name, err, c.want)
		}
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %q does not wrap ErrFormat", c.name, err)
		}
	}
	_, _, _, err := LoadSafetensors(filepath.Join(dir, "none.safetensors"))
	wantErr(t, err, "none.safetensors")
}
