package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// IDX is an array read from an IDX file (the MNIST format): a 4-byte magic
// (0, 0, type code, number of dimensions), the dimensions as big-endian
// uint32, then the values, big-endian.
type IDX struct {
	Type byte      // 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
	Dims []int     // e.g. [60000 28 28]
	Data []float32 // values as stored (not rescaled), row-major
}

var idxElemSize = map[byte]int{0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8}

// maxIDXElems bounds what a header may announce, so a corrupt header gives an
// error instead of an allocation of petabytes. Where int has 32 bits it is
// lower: the values' bytes (up to 8 each) must fit in an int.
const maxIDXElems = min(1<<32, math.MaxInt/8)

// LoadIDX reads an IDX file, raw or gzip-compressed (recognized by its magic
// bytes, not by the file name). Errors name the file.
func LoadIDX(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	defer f.Close()
	x, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("idx file %s: %w", path, err)
	}
	return x, nil
}

// ReadIDX parses an IDX stream, transparently gunzipping it.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("corrupt gzip stream: %v", err)
		}
		defer zr.Close()
		return readIDXRaw(bufio.NewReader(zr))
	}
	return readIDXRaw(br)
}

func readIDXRaw(r io.Reader) (*IDX, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("truncated header (want a 4-byte magic): %v", err)
	}
	size, ok := idxElemSize[magic[2]]
	if magic[0] != 0 || magic[1] != 0 || !ok {
		return nil, fmt.Errorf("bad magic % x (want 00 00 TYPE NDIM with TYPE one of 08 09 0b 0c 0d 0e)", magic)
	}
	ndim := int(magic[3])
	if ndim == 0 {
		return nil, errors.New("bad magic: zero dimensions")
	}
	dimBytes := make([]byte, 4*ndim)
	if _, err := io.ReadFull(r, dimBytes); err != nil {
		return nil, fmt.Errorf("truncated header (want %d dimensions): %v", ndim, err)
	}
	// The product is checked in uint64 from the raw uint32 sizes: one of them
	// alone may exceed a 32-bit int.
	raw32 := make([]uint32, ndim)
	dims := make([]int, ndim)
	var total uint64 = 1
	for i := range dims {
		raw32[i] = binary.BigEndian.Uint32(dimBytes[4*i:])
		d := uint64(raw32[i])
		if d > maxIDXElems || (d != 0 && total > maxIDXElems/d) {
			return nil, fmt.Errorf("dimensions %v announce more than %d values", raw32[:i+1], maxIDXElems)
		}
		total *= d
		dims[i] = int(d)
	}
	n := int(total) // at most maxIDXElems, so n*size fits in an int
	x := &IDX{Type: magic[2], Dims: dims}
	// Read in chunks: memory grows with what is actually there, not with
	// what a (possibly corrupt) header promises.
	raw, err := io.ReadAll(io.LimitReader(r, int64(n*size)))
	if err != nil {
		return nil, fmt.Errorf("reading values (truncated or corrupt file?): %v", err)
	}
	if len(raw) != n*size {
		return nil, fmt.Errorf("truncated: dimensions %v need %d bytes of values, found %d", dims, n*size, len(raw))
	}
	x.Data = decodeIDXValues(raw, x.Type, n)
	return x, nil
}

func decodeIDXValues(raw []byte, typ byte, n int) []float32 {
	out := make([]float32, n)
	be := binary.BigEndian
	for i := range out {
		switch typ {
		case 0x08:
			out[i] = float32(raw[i])
		case 0x09:
			out[i] = float32(int8(raw[i]))
		case 0x0B:
			out[i] = float32(int16(be.Uint16(raw[2*i:])))
		case 0x0C:
			out[i] = float32(int32(be.Uint32(raw[4*i:])))
		case 0x0D:
			out[i] = math.Float32frombits(be.Uint32(raw[4*i:]))
		case 0x0E:
			out[i] = float32(math.Float64frombits(be.Uint64(raw[8*i:])))
		}
	}
	return out
}

// IDXImages turns a 3-D uint8 IDX array [N, H, W] into a Set with values
// divided by 255, keeping at most limit images (0: all).
func IDXImages(x *IDX, name string, limit int) (*Set, error) {
	if len(x.Dims) != 3 || x.Type != 0x08 {
		return nil, fmt.Errorf("%s: want uint8 images [N H W], got type 0x%02x dimensions %v", name, x.Type, x.Dims)
	}
	n, h, w := x.Dims[0], x.Dims[1], x.Dims[2]
	if h == 0 || w == 0 {
		return nil, fmt.Errorf("%s: empty images %d×%d", name, h, w)
	}
	if limit > 0 && limit < n {
		n = limit
	}
	s, err := newSet(name, n, h, w)
	if err != nil {
		return nil, err
	}
	for i := range s.Pixels {
		s.Pixels[i] = x.Data[i] / 255
	}
	return s, nil
}

// IDXLabels turns a 1-D uint8 IDX array [N] (an MNIST labels file) into
// class indices, keeping the first limit (0: all).
func IDXLabels(x *IDX, name string, limit int) ([]int, error) {
	if len(x.Dims) != 1 || x.Type != 0x08 {
		return nil, fmt.Errorf("%s: want uint8 labels [N], got type 0x%02x dimensions %v", name, x.Type, x.Dims)
	}
	n := x.Dims[0]
	if limit > 0 && limit < n {
		n = limit
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = int(x.Data[i])
	}
	return labels, nil
}
