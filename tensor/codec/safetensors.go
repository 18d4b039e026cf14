package codec

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"unicode/utf8"

	"github.com/harmonic-go/harmonic/internal/atomicfile"
	"github.com/harmonic-go/harmonic/tensor"
)

// The safetensors format (huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON mapping tensor names to
// {"dtype", "shape", "data_offsets": [begin, end]} plus an optional
// "__metadata__" string map, then the data buffer. Offsets are relative to the
// buffer, tensors are C-order little-endian, and the reference writer pads the
// JSON with spaces so the buffer starts 8-byte aligned.

const (
	stMetadataKey = "__metadata__"
	// stMaxHeader is the reference implementation's limit on the JSON size.
	stMaxHeader = 100_000_000
)

// stEntry is one tensor's header record.
type stEntry struct {
	Dtype       string
	Shape       []int
	DataOffsets [2]int64
}

// SaveSafetensors writes the tensors under the given names, in that order, to
// path atomically: a temporary file in the same directory is written,
// fsynced, given mode 0644 and renamed over path (internal/atomicfile), so a
// crash never leaves a half-written checkpoint. meta (may be nil) becomes the "__metadata__" map.
func SaveSafetensors(path string, names []string, tensors []*tensor.Tensor, meta map[string]string) error {
	header, err := stHeader(names, tensors, meta)
	if err != nil {
		return fmt.Errorf("safetensors: %s: %w", path, err)
	}
	if err := atomicfile.Write(path, func(w io.Writer) error { return stWriteBody(w, header, tensors) }); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

// WriteSafetensors writes the same bytes as SaveSafetensors to w.
func WriteSafetensors(w io.Writer, names []string, tensors []*tensor.Tensor, meta map[string]string) error {
	header, err := stHeader(names, tensors, meta)
	if err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	if err := stWriteBody(w, header, tensors); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

func stWriteBody(w io.Writer, header []byte, tensors []*tensor.Tensor) error {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for _, t := range tensors {
		if err := writeFloat32LE(w, t); err != nil {
			return err
		}
	}
	return nil
}

// stHeader builds the JSON header by hand so the keys keep the caller's order
// ("__metadata__" first, as the reference writer does; its keys sorted), padded
// with spaces to a multiple of 8 bytes.
func stHeader(names []string, tensors []*tensor.Tensor, meta map[string]string) ([]byte, error) {
	if len(names) != len(tensors) {
		return nil, fmt.Errorf("%d names for %d tensors", len(names), len(tensors))
	}
	var b bytes.Buffer
	b.WriteByte('{')
	if len(meta) > 0 {
		keys := make([]string, 0, len(meta))
		for k := range meta {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			// JSON would silently replace invalid bytes with U+FFFD.
			if !utf8.ValidString(k) || !utf8.ValidString(meta[k]) {
				return nil, fmt.Errorf("metadata %q is not valid UTF-8 text (hex-encode binary values, e.g. RNG.MarshalText)", clip(k))
			}
		}
		b.WriteString(`"` + stMetadataKey + `":{`)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(&b, k)
			b.WriteByte(':')
			writeJSONString(&b, meta[k])
		}
		b.WriteByte('}')
	}
	seen := make(map[string]bool, len(names))
	var offset int64
	for i, name := range names {
		switch {
		case name == "" || name == stMetadataKey:
			return nil, fmt.Errorf("tensor %d has the reserved or empty name %q", i, name)
		case seen[name]:
			return nil, fmt.Errorf("tensor name %q repeated", name)
		case !utf8.ValidString(name):
			return nil, fmt.Errorf("tensor name %q is not valid UTF-8", name)
		case tensors[i] == nil:
			return nil, fmt.Errorf("tensor %q is nil", name)
		}
		seen[name] = true
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		size := 4 * int64(tensors[i].Numel())
		writeJSONString(&b, name)
		shape, _ := json.Marshal(tensors[i].Shape())
		if tensors[i].Rank() == 0 {
			shape = []byte("[]")
		}
		fmt.Fprintf(&b, `:{"dtype":"F32","shape":%s,"data_offsets":[%d,%d]}`, shape, offset, offset+size)
		offset += size
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes(), nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s) // cannot fail for a string
	b.Write(q)
}

// LoadSafetensors reads a safetensors file of float32 tensors. names lists the
// tensors in the order of their data in the file (the caller's order for files
// written by SaveSafetensors). The whole layout is validated before any tensor
// is allocated, so a corrupt or hostile file fails with an error naming the
// file and the tensor instead of allocating huge buffers or panicking.
func LoadSafetensors(path string) (meta map[string]string, names []string, tensors map[string]*tensor.Tensor, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	meta, names, tensors, err = readSafetensors(f, st.Size())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	return meta, names, tensors, nil
}

// ReadSafetensors is LoadSafetensors on an in-memory or already open source of
// the given size.
func ReadSafetensors(r io.ReaderAt, size int64) (meta map[string]string, names []string, tensors map[string]*tensor.Tensor, err error) {
	meta, names, tensors, err = readSafetensors(r, size)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	return meta, names, tensors, nil
}

func readSafetensors(r io.ReaderAt, size int64) (map[string]string, []string, map[string]*tensor.Tensor, error) {
	var nb [8]byte
	if size < 8 {
		return nil, nil, nil, formatf("file is %d bytes, shorter than the 8-byte header length", size)
	}
	if _, err := r.ReadAt(nb[:], 0); err != nil {
		return nil, nil, nil, err
	}
	n := binary.LittleEndian.Uint64(nb[:])
	if n > stMaxHeader || n > uint64(size-8) {
		return nil, nil, nil, formatf("header length %d does not fit in the %d-byte file (limit %d)", n, size, stMaxHeader)
	}
	hb := make([]byte, n)
	if _, err := r.ReadAt(hb, 8); err != nil {
		return nil, nil, nil, readFailed("reading header", err)
	}
	meta, names, entries, err := parseSTHeader(hb)
	if err != nil {
		return nil, nil, nil, err
	}
	dataStart := 8 + int64(n)
	if err := validateSTLayout(names, entries, size-dataStart); err != nil {
		return nil, nil, nil, err
	}
	tensors := make(map[string]*tensor.Tensor, len(names))
	for _, name := range names {
		e := entries[name]
		t, err := readSTTensor(r, dataStart+e.DataOffsets[0], e.Shape)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		tensors[name] = t
	}
	return meta, names, tensors, nil
}

// readSTTensor decodes one validated float32 tensor starting at off.
func readSTTensor(r io.ReaderAt, off int64, shape []int) (*tensor.Tensor, error) {
	t, err := tensor.NewChecked(shape...)
	if err != nil {
		return nil, err
	}
	data := t.Data()
	buf := make([]byte, 4*min(len(data), 16<<10))
	for lo := 0; lo < len(data); {
		m := min(len(buf)/4, len(data)-lo)
		if _, err := r.ReadAt(buf[:4*m], off+4*int64(lo)); err != nil {
			return nil, err
		}
		for i := 0; i < m; i++ {
			data[lo+i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		lo += m
	}
	return t, nil
}

// parseSTHeader decodes the JSON header token by token so that the tensor
// order of the file is kept and repeated keys are caught (a plain map would
// silently keep the last one).
func parseSTHeader(hb []byte) (map[string]string, []string, map[string]stEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(hb))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, nil, formatf("header is not a JSON object: %q", clip(string(hb)))
	}
	meta := map[string]string{}
	var names []string
	entries := map[string]stEntry{}
	seenMeta := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, nil, formatf("header JSON: %w", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, nil, nil, formatf("header JSON: unexpected %v where a key belongs", tok)
		}
		if _, dup := entries[key]; dup || (key == stMetadataKey && seenMeta) {
			return nil, nil, nil, formatf("header key %q repeated", key)
		}
		if key == stMetadataKey {
			seenMeta = true
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, nil, formatf("__metadata__ must map strings to strings: %w", err)
			}
			continue
		}
		var e stEntry
		if err := decodeStrict(dec, &e); err != nil {
			return nil, nil, nil, formatf("tensor %q: bad header entry: %w", key, err)
		}
		names = append(names, key)
		entries[key] = e
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, nil, formatf("header JSON: %w", err)
	}
	if rest := bytes.TrimRight(hb[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, nil, nil, formatf("header has trailing bytes %q after the JSON object", clip(string(rest)))
	}
	return meta, names, entries, nil
}

// decodeStrict decodes the next JSON value into e, rejecting unknown and
// missing fields and data_offsets that are not exactly two numbers (a Go
// array would silently drop or zero-fill extras).
func decodeStrict(dec *json.Decoder, e *stEntry) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	var v struct {
		Dtype       *string  `json:"dtype"`
		Shape       *[]int   `json:"shape"`
		DataOffsets *[]int64 `json:"data_offsets"`
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&v); err != nil {
		return err
	}
	switch {
	case v.Dtype == nil:
		return formatf(`missing "dtype"`)
	case v.Shape == nil || *v.Shape == nil:
		return formatf(`missing "shape"`)
	case v.DataOffsets == nil || len(*v.DataOffsets) != 2:
		return formatf(`"data_offsets" must be [begin, end]`)
	}
	e.Dtype, e.Shape = *v.Dtype, *v.Shape
	e.DataOffsets = [2]int64{(*v.DataOffsets)[0], (*v.DataOffsets)[1]}
	return nil
}

// validateSTLayout checks every entry and that the tensors tile the data
// buffer exactly, as the reference loader does: sorted by offset, each starts
// where the previous ended, and the last ends at the end of the file. names is
// reordered into data order.
func validateSTLayout(names []string, entries map[string]stEntry, dataLen int64) error {
	for _, name := range names {
		e := entries[name]
		if e.Dtype != "F32" {
			return formatf("tensor %q has dtype %q; only F32 is supported (convert with tensor.float())", name, e.Dtype)
		}
		n, err := tensor.CheckedNumel(e.Shape)
		if err != nil {
			return formatf("tensor %q: %w", name, err)
		}
		b, end := e.DataOffsets[0], e.DataOffsets[1]
		if b < 0 || end < b || end > dataLen {
			return formatf("tensor %q: data_offsets [%d, %d] outside the %d-byte data buffer", name, b, end, dataLen)
		}
		if int64(n)*4 != end-b {
			return formatf("tensor %q: shape %v of F32 needs %d bytes, data_offsets [%d, %d] span %d", name, e.Shape, int64(n)*4, b, end, end-b)
		}
	}
	sort.SliceStable(names, func(i, j int) bool {
		return entries[names[i]].DataOffsets[0] < entries[names[j]].DataOffsets[0]
	})
	var pos int64
	for _, name := range names {
		e := entries[name]
		if e.DataOffsets[0] != pos {
			what := "overlaps the previous tensor"
			if e.DataOffsets[0] > pos {
				what = "leaves a gap after the previous tensor"
			}
			return formatf("tensor %q: data_offsets [%d, %d] %s (which ends at %d)", name, e.DataOffsets[0], e.DataOffsets[1], what, pos)
		}
		pos = e.DataOffsets[1]
	}
	if pos != dataLen {
		return formatf("tensors cover %d data bytes but the file holds %d after the header", pos, dataLen)
	}
	return nil
}
