package codec

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/harmonic-go/harmonic/internal/atomicfile"
	"github.com/harmonic-go/harmonic/tensor"
)

// The .npy format (numpy.lib.format): magic "\x93NUMPY", major and minor
// version bytes, the header length (uint16 for 1.0, uint32 for 2.0 and 3.0),
// the header dict (latin-1 for 1.0/2.0, UTF-8 for 3.0) padded with spaces and a
// newline so that the data starts at a multiple of 64 bytes, then the raw data.
var npyMagic = []byte("\x93NUMPY")

// maxNpyHeader bounds the header we are willing to read; numpy itself refuses
// headers above 10000 bytes unless told otherwise.
const maxNpyHeader = 1 << 20

// npyDtype describes one element type we can convert to float32.
type npyDtype struct {
	size   int
	decode func(b []byte) float32
}

var npyDtypes = map[string]npyDtype{
	"f4": {4, func(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }},
	"f8": {8, func(b []byte) float32 { return float32(math.Float64frombits(binary.LittleEndian.Uint64(b))) }},
	"i1": {1, func(b []byte) float32 { return float32(int8(b[0])) }},
	"u1": {1, func(b []byte) float32 { return float32(b[0]) }},
	"b1": {1, func(b []byte) float32 { return float32(b[0]) }},
	"i2": {2, func(b []byte) float32 { return float32(int16(binary.LittleEndian.Uint16(b))) }},
	"u2": {2, func(b []byte) float32 { return float32(binary.LittleEndian.Uint16(b)) }},
	"i4": {4, func(b []byte) float32 { return float32(int32(binary.LittleEndian.Uint32(b))) }},
	"u4": {4, func(b []byte) float32 { return float32(binary.LittleEndian.Uint32(b)) }},
	"i8": {8, func(b []byte) float32 { return float32(int64(binary.LittleEndian.Uint64(b))) }},
	"u8": {8, func(b []byte) float32 { return float32(binary.LittleEndian.Uint64(b)) }},
}

// lookupNpyDtype accepts little-endian ('<'), byte-order-free ('|') and, on
// this little-endian-only engine, native ('=') type strings.
func lookupNpyDtype(descr string) (npyDtype, error) {
	if len(descr) < 2 {
		return npyDtype{}, formatf("unsupported dtype %q", descr)
	}
	order, kind := descr[0], descr[1:]
	dt, ok := npyDtypes[kind]
	if order == '>' && ok && dt.size > 1 {
		return npyDtype{}, formatf("big-endian dtype %q is not supported (convert with arr.astype('<%s'))", descr, kind)
	}
	if !ok || (order != '<' && order != '|' && order != '=' && order != '>') {
		return npyDtype{}, formatf("unsupported dtype %q (want float32 '<f4'; '<f8', integer, '|u1' and '|b1' are converted)", descr)
	}
	return dt, nil
}

// ReadNpy reads one array from r and converts it to a float32 tensor. It never
// allocates much more than the bytes actually present: the data are read
// before the output is allocated, so a header that declares a huge shape over
// a short stream fails with "truncated" instead of exhausting memory.
func ReadNpy(r io.Reader) (*tensor.Tensor, error) {
	t, err := readNpy(r)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	return t, nil
}

func readNpy(r io.Reader) (*tensor.Tensor, error) {
	h, err := readNpyHeader(r)
	if err != nil {
		return nil, err
	}
	if h.fortran {
		return nil, formatf("fortran_order=True is not supported (save with np.ascontiguousarray)")
	}
	dt, err := lookupNpyDtype(h.descr)
	if err != nil {
		return nil, err
	}
	n, err := tensor.CheckedNumel(h.shape)
	if err != nil {
		return nil, formatf("%w", err)
	}
	want := int64(n) * int64(dt.size)
	raw, err := io.ReadAll(io.LimitReader(r, want))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) != want {
		return nil, formatf("truncated data: shape %v of %s needs %d bytes, got %d", h.shape, h.descr, want, len(raw))
	}
	out := tensor.New(h.shape...)
	data := out.Data()
	for i := range data {
		data[i] = dt.decode(raw[i*dt.size:])
	}
	return out, nil
}

func readNpyHeader(r io.Reader) (npyHeader, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return npyHeader{}, readFailed("reading magic", err)
	}
	if !bytes.Equal(pre[:6], npyMagic) {
		return npyHeader{}, formatf("bad magic %q: not a .npy file", pre[:6])
	}
	var hlen uint32 // not int: a 4-byte length may not fit a 32-bit int
	switch major := pre[6]; major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return npyHeader{}, readFailed("reading header length", err)
		}
		hlen = uint32(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return npyHeader{}, readFailed("reading header length", err)
		}
		hlen = binary.LittleEndian.Uint32(b[:])
	default:
		return npyHeader{}, formatf("unsupported format version %d.%d", major, pre[7])
	}
	if hlen > maxNpyHeader {
		return npyHeader{}, formatf("header length %d exceeds %d bytes", hlen, maxNpyHeader)
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return npyHeader{}, readFailed(fmt.Sprintf("truncated header (%d bytes declared)", hlen), err)
	}
	h, err := parseNpyHeader(string(hb))
	if err != nil {
		return h, err
	}
	return h, nil
}

// WriteNpy writes t as a little-endian float32 C-order array, format version
// 1.0 (2.0 only if the header does not fit in 65535 bytes), as numpy.save does.
func WriteNpy(w io.Writer, t *tensor.Tensor) error {
	if err := writeNpy(w, t); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	return nil
}

func writeNpy(w io.Writer, t *tensor.Tensor) error {
	if err := writeNpyHeader(w, "<f4", t.Shape()); err != nil {
		return err
	}
	return writeFloat32LE(w, t)
}

// writeNpyHeader writes the preamble and header dict for a C-order array of
// the given dtype and shape.
func writeNpyHeader(w io.Writer, descr string, shape []int) error {
	dict := formatNpyHeader(descr, shape)
	version, lenBytes := byte(1), 2
	// Preamble = magic(6) + version(2) + length field; header = dict + pad + "\n".
	total := pad64(len(npyMagic) + 2 + lenBytes + len(dict) + 1)
	if total-len(npyMagic)-2-lenBytes > math.MaxUint16 {
		version, lenBytes = 2, 4
		total = pad64(len(npyMagic) + 2 + lenBytes + len(dict) + 1)
	}
	hlen := total - len(npyMagic) - 2 - lenBytes
	buf := make([]byte, 0, total)
	buf = append(buf, npyMagic...)
	buf = append(buf, version, 0)
	if lenBytes == 2 {
		buf = binary.LittleEndian.AppendUint16(buf, uint16(hlen))
	} else {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(hlen))
	}
	buf = append(buf, dict...)
	for len(buf) < total-1 {
		buf = append(buf, ' ')
	}
	buf = append(buf, '\n')
	_, err := w.Write(buf)
	return err
}

func pad64(n int) int { return (n + 63) &^ 63 }

// writeFloat32LE streams the elements of t in row-major order, in chunks so a
// large tensor is not duplicated in memory.
func writeFloat32LE(w io.Writer, t *tensor.Tensor) error {
	src := t.Contiguous().Data()
	const chunk = 16 << 10
	buf := make([]byte, 4*min(chunk, len(src)))
	for len(src) > 0 {
		m := min(chunk, len(src))
		for i, v := range src[:m] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*m]); err != nil {
			return err
		}
		src = src[m:]
	}
	return nil
}

// SaveNpy writes t to path (see WriteNpy) atomically: readers see the old
// file or the whole new one, with mode 0644. Errors name the file.
func SaveNpy(path string, t *tensor.Tensor) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { return writeNpy(w, t) }); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	return nil
}

// WriteNpy64 writes v as a little-endian float64 ('<f8') C-order array of
// the given shape, so float64 results (eigenvalues, spectra) keep every bit.
func WriteNpy64(w io.Writer, v []float64, shape ...int) error {
	if err := writeNpy64(w, v, shape); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	return nil
}

func writeNpy64(w io.Writer, v []float64, shape []int) error {
	n, err := tensor.CheckedNumel(shape)
	if err != nil {
		return err
	}
	if n != len(v) {
		return fmt.Errorf("%d float64 values cannot have shape %v (%d elements)", len(v), shape, n)
	}
	if err := writeNpyHeader(w, "<f8", shape); err != nil {
		return err
	}
	const chunk = 8 << 10
	buf := make([]byte, 8*min(chunk, len(v)))
	for len(v) > 0 {
		m := min(chunk, len(v))
		for i, x := range v[:m] {
			binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(x))
		}
		if _, err := w.Write(buf[:8*m]); err != nil {
			return err
		}
		v = v[m:]
	}
	return nil
}

// SaveNpy64 writes v with the given shape to path as '<f8' (see WriteNpy64),
// atomically like SaveNpy. Errors name the file.
func SaveNpy64(path string, v []float64, shape ...int) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { return writeNpy64(w, v, shape) }); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	return nil
}

// LoadNpy reads a .npy file (see ReadNpy). Errors name the file. Data after
// the array is an error, since it usually means a wrong shape in the header.
func LoadNpy(path string) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	t, err := readNpy(br)
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, formatf("npy: %s: extra bytes after the data of shape %v", path, t.Shape())
	}
	return t, nil
}

// LoadNpy64 reads a little-endian float64 ('<f8') .npy file, as SaveNpy64
// writes it, without rounding to float32: its values and shape. Another
// dtype is an error (LoadNpy converts any dtype to float32).
func LoadNpy64(path string) ([]float64, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	v, shape, err := readNpy64(br)
	if err != nil {
		return nil, nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, nil, formatf("npy: %s: extra bytes after the data of shape %v", path, shape)
	}
	return v, shape, nil
}

func readNpy64(r io.Reader) ([]float64, []int, error) {
	h, err := readNpyHeader(r)
	if err != nil {
		return nil, nil, err
	}
	if h.fortran {
		return nil, nil, formatf("fortran_order=True is not supported (save with np.ascontiguousarray)")
	}
	if h.descr != "<f8" && h.descr != "=f8" {
		return nil, nil, formatf("dtype %q: want float64 '<f8'", h.descr)
	}
	n, err := tensor.CheckedNumel(h.shape)
	if err != nil {
		return nil, nil, formatf("%w", err)
	}
	want := int64(n) * 8
	raw, err := io.ReadAll(io.LimitReader(r, want))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(raw)) != want {
		return nil, nil, formatf("truncated data: shape %v of %s needs %d bytes, got %d", h.shape, h.descr, want, len(raw))
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return v, h.shape, nil
}
